import type { Clock, TimerHandle } from '../core/clock.js';
import { formatSeriesKey } from './formatPrometheusText.js';
import { parsePrometheusText } from './parsePrometheusText.js';
import { familyOf, type PromMetricType, type PromSample } from './promText.js';
import type { ScrapeRow } from './scrapeCsv.js';

/** Series kept per target; more are dropped (said once), so a target with a label explosion cannot eat the run's memory. */
export const DEFAULT_MAX_SERIES = 1000;
/** A larger body fails the scrape: no metrics page is that big, and it is read into memory. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const ACCEPT = 'text/plain;version=0.0.4;q=1, application/openmetrics-text;version=1.0.0;q=0.5, */*;q=0.1';

export interface TargetScraperOptions {
  /** http:// URLs (see checkScrapeUrl). */
  urls: readonly string[];
  /** Time between scrapes; also each request's timeout. */
  intervalMs: number;
  clock: Clock;
  /** Injected for tests; default the global fetch. */
  fetch?: (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<Response>;
  maxSeriesPerTarget?: number;
  maxBodyBytes?: number;
  /** A target failed, sent malformed lines or too many series: said once per target and kind. */
  onWarning?: (message: string) => void;
}

/** What happened to one target over the run. */
export interface TargetScrapeStats {
  url: string;
  scrapes: number;
  failures: number;
  malformedLines: number;
  series: number;
  /** Samples of series past the cap, not kept. */
  samplesDropped: number;
}

interface Scrape {
  /** Clock time the request was sent. */
  atMs: number;
  index: Uint32Array;
  values: Float64Array;
}

interface Target {
  url: string;
  seriesIndex: Map<string, number>;
  series: { key: string; type: PromMetricType }[];
  scrapes: Scrape[];
  /** A request is out and has not timed out yet. */
  busy: boolean;
  abort: AbortController | undefined;
  stats: TargetScrapeStats;
  warned: Set<'failure' | 'malformed' | 'capped'>;
}

/** The kept part of a scrape: gauges, counters and untyped as they are; of histograms and summaries only `_sum` and `_count` (a mean can be derived), no `_created`. */
function keepSample(s: PromSample, types: ReadonlyMap<string, PromMetricType>): { family: string; type: PromMetricType } | undefined {
  const family = familyOf(s.name, types);
  const type = types.get(family) ?? 'untyped';
  const suffix = s.name.slice(family.length);
  if (suffix === '_created') return undefined;
  if (type === 'histogram' || type === 'summary') return suffix === '_sum' || suffix === '_count' ? { family, type } : undefined;
  if (type === 'gaugehistogram') return suffix === '_gsum' || suffix === '_gcount' ? { family, type } : undefined;
  return { family, type };
}

/**
 * Samples the Prometheus metrics of one or more targets every `intervalMs` (injected clock) while a
 * run goes on, and keeps per scrape time each series' value. A target that fails (refused, HTTP
 * error, timeout, a body that is not metrics) is counted and said once; the run is never stopped by it.
 */
export class TargetScraper {
  private readonly targets: Target[];
  private readonly maxSeries: number;
  private readonly maxBodyBytes: number;
  private readonly fetchFn: NonNullable<TargetScraperOptions['fetch']>;
  private readonly pending = new Set<Promise<void>>();
  private timer: TimerHandle | undefined;
  private startedAtMs = 0;
  private ticks = 0;
  private stopped = false;

  constructor(private readonly o: TargetScraperOptions) {
    if (!(o.intervalMs > 0)) throw new RangeError(`scrape interval must be > 0 ms, got ${o.intervalMs}`);
    this.maxSeries = o.maxSeriesPerTarget ?? DEFAULT_MAX_SERIES;
    this.maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.fetchFn = o.fetch ?? ((url, init) => fetch(url, init));
    this.targets = o.urls.map((url) => ({
      url,
      seriesIndex: new Map(),
      series: [],
      scrapes: [],
      busy: false,
      abort: undefined,
      stats: { url, scrapes: 0, failures: 0, malformedLines: 0, series: 0, samplesDropped: 0 },
      warned: new Set(),
    }));
  }

  /** Scrapes now, then every interval (on the interval grid: a slow scrape does not shift the next). */
  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.startedAtMs = this.o.clock.nowMs();
    this.tick();
  }

  /** No more scrapes; one in flight is abandoned (not counted as failed). Resolves once none is running. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    for (const t of this.targets) t.abort?.abort();
    await Promise.all(this.pending);
  }

  stats(): TargetScrapeStats[] {
    return this.targets.map((t) => ({ ...t.stats, series: t.series.length }));
  }

  /**
   * Every kept value as scrape.csv rows, oldest scrape first: elapsed = clock time − `zeroMs` (the
   * clock time of the run's time 0), rounded to the ms. Scrapes before time 0 (while the run's
   * workers started) are left out.
   */
  *rows(zeroMs: number): Generator<ScrapeRow> {
    const all = this.targets.flatMap((t) => t.scrapes.map((s) => ({ t, s })));
    all.sort((a, b) => a.s.atMs - b.s.atMs);
    for (const { t, s } of all) {
      const elapsedMs = Math.round(s.atMs - zeroMs);
      if (elapsedMs < 0) continue;
      for (let i = 0; i < s.index.length; i++) {
        const series = t.series[s.index[i]!]!;
        yield { elapsedMs, target: t.url, type: series.type, series: series.key, value: s.values[i]! };
      }
    }
  }

  private tick(): void {
    if (this.stopped) return;
    for (const t of this.targets) {
      // Still waiting on the last one: skip rather than pile up (it times out at the next tick anyway).
      if (t.busy) continue;
      const p = this.scrape(t).finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
    this.ticks++;
    const next = this.startedAtMs + this.ticks * this.o.intervalMs;
    this.timer = this.o.clock.setTimer(next - this.o.clock.nowMs(), () => this.tick());
  }

  private async scrape(t: Target): Promise<void> {
    const atMs = this.o.clock.nowMs();
    const abort = new AbortController();
    t.abort = abort;
    t.busy = true;
    let timedOut = false;
    const timeout = this.o.clock.setTimer(this.o.intervalMs, () => {
      timedOut = true;
      // Free at once, not when the aborted request has unwound: the tick due now scrapes again.
      t.busy = false;
      abort.abort();
    });
    let text: string;
    try {
      const res = await this.fetchFn(t.url, { signal: abort.signal, headers: { accept: ACCEPT } });
      if (!res.ok) {
        void res.body?.cancel().catch(() => undefined);
        throw new Error(`HTTP ${res.status}${res.statusText === '' ? '' : ` ${res.statusText}`}`);
      }
      text = await readCapped(res, this.maxBodyBytes);
    } catch (e) {
      if (this.stopped && !timedOut) return; // abandoned by stop(): not the target's failure
      t.stats.failures++;
      const why = timedOut ? `no answer within ${this.o.intervalMs} ms` : describe(e);
      this.warnOnce(t, 'failure', `scrape ${t.url} failed: ${why}; the run goes on (failed scrapes are counted)`);
      return;
    } finally {
      timeout.cancel();
      if (t.abort === abort) {
        t.abort = undefined;
        t.busy = false;
      }
    }
    this.record(t, atMs, text);
  }

  private record(t: Target, atMs: number, text: string): void {
    const parsed = parsePrometheusText(text);
    t.stats.scrapes++;
    if (parsed.malformed > 0) {
      t.stats.malformedLines += parsed.malformed;
      const first = parsed.problems[0];
      this.warnOnce(t, 'malformed', `scrape ${t.url}: skipped ${parsed.malformed} malformed line${parsed.malformed === 1 ? '' : 's'}${first === undefined ? '' : ` (line ${first.line}: ${first.message})`}`);
    }
    const values = new Map<number, number>();
    for (const s of parsed.samples) {
      const kept = keepSample(s, parsed.types);
      if (kept === undefined) continue;
      const key = formatSeriesKey(s.name, [...s.labels].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
      let index = t.seriesIndex.get(key);
      if (index === undefined) {
        if (t.series.length >= this.maxSeries) {
          t.stats.samplesDropped++;
          this.warnOnce(t, 'capped', `scrape ${t.url}: more than ${this.maxSeries} series; keeping the first ${this.maxSeries}`);
          continue;
        }
        index = t.series.length;
        t.series.push({ key, type: kept.type });
        t.seriesIndex.set(key, index);
      }
      if (!values.has(index)) values.set(index, s.value);
    }
    t.scrapes.push({ atMs, index: Uint32Array.from(values.keys()), values: Float64Array.from(values.values()) });
  }

  private warnOnce(t: Target, kind: 'failure' | 'malformed' | 'capped', message: string): void {
    if (t.warned.has(kind)) return;
    t.warned.add(kind);
    this.o.onWarning?.(message);
  }
}

/** The body as text, failing past `max` bytes instead of reading it all. */
async function readCapped(res: Response, max: number): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > max) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the body is larger than ${max} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // fetch's "fetch failed" hides the reason (ECONNREFUSED, ENOTFOUND) in its cause.
  const cause = e.cause instanceof Error ? `: ${(e.cause as NodeJS.ErrnoException).code ?? e.cause.message}` : '';
  return `${e.message}${cause}`;
}

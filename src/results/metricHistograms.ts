import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { CallRecord, TurnStageBreakdown } from '../load/loadTypes.js';
import { VoiceloadError } from '../core/errors.js';
import { HISTOGRAM_METRICS, MAX_VALUE, VALUE_SCALE, isHistogramMetric } from './metricNames.js';
import type { HistogramMetric } from './metricNames.js';
import { turnStageSamples } from './turnStageSamples.js';

/**
 * One metric over a run, in its unit (ms, or % for rtp_loss_pct); nulls when it has no samples.
 * Values come from the histogram's buckets: within 0.1 % (3 significant digits) of the exact ones;
 * percentiles are nearest-rank (the bucket's highest equivalent value), min is the lowest
 * equivalent value of the smallest sample, max the highest equivalent of the largest.
 */
export interface MetricStats {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

const HIGHEST_STORED = MAX_VALUE * VALUE_SCALE;

function newHistogram(): Histogram {
  // autoResize off: every histogram has the same layout, so add() is exact bucket by bucket.
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_STORED, numberOfSignificantValueDigits: 3, autoResize: false });
}

/** Rounds to the 0.001 of the unit the histogram stores (drops float noise of the division). */
const unscale = (stored: number): number => Math.round(stored) / VALUE_SCALE;

/**
 * The run's latency (and RTP quality) histograms, one HDR histogram per metric, created on first use.
 * Values below 0 are recorded as 0 and above one hour as one hour (HDR holds neither); they are
 * counted in `clamped` so a clock problem is visible. Non-finite values are ignored.
 */
export class MetricHistograms {
  private readonly histograms = new Map<HistogramMetric, Histogram>();
  private clampedCount = 0;

  /** Records one value in the metric's unit (ms, or % for rtp_loss_pct). */
  record(name: HistogramMetric, value: number): void {
    if (!Number.isFinite(value)) return;
    let stored = Math.round(value * VALUE_SCALE);
    if (stored < 0 || stored > HIGHEST_STORED) {
      this.clampedCount++;
      stored = Math.min(Math.max(stored, 0), HIGHEST_STORED);
    }
    this.histogram(name).recordValue(stored);
  }

  /** Records every metric of one finished call. */
  recordCall(r: CallRecord): void {
    const maybe = (name: HistogramMetric, v: number | null | undefined): void => {
      if (v !== null && v !== undefined) this.record(name, v);
    };
    maybe('invite_to_trying_ms', inviteToTryingMs(r.detail));
    maybe('post_dial_delay_ms', r.postDialDelayMs);
    maybe('invite_to_answer_ms', r.inviteToAnswerMs);
    maybe('greeting_ttfa_ms', r.greetingTtfaMs);
    for (const t of r.ttfaMs) maybe('ttfa_ms', t);
    for (const stage of r.turnStages ?? []) this.recordTurnStages(stage);
    for (const v of r.agentReplyMs) this.record('agent_reply_ms', v);
    for (const v of r.bargeInStopMs) this.record('barge_in_stop_ms', v);
    if (r.rtp !== null && r.rtp.receivedPackets > 0) {
      // A call that received nothing has no jitter or loss to speak of (media_timeout says it).
      this.record('rtp_jitter_ms', r.rtp.jitterMs);
      this.record('rtp_loss_pct', r.rtp.lossPct);
    }
    this.record('start_lag_ms', r.startLagMs);
  }

  /** Records one turn's stage metrics (`run --livekit`); a null turn or field adds nothing. */
  recordTurnStages(stage: TurnStageBreakdown | null | undefined): void {
    for (const [name, v] of turnStageSamples(stage)) this.record(name, v);
  }

  /** Adds every sample of `other` (exact: identical bucket layouts). */
  add(other: MetricHistograms): void {
    for (const [name, h] of other.histograms) this.histogram(name).add(h);
    this.clampedCount += other.clampedCount;
  }

  /** Values recorded out of range (below 0 or above one hour) and clamped. */
  get clamped(): number {
    return this.clampedCount;
  }

  /** Metrics that have at least one sample, in METRICS.md order. */
  names(): HistogramMetric[] {
    return HISTOGRAM_METRICS.filter((n) => (this.histograms.get(n)?.totalCount ?? 0) > 0);
  }

  count(name: HistogramMetric): number {
    return this.histograms.get(name)?.totalCount ?? 0;
  }

  /** Nearest-rank percentile (0–100) in the metric's unit; null when empty. */
  percentile(name: HistogramMetric, p: number): number | null {
    const h = this.histograms.get(name);
    if (h === undefined || h.totalCount === 0) return null;
    return unscale(h.getValueAtPercentile(p));
  }

  stats(name: HistogramMetric): MetricStats {
    const h = this.histograms.get(name);
    if (h === undefined || h.totalCount === 0) {
      return { count: 0, min: null, mean: null, p50: null, p90: null, p95: null, p99: null, max: null };
    }
    const at = (p: number): number => unscale(h.getValueAtPercentile(p));
    return {
      count: h.totalCount,
      min: at(0),
      mean: Math.round(h.mean) / VALUE_SCALE,
      p50: at(50),
      p90: at(90),
      p95: at(95),
      p99: at(99),
      max: at(100),
    };
  }

  /** Every non-empty metric as HdrHistogram's compressed base64 (V2 encoding, readable by other HDR tools). */
  encode(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.names()) out[name] = hdr.encodeIntoCompressedBase64(this.histograms.get(name)!);
    return out;
  }

  /** The inverse of {@link encode}. Unknown metric names or undecodable text are a CONFIG error. */
  static decode(encoded: Readonly<Record<string, string>>): MetricHistograms {
    const m = new MetricHistograms();
    for (const [name, text] of Object.entries(encoded)) {
      if (!isHistogramMetric(name)) {
        throw new VoiceloadError('CONFIG', `unknown histogram metric "${name}"`, { hint: `known metrics: ${HISTOGRAM_METRICS.join(', ')}` });
      }
      let decoded: Histogram;
      try {
        decoded = hdr.decodeFromCompressedBase64(text);
      } catch (cause) {
        throw new VoiceloadError('CONFIG', `histogram "${name}" is not a valid compressed HDR histogram`, { cause });
      }
      m.histogram(name).add(decoded);
    }
    return m;
  }

  private histogram(name: HistogramMetric): Histogram {
    let h = this.histograms.get(name);
    if (h === undefined) {
      h = newHistogram();
      this.histograms.set(name, h);
    }
    return h;
  }
}

/**
 * INVITE → first 100 is not a CallRecord field; it is read from the YAML call result (`detail`,
 * a CallResult) when present. SIPp results carry no such field and contribute no sample.
 */
function inviteToTryingMs(detail: unknown): number | null {
  if (typeof detail !== 'object' || detail === null) return null;
  const v = (detail as { inviteToTryingMs?: unknown }).inviteToTryingMs;
  return typeof v === 'number' ? v : null;
}

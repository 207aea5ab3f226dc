import type { ScrapeRow } from '../../scrape/scrapeCsv.js';

/** Series the "target metrics" chart draws at most. */
export const MAX_TARGET_SERIES = 8;

const QUEUE = /queue|pending|waiting|backlog|depth/i;
const ACTIVE = /active|in_?use|busy|in_?flight|running|concurren|current/i;
const CUMULATIVE = /_(total|count|sum|bucket|created|gsum|gcount)$/;

/** Scraped target metrics (scrape.csv) on the run's time axis: x is seconds since the run's start, as the latency chart's. */
export interface TargetMetricsSeries {
  timeSec: number[];
  /** One per series drawn; null where that series has no sample at that time (or a NaN/±Inf one). */
  series: { label: string; values: (number | null)[] }[];
  /** Series in scrape.csv that the chart leaves out (counters, histogram sums, past the cap). */
  omitted: number;
}

/**
 * Pure: the few most telling series of scrape.csv. Levels only (gauges and untyped, not cumulative
 * counters or histogram sums): queue-like ones first, then in-service/active ones, then the rest;
 * within each, series that moved before flat ones, in file order. At most {@link MAX_TARGET_SERIES}.
 */
export function targetMetricsSeries(rows: readonly ScrapeRow[], max = MAX_TARGET_SERIES): TargetMetricsSeries | null {
  const bySeries = new Map<string, { target: string; series: string; name: string; order: number; min: number; max: number; points: Map<number, number | null> }>();
  for (const r of rows) {
    const key = `${r.target}\n${r.series}`;
    let s = bySeries.get(key);
    if (s === undefined) {
      const name = r.series.replace(/\{.*$/s, '');
      if (r.type !== 'gauge' && r.type !== 'untyped' && r.type !== 'unknown') continue;
      if (CUMULATIVE.test(name)) continue;
      s = { target: r.target, series: r.series, name, order: bySeries.size, min: Infinity, max: -Infinity, points: new Map() };
      bySeries.set(key, s);
    }
    const finite = Number.isFinite(r.value);
    if (finite) {
      s.min = Math.min(s.min, r.value);
      s.max = Math.max(s.max, r.value);
    }
    s.points.set(r.elapsedMs, finite ? r.value : null);
  }
  const rank = (name: string): number => (QUEUE.test(name) ? 0 : ACTIVE.test(name) ? 1 : 2);
  const chosen = [...bySeries.values()]
    .sort((a, b) => rank(a.name) - rank(b.name) || Number(b.max > b.min) - Number(a.max > a.min) || a.order - b.order)
    .slice(0, max);
  if (chosen.length === 0) return null;
  const allSeries = new Set(rows.map((r) => `${r.target}\n${r.series}`)).size;
  const times = [...new Set(chosen.flatMap((s) => [...s.points.keys()]))].sort((a, b) => a - b);
  const targets = new Set(chosen.map((s) => s.target));
  const label = (s: { target: string; series: string }): string => (targets.size > 1 ? `${hostOf(s.target)} ${s.series}` : s.series);
  return {
    timeSec: times.map((ms) => ms / 1000),
    series: chosen.map((s) => ({ label: label(s), values: times.map((ms) => s.points.get(ms) ?? null) })),
    omitted: allSeries - chosen.length,
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

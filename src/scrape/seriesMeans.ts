import type { PromMetricType } from './promText.js';
import type { ScrapeRow } from './scrapeCsv.js';

/** One series' mean over a window of run time. */
export interface SeriesMean {
  target: string;
  series: string;
  type: PromMetricType;
  mean: number;
  /** Finite values averaged. */
  samples: number;
}

/**
 * Pure: the mean of each series over the rows with `fromMs ≤ elapsedMs < toMs` (NaN and ±Inf are
 * left out), in first-seen order. A capacity step passes its measured window (after the warmup).
 */
export function seriesMeans(rows: Iterable<ScrapeRow>, window: { fromMs: number; toMs: number }): SeriesMean[] {
  const acc = new Map<string, { target: string; series: string; type: PromMetricType; sum: number; n: number }>();
  for (const r of rows) {
    if (r.elapsedMs < window.fromMs || r.elapsedMs >= window.toMs || !Number.isFinite(r.value)) continue;
    const key = `${r.target}\n${r.series}`;
    let a = acc.get(key);
    if (a === undefined) {
      a = { target: r.target, series: r.series, type: r.type, sum: 0, n: 0 };
      acc.set(key, a);
    }
    a.sum += r.value;
    a.n++;
  }
  return [...acc.values()].map((a) => ({ target: a.target, series: a.series, type: a.type, mean: a.sum / a.n, samples: a.n }));
}

import type { MetricHistograms } from '../../results/metricHistograms.js';
import type { HistogramMetric } from '../../results/metricNames.js';

/** A cumulative distribution: share of samples (0–1) at or below each value. */
export interface CdfSeries {
  valuesMs: number[];
  fraction: number[];
}

/** Percentiles sampled for the curve: dense in the tail, where latency problems live. */
const PERCENTILES = [
  ...Array.from({ length: 90 }, (_, i) => i + 1),
  ...Array.from({ length: 18 }, (_, i) => 90.5 + i * 0.5),
  99.9,
  99.99,
  100,
];

/**
 * Pure: the metric's CDF from its HDR histogram (values within 0.1 %), as (value, fraction) points
 * in increasing value order; empty when the metric has no samples.
 */
export function histogramCdf(histograms: MetricHistograms, metric: HistogramMetric): CdfSeries {
  const out: CdfSeries = { valuesMs: [], fraction: [] };
  if (histograms.count(metric) === 0) return out;
  for (const p of PERCENTILES) {
    const v = histograms.percentile(metric, p);
    if (v === null) continue;
    const last = out.valuesMs.length - 1;
    // Equal values: keep the highest fraction only, so x stays strictly increasing (uPlot needs it sorted).
    if (last >= 0 && out.valuesMs[last] === v) out.fraction[last] = p / 100;
    else {
      out.valuesMs.push(v);
      out.fraction.push(p / 100);
    }
  }
  return out;
}

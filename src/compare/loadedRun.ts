import type { MetricHistograms } from '../results/metricHistograms.js';
import type { HistogramMetric } from '../results/metricNames.js';
import type { RunSummaryDoc } from '../results/runSummaryDoc.js';

/** One `voiceload run --out` directory, read for comparison. */
export interface LoadedRun {
  /** Where it was read from (shown in the report). */
  dir: string;
  summary: RunSummaryDoc;
  histograms: MetricHistograms;
  /** Per-sample values from calls.ndjson, per histogram metric, in the metric's unit. */
  samples: Partial<Record<HistogramMetric, number[]>>;
  /** One value per ended call: 1 failed, 0 completed (the samples behind failure_rate). */
  failures: number[];
}

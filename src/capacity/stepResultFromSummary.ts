import { evaluateThresholds } from '../results/evaluateThresholds.js';
import type { RunSummaryDoc } from '../results/runSummaryDoc.js';
import type { Threshold } from '../results/threshold.js';
import type { SeriesMean } from '../scrape/seriesMeans.js';
import { HINT_METRICS } from './capacityTypes.js';
import type { CapacityStepResult, HintMetric, StepPercentiles } from './capacityTypes.js';

/**
 * One capacity step's result from the summary of the load held at `level`, SLOs evaluated on it;
 * with `--scrape`, the scraped series' means over the same window.
 */
export function stepResultFromSummary(level: number, summary: RunSummaryDoc, slos: readonly Threshold[], scraped?: readonly SeriesMean[]): CapacityStepResult {
  const metrics: Partial<Record<HintMetric, StepPercentiles>> = {};
  for (const name of HINT_METRICS) {
    const m = summary.metrics[name];
    if (m !== undefined && m.count > 0) metrics[name] = { p50: m.p50, p95: m.p95, count: m.count };
  }
  const byReason = summary.counters.calls_failed_by_reason;
  return {
    level,
    slos: evaluateThresholds(slos, summary),
    failureRate: summary.rates.failure_rate,
    callsAttempted: summary.counters.calls_attempted,
    metrics,
    rejected503: byReason['sip_503'] ?? 0,
    rejected486: byReason['sip_486'] ?? 0,
    ...(scraped === undefined ? {} : { scraped }),
  };
}

import { HISTOGRAM_METRICS } from '../../src/results/metricNames.js';
import type { HistogramMetric } from '../../src/results/metricNames.js';
import { parseThreshold } from '../../src/results/parseThreshold.js';
import type { RunSummaryDoc, SummaryMetric } from '../../src/results/runSummaryDoc.js';
import type { Threshold } from '../../src/results/threshold.js';
import type { CapacityStepResult } from '../../src/capacity/capacityTypes.js';
import { stepResultFromSummary } from '../../src/capacity/stepResultFromSummary.js';

/** What a modelled system measures at one level: p95 per metric, failures split by reason. */
export interface ModelStep {
  p95: Partial<Record<HistogramMetric, number>>;
  callsAttempted: number;
  failedByReason: Record<string, number>;
  /** Calls that ended (answered or failed): the failure-rate denominator. */
  callsEnded: number;
}

/** A summary.json as a step of that model would write it (only p50/p95 matter here; p50 = p95 / 1.5). */
export function summaryOf(m: ModelStep): RunSummaryDoc {
  const metric = (name: HistogramMetric): SummaryMetric => {
    const v = m.p95[name];
    const unit = name === 'rtp_loss_pct' ? '%' : 'ms';
    if (v === undefined) return { unit, count: 0, min: null, mean: null, p50: null, p90: null, p95: null, p99: null, max: null };
    return { unit, count: 100, min: v / 3, mean: v / 1.4, p50: v / 1.5, p90: v * 0.9, p95: v, p99: v * 1.2, max: v * 1.5 };
  };
  const failed = Object.values(m.failedByReason).reduce((a, b) => a + b, 0);
  return {
    schema: 'voiceload.summary/1',
    voiceloadVersion: '0.0.0-test',
    startedAt: '2024-01-01T00:00:00.000Z',
    endedAt: '2024-01-01T00:01:00.000Z',
    durationMs: 60_000,
    tags: {},
    config: {},
    counters: {
      calls_attempted: m.callsAttempted,
      calls_answered: m.callsEnded - failed,
      calls_completed: m.callsEnded - failed,
      calls_failed: failed,
      calls_failed_by_reason: m.failedByReason,
      calls_dropped: 0,
      turns: 0,
      turns_no_reply: 0,
    },
    rates: { failure_rate: m.callsEnded === 0 ? null : failed / m.callsEnded, answer_seizure_ratio: null },
    metrics: Object.fromEntries(HISTOGRAM_METRICS.map((n) => [n, metric(n)])) as Record<HistogramMetric, SummaryMetric>,
    valuesClamped: 0,
    thresholds: { passed: true, results: [] },
  };
}

export const slos = (...texts: string[]): Threshold[] => texts.map((t) => parseThreshold(t, { origin: '--slo' }));

/** A "system" for the search: level → step result, SLOs evaluated on the modelled summary. */
export function modelSystem(model: (level: number) => ModelStep, thresholds: readonly Threshold[]): (level: number) => CapacityStepResult {
  return (level) => stepResultFromSummary(level, summaryOf(model(level)), thresholds);
}

/** 1 up to the knee, then growing linearly: 5× at twice the knee. */
export const growth = (level: number, knee: number): number => (level <= knee ? 1 : 1 + (4 * (level - knee)) / knee);

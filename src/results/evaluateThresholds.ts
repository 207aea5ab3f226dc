import type { MetricHistograms, MetricStats } from './metricHistograms.js';
import type { RunCounts } from './runCounters.js';
import type { RunSummaryDoc } from './runSummaryDoc.js';
import { isCounterMetric, isHistogramMetric } from './metricNames.js';
import { formatStat } from './threshold.js';
import type { Threshold, ThresholdCondition, ThresholdMetric, ThresholdOp, ThresholdResult } from './threshold.js';

/** What thresholds are evaluated against: the live histograms and counts, or a summary.json. */
export type ThresholdInput = { histograms: MetricHistograms; counts?: RunCounts } | RunSummaryDoc;

const COMPARE: Record<ThresholdOp, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
};

/**
 * One result per condition, in order. A condition whose metric has nothing to measure (no samples,
 * no call ended for a rate, no counts given) fails with a note: a threshold never passes by default.
 * Against a summary.json only p(50), p(90), p(95), p(99) exist; other percentiles need the histograms.
 */
export function evaluateThresholds(thresholds: readonly Threshold[], input: ThresholdInput): ThresholdResult[] {
  const read = 'schema' in input ? summaryReader(input) : liveReader(input.histograms, input.counts);
  return thresholds.flatMap((t) =>
    t.conditions.map((c): ThresholdResult => {
      const { value, note } = read(t.metric, c);
      const base = { source: `${t.metric}: ${c.source}`, metric: t.metric, stat: formatStat(c.stat), op: c.op, limit: c.limit };
      if (value === null) return { ...base, actual: null, passed: false, note: note ?? `${t.metric} has no value` };
      return { ...base, actual: value, passed: COMPARE[c.op](value, c.limit) };
    }),
  );
}

type Reading = { value: number | null; note?: string };
type Reader = (metric: ThresholdMetric, c: ThresholdCondition) => Reading;

function liveReader(histograms: MetricHistograms, counts: RunCounts | undefined): Reader {
  return (metric, c) => {
    if (isHistogramMetric(metric)) {
      const stats = histograms.stats(metric);
      if (c.stat.kind === 'p') {
        return stats.count === 0 ? noSamples(metric) : { value: histograms.percentile(metric, c.stat.percentile) };
      }
      return fromStats(metric, stats, c);
    }
    if (counts === undefined) return { value: null, note: `${metric} needs the run's counts, which were not given` };
    return fromCounts(metric, counts);
  };
}

function summaryReader(doc: RunSummaryDoc): Reader {
  return (metric, c) => {
    if (isHistogramMetric(metric)) {
      const stats = doc.metrics[metric];
      if (stats === undefined || stats.count === 0) return noSamples(metric);
      if (c.stat.kind === 'p') {
        const key = `p${c.stat.percentile}`;
        if (!['p50', 'p90', 'p95', 'p99'].includes(key)) {
          return { value: null, note: `summary.json keeps p(50), p(90), p(95), p(99) only; ${formatStat(c.stat)} needs histograms.json` };
        }
        return { value: stats[key as 'p50' | 'p90' | 'p95' | 'p99'] };
      }
      return fromStats(metric, stats, c);
    }
    const counters = doc.counters;
    return fromCounts(metric, {
      callsAttempted: counters.calls_attempted,
      callsAnswered: counters.calls_answered,
      callsCompleted: counters.calls_completed,
      callsFailed: counters.calls_failed,
      failedByReason: counters.calls_failed_by_reason,
      callsDropped: counters.calls_dropped,
      turns: counters.turns,
      turnsNoReply: counters.turns_no_reply,
      failureRate: doc.rates.failure_rate,
      answerSeizureRatio: doc.rates.answer_seizure_ratio,
    });
  };
}

const noSamples = (metric: string): Reading => ({ value: null, note: `${metric} has no samples in this run` });

function fromStats(metric: string, s: MetricStats, c: ThresholdCondition): Reading {
  // count is meaningful at 0 (e.g. barge_in_stop_ms: count>0); every other stat needs samples.
  if (c.stat.kind === 'count') return { value: s.count };
  if (s.count === 0) return noSamples(metric);
  switch (c.stat.kind) {
    case 'avg':
      return { value: s.mean };
    case 'min':
      return { value: s.min };
    case 'max':
      return { value: s.max };
    case 'med':
      return { value: s.p50 };
    default:
      return { value: null, note: `${formatStat(c.stat)} does not apply to ${metric}` };
  }
}

function fromCounts(metric: ThresholdMetric, k: RunCounts): Reading {
  if (isCounterMetric(metric)) {
    const value = {
      calls_attempted: k.callsAttempted,
      calls_answered: k.callsAnswered,
      calls_completed: k.callsCompleted,
      calls_failed: k.callsFailed,
      calls_dropped: k.callsDropped,
      turns_no_reply: k.turnsNoReply,
    }[metric];
    return { value };
  }
  const rate = metric === 'failure_rate' ? k.failureRate : k.answerSeizureRatio;
  if (rate === null) return { value: null, note: metric === 'failure_rate' ? 'failure_rate has no value: no call ended' : 'answer_seizure_ratio has no value: no call was attempted' };
  return { value: rate };
}

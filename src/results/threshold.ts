import type { CounterMetric, HistogramMetric, RateMetric } from './metricNames.js';

/** What a condition looks at (k6's names): `p(N)`, `avg`, `min`, `max`, `med`, `count`, `rate`. */
export type ThresholdStat =
  | { kind: 'p'; percentile: number }
  | { kind: 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' };

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==';

export type ThresholdMetric = HistogramMetric | CounterMetric | RateMetric;

/** One `stat op limit` of a threshold, e.g. `p(95)<1200`. */
export interface ThresholdCondition {
  /** The condition as written, trimmed. */
  source: string;
  stat: ThresholdStat;
  op: ThresholdOp;
  limit: number;
  /** 1-based column of the condition in the text it was parsed from. */
  column: number;
}

/** `ttfa_ms: p(95)<1200, p(99)<2000`: one metric, one or more conditions (all must hold). */
export interface Threshold {
  /** The threshold as written. */
  source: string;
  metric: ThresholdMetric;
  conditions: ThresholdCondition[];
}

/** The outcome of one condition of one threshold. */
export interface ThresholdResult {
  /** `metric: condition`, e.g. `ttfa_ms: p(95)<1200`. */
  source: string;
  metric: ThresholdMetric;
  /** The stat as written in k6 syntax: `p(95)`, `avg`, … */
  stat: string;
  op: ThresholdOp;
  limit: number;
  /** The run's value (ms, %, a count or a ratio); null when the metric had nothing to measure. */
  actual: number | null;
  passed: boolean;
  /** Why it failed without a value (no samples, stat not in the summary). */
  note?: string;
}

export function formatStat(stat: ThresholdStat): string {
  return stat.kind === 'p' ? `p(${stat.percentile})` : stat.kind;
}

/** The canonical text of a threshold (parseThreshold reads it back to an equal value). */
export function formatThreshold(t: Threshold): string {
  return `${t.metric}: ${t.conditions.map((c) => `${formatStat(c.stat)}${c.op}${c.limit}`).join(', ')}`;
}

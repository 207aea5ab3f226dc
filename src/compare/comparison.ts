import type { TtfaAttribution } from './attributeTtfa.js';
import type { PercentileDiffInterval } from './bootstrap.js';
import type { MannWhitneyResult } from './mannWhitney.js';
import type { CompareMetric, GateStat, RegressionGate } from './regressionGate.js';

export const COMPARE_SCHEMA = 'voiceload.compare/1';

export const COMPARED_STATS = ['p50', 'p95', 'p99', 'mean'] as const;
export type ComparedStat = (typeof COMPARED_STATS)[number];

/** One statistic of both runs; changes are candidate − baseline (positive = candidate higher = worse). */
export interface StatChange {
  baseline: number | null;
  candidate: number | null;
  /** In the metric's unit. */
  change: number | null;
  /** change / baseline; null when the baseline is 0 or missing. */
  relativeChange: number | null;
}

export interface MetricComparison {
  metric: CompareMetric;
  unit: 'ms' | '%' | 'ratio';
  baselineCount: number;
  candidateCount: number;
  /** p50, p95, p99 and mean for histogram metrics; `rate` for failure_rate. */
  stats: Partial<Record<ComparedStat | 'rate', StatChange>>;
  /** Mann–Whitney U on the per-sample values (0/1 per call for failure_rate). */
  test: MannWhitneyResult;
  /** p < alpha. */
  significant: boolean;
}

export interface GateResult {
  source: string;
  metric: CompareMetric;
  stat: GateStat;
  limit: RegressionGate['limit'];
  value: StatChange;
  /** The candidate is worse than the baseline by more than the limit. */
  overLimit: boolean;
  pValue: number | null;
  /** Percentile gates: bootstrap interval of the percentile's change. */
  interval: PercentileDiffInterval | null;
  /** p < alpha and, for a percentile gate, the interval lies above 0. */
  significant: boolean;
  /** fail: over the limit and significant; no_data: a run has no samples of the metric. */
  status: 'pass' | 'fail' | 'no_data';
  /** Why, in one sentence. */
  note: string;
}

export interface RunInfo {
  dir: string;
  tags: Record<string, string>;
  startedAt: string;
  durationMs: number;
  callsAttempted: number;
}

/** `voiceload compare` as data: JSON output is this object; markdown is made from it. */
export interface Comparison {
  schema: typeof COMPARE_SCHEMA;
  alpha: number;
  seed: number;
  baseline: RunInfo;
  candidate: RunInfo;
  metrics: MetricComparison[];
  gates: GateResult[];
  /** No gate failed. */
  passed: boolean;
  /** ttfa_ms changed significantly and both runs have stage metrics (`run --livekit`): the stage that moved. */
  attribution?: TtfaAttribution;
}

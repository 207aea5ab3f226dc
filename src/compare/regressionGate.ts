import type { HistogramMetric } from '../results/metricNames.js';

export const GATE_STATS = ['p50', 'p90', 'p95', 'p99', 'mean', 'max'] as const;
export type GateStat = (typeof GATE_STATS)[number] | 'rate';

/** The one counter-derived metric a gate can hold: failed / (completed + failed). */
export const FAILURE_RATE = 'failure_rate';
export type CompareMetric = HistogramMetric | typeof FAILURE_RATE;

/**
 * `--max-regression 'ttfa_ms.p95=10%'`: how much worse (higher) the candidate's statistic may be
 * than the baseline's. `relative` limits are fractions (10 % → 0.1); `absolute` ones are in the
 * metric's unit (ms, %, or a fraction for failure_rate).
 */
export interface RegressionGate {
  source: string;
  metric: CompareMetric;
  stat: GateStat;
  limit: { kind: 'relative'; fraction: number } | { kind: 'absolute'; value: number };
}

export function formatLimit(limit: RegressionGate['limit'], unit: string): string {
  return limit.kind === 'relative' ? `+${round(limit.fraction * 100)}%` : `+${round(limit.value)}${unit === '' ? '' : ` ${unit}`}`;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

import { HISTOGRAM_METRICS } from '../results/metricNames.js';
import type { RunSummaryDoc } from '../results/runSummaryDoc.js';

/**
 * `openmetrics`: OpenMetrics 1.0 text (`# UNIT` lines, counters typed by family name, `# EOF`).
 * `prometheus`: Prometheus text format 0.0.4, which a Pushgateway takes on PUT (no `# UNIT`, no `# EOF`).
 * Neither writes `_created` samples.
 */
export type MetricsTextVariant = 'openmetrics' | 'prometheus';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsTextOptions {
  variant?: MetricsTextVariant;
  /**
   * Labels on every sample, e.g. `run_id`, `scenario` and the run's tags. Names are sanitised; the first
   * of two that sanitise alike wins, and `quantile`, `reason`, `le` (set per sample) are left out.
   */
  labels?: Readonly<Record<string, string>>;
}

export const QUANTILES = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
] as const;

const COUNTERS: [key: keyof RunSummaryDoc['counters'], help: string][] = [
  ['calls_attempted', 'Calls the run started.'],
  ['calls_answered', 'Calls answered with a 2xx.'],
  ['calls_completed', 'Calls that ran to their end.'],
  ['calls_failed', 'Calls that failed.'],
  ['calls_dropped', 'Arrivals dropped because the concurrency limit was reached.'],
  ['turns', 'Conversation turns played.'],
  ['turns_no_reply', 'Turns the agent did not answer.'],
];

/**
 * Pure: the summary of a run as OpenMetrics (or Prometheus 0.0.4) text. Counters are `voiceload_*_total`,
 * the rates gauges, and each histogram metric a `summary` with quantiles 0.5/0.9/0.95/0.99, `_count` and
 * `_sum` (mean × count) in base units: `*_ms` metrics in seconds (`voiceload_ttfa_seconds`),
 * `rtp_loss_pct` as a ratio (`voiceload_rtp_loss_ratio`). Metrics without a value are left out.
 */
export function formatOpenMetrics(doc: RunSummaryDoc, options: MetricsTextOptions = {}): string {
  const om = (options.variant ?? 'openmetrics') === 'openmetrics';
  const labels = labelSet(options.labels ?? {});
  const out: string[] = [];
  const family = (name: string, type: string, help: string, unit?: string): void => {
    out.push(`# TYPE ${name} ${type}`);
    if (om && unit !== undefined) out.push(`# UNIT ${name} ${unit}`);
    out.push(`# HELP ${name} ${help}`);
  };
  const sample = (name: string, value: number, extra: [string, string][] = []): void => {
    out.push(`${name}${formatLabels([...labels, ...extra])} ${formatValue(value)}`);
  };
  for (const [key, help] of COUNTERS) {
    const name = `voiceload_${key}`;
    // OpenMetrics names the counter family without `_total`; the 0.0.4 format names it as the sample.
    family(om ? name : `${name}_total`, 'counter', help);
    sample(`${name}_total`, doc.counters[key] as number);
  }
  family(om ? 'voiceload_call_failures' : 'voiceload_call_failures_total', 'counter', 'Failed calls by reason.');
  for (const [reason, n] of Object.entries(doc.counters.calls_failed_by_reason).sort(([a], [b]) => a.localeCompare(b))) {
    sample('voiceload_call_failures_total', n, [['reason', reason]]);
  }
  family('voiceload_failure_rate', 'gauge', 'Share of ended calls that failed (0 to 1).');
  if (doc.rates.failure_rate !== null) sample('voiceload_failure_rate', doc.rates.failure_rate);
  family('voiceload_answer_seizure_ratio', 'gauge', 'Share of attempted calls that were answered (0 to 1).');
  if (doc.rates.answer_seizure_ratio !== null) sample('voiceload_answer_seizure_ratio', doc.rates.answer_seizure_ratio);
  family('voiceload_run_duration_seconds', 'gauge', 'Length of the run.', 'seconds');
  sample('voiceload_run_duration_seconds', doc.durationMs / 1000);
  family('voiceload_thresholds_passed', 'gauge', '1 when every threshold passed, else 0.');
  sample('voiceload_thresholds_passed', doc.thresholds.passed ? 1 : 0);
  for (const metric of HISTOGRAM_METRICS) {
    const stats = doc.metrics[metric];
    if (stats === undefined) continue;
    const { name, unit, scale } = baseUnitOf(metric);
    family(name, 'summary', `${metric} of the run (voiceload METRICS.md), in ${unit}.`, unit);
    for (const [q, key] of QUANTILES) {
      const v = stats[key];
      if (v !== null) sample(name, v * scale, [['quantile', q]]);
    }
    sample(`${name}_count`, stats.count);
    sample(`${name}_sum`, stats.count === 0 || stats.mean === null ? 0 : stats.mean * stats.count * scale);
  }
  if (om) out.push('# EOF');
  return out.join('\n') + '\n';
}

/** `ttfa_ms` → `voiceload_ttfa_seconds` (×0.001), `rtp_loss_pct` → `voiceload_rtp_loss_ratio` (×0.01). */
export function baseUnitOf(metric: string): { name: string; unit: 'seconds' | 'ratio'; scale: number } {
  if (metric.endsWith('_pct')) return { name: `voiceload_${metric.slice(0, -4)}_ratio`, unit: 'ratio', scale: 0.01 };
  return { name: `voiceload_${metric.replace(/_ms$/, '')}_seconds`, unit: 'seconds', scale: 0.001 };
}

/** A label name as the format allows it: `[a-zA-Z_][a-zA-Z0-9_]*`, other characters as `_`. */
export function sanitizeLabelName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) || s === '' ? `_${s}` : s;
}

/** Backslash, double quote and line feed escaped, as both formats want in label values. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Labels the formatter sets per sample; a run label of the same name would repeat one. */
const SAMPLE_LABELS = new Set(['quantile', 'reason', 'le']);

function labelSet(labels: Readonly<Record<string, string>>): [string, string][] {
  const seen = new Map<string, string>();
  for (const [k, v] of Object.entries(labels)) {
    const name = sanitizeLabelName(k);
    if (!seen.has(name) && !SAMPLE_LABELS.has(name)) seen.set(name, v);
  }
  return [...seen];
}

function formatLabels(labels: readonly [string, string][]): string {
  if (labels.length === 0) return '';
  return `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

/** Twelve significant digits at most (drops the float noise of unit conversion); NaN and ±Inf as the formats spell them. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(Number(v.toPrecision(12)));
}

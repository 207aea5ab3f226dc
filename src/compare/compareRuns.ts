import { createRng } from '../core/rng.js';
import { HISTOGRAM_METRICS } from '../results/metricNames.js';
import type { HistogramMetric } from '../results/metricNames.js';
import { attributeTtfa } from './attributeTtfa.js';
import { bootstrapPercentileDiff } from './bootstrap.js';
import { COMPARE_SCHEMA, COMPARED_STATS } from './comparison.js';
import type { Comparison, GateResult, MetricComparison, RunInfo, StatChange } from './comparison.js';
import type { LoadedRun } from './loadedRun.js';
import { mannWhitneyU } from './mannWhitney.js';
import { FAILURE_RATE, formatLimit } from './regressionGate.js';
import type { RegressionGate } from './regressionGate.js';

export interface CompareOptions {
  /** Significance level; 0.05 by default. */
  alpha?: number;
  /** Seed of the bootstrap; the same seed gives the same output. 1 by default. */
  seed?: number;
  /** Bootstrap resamples; 1000 by default. */
  iterations?: number;
}

/**
 * Pure: baseline and candidate → the comparison. Every histogram metric with samples in both runs
 * and failure_rate are compared; every gate is evaluated. Higher is worse for every comparable
 * metric (latencies, jitter, loss, failure rate), so a regression is a positive change. A
 * significant ttfa_ms change is attributed to the stage that moved when both runs have stages.
 */
export function compareRuns(baseline: LoadedRun, candidate: LoadedRun, gates: readonly RegressionGate[] = [], options: CompareOptions = {}): Comparison {
  const alpha = options.alpha ?? 0.05;
  const seed = options.seed ?? 1;
  const metrics: MetricComparison[] = [];
  for (const name of HISTOGRAM_METRICS) {
    if (baseline.histograms.count(name) === 0 || candidate.histograms.count(name) === 0) continue;
    metrics.push(histogramComparison(name, baseline, candidate, alpha));
  }
  metrics.push(failureRateComparison(baseline, candidate, alpha));
  const gateResults = gates.map((g, i) => evaluateGate(g, baseline, candidate, metrics, { alpha, seed: seed + i, iterations: options.iterations ?? 1000 }));
  const attribution = attributeTtfa(metrics);
  return {
    schema: COMPARE_SCHEMA,
    alpha,
    seed,
    baseline: runInfo(baseline),
    candidate: runInfo(candidate),
    metrics,
    gates: gateResults,
    passed: gateResults.every((g) => g.status !== 'fail'),
    ...(attribution === null ? {} : { attribution }),
  };
}

function runInfo(r: LoadedRun): RunInfo {
  return { dir: r.dir, tags: { ...r.summary.tags }, startedAt: r.summary.startedAt, durationMs: r.summary.durationMs, callsAttempted: r.summary.counters.calls_attempted };
}

function histogramComparison(name: HistogramMetric, a: LoadedRun, b: LoadedRun, alpha: number): MetricComparison {
  const sa = a.histograms.stats(name);
  const sb = b.histograms.stats(name);
  const stats: MetricComparison['stats'] = {};
  for (const s of COMPARED_STATS) stats[s] = change(sa[s], sb[s]);
  const test = mannWhitneyU(a.samples[name] ?? [], b.samples[name] ?? []);
  return { metric: name, unit: name === 'rtp_loss_pct' ? '%' : 'ms', baselineCount: sa.count, candidateCount: sb.count, stats, test, significant: test.pValue < alpha };
}

function failureRateComparison(a: LoadedRun, b: LoadedRun, alpha: number): MetricComparison {
  const test = mannWhitneyU(a.failures, b.failures);
  return {
    metric: FAILURE_RATE,
    unit: 'ratio',
    baselineCount: a.failures.length,
    candidateCount: b.failures.length,
    stats: { rate: change(a.summary.rates.failure_rate, b.summary.rates.failure_rate) },
    test,
    significant: test.pValue < alpha,
  };
}

function change(baseline: number | null | undefined, candidate: number | null | undefined): StatChange {
  const x = baseline ?? null;
  const y = candidate ?? null;
  const diff = x === null || y === null ? null : round(y - x);
  return { baseline: x, candidate: y, change: diff, relativeChange: diff === null || x === null || x === 0 ? null : diff / x };
}

/** Drops float noise of a difference (values are kept to 1e-9 of their unit). */
function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

function evaluateGate(g: RegressionGate, a: LoadedRun, b: LoadedRun, metrics: readonly MetricComparison[], o: { alpha: number; seed: number; iterations: number }): GateResult {
  const m = metrics.find((x) => x.metric === g.metric);
  const unit = g.metric === FAILURE_RATE ? '' : g.metric === 'rtp_loss_pct' ? '%' : 'ms';
  const base = { source: g.source, metric: g.metric, stat: g.stat, limit: g.limit };
  if (m === undefined) {
    const which = [a, b].filter((r) => r.histograms.count(g.metric as HistogramMetric) === 0).map((r) => (r === a ? 'baseline' : 'candidate'));
    return { ...base, value: change(null, null), overLimit: false, pValue: null, interval: null, significant: false, status: 'no_data', note: `${g.metric} has no samples in the ${which.join(' and ')}` };
  }
  const value =
    g.stat === 'rate' ? m.stats.rate! : g.stat === 'p90' || g.stat === 'max' ? change(a.histograms.stats(g.metric as HistogramMetric)[g.stat], b.histograms.stats(g.metric as HistogramMetric)[g.stat]) : m.stats[g.stat]!;
  if (value.change === null || value.baseline === null) {
    return { ...base, value, overLimit: false, pValue: m.test.pValue, interval: null, significant: false, status: 'no_data', note: `${g.metric} ${g.stat} is missing in a run` };
  }
  const overLimit = g.limit.kind === 'absolute' ? value.change > g.limit.value : value.baseline === 0 ? value.change > 0 : value.change / value.baseline > g.limit.fraction;
  const percentile = /^p(\d+)$/.exec(g.stat);
  const interval =
    percentile === null
      ? null
      : bootstrapPercentileDiff(a.samples[g.metric as HistogramMetric] ?? [], b.samples[g.metric as HistogramMetric] ?? [], Number(percentile[1]), {
          rng: createRng(o.seed),
          iterations: o.iterations,
          level: 1 - o.alpha,
        });
  const testSignificant = m.test.pValue < o.alpha;
  const significant = testSignificant && (interval === null || interval.low > 0);
  const failed = overLimit && significant && value.change > 0;
  const limit = formatLimit(g.limit, unit);
  const p = `p=${formatP(m.test.pValue)}`;
  const note = failed
    ? `regression: ${g.metric} ${g.stat} is ${describe(value, unit)} (limit ${limit}), significant (${p}${interval === null ? '' : `, CI of the change above 0`})`
    : overLimit
      ? `over the limit ${limit} but not significant (${p}${interval !== null && testSignificant ? ', CI of the change includes 0' : ''}): not a regression`
      : `within the limit ${limit} (${describe(value, unit)}, ${p})`;
  return { ...base, value, overLimit, pValue: m.test.pValue, interval, significant, status: failed ? 'fail' : 'pass', note };
}

export function formatP(p: number): string {
  return p < 0.0001 ? '<0.0001' : p.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}

function describe(v: StatChange, unit: string): string {
  const abs = `${v.change! >= 0 ? '+' : ''}${Math.round(v.change! * 1000) / 1000}${unit === '' ? '' : ` ${unit}`}`;
  return v.relativeChange === null ? abs : `${abs} (${v.relativeChange >= 0 ? '+' : ''}${(v.relativeChange * 100).toFixed(1)}%)`;
}

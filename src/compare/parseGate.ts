import { VoiceloadError } from '../core/errors.js';
import { closestWord } from '../config/closestWord.js';
import { HISTOGRAM_METRICS, isHistogramMetric } from '../results/metricNames.js';
import { FAILURE_RATE, GATE_STATS } from './regressionGate.js';
import type { GateStat, RegressionGate } from './regressionGate.js';

const EXAMPLE = "e.g. --max-regression 'ttfa_ms.p95=10%', 'invite_to_answer_ms.p99=50ms' or 'failure_rate.rate=0.01'";
const LIMIT = /^(\d+(?:\.\d+)?|\.\d+)\s*(%|ms|s)?$/;

/**
 * Pure: one `METRIC.STAT=LIMIT` gate. STAT is p50|p90|p95|p99|mean|max for a histogram metric and
 * `rate` for failure_rate; LIMIT is relative (`10%`) or absolute (`50ms`, `1.5s`, a bare number in
 * the metric's unit). Bad syntax is a CLI_USAGE error with a hint.
 */
export function parseGate(source: string): RegressionGate {
  const text = source.trim();
  const eq = text.indexOf('=');
  const dot = text.lastIndexOf('.', eq < 0 ? text.length : eq);
  if (eq < 0 || dot < 0) throw usage(source, 'expected METRIC.STAT=LIMIT', EXAMPLE);
  const metric = text.slice(0, dot).trim();
  const stat = text.slice(dot + 1, eq).trim();
  const limitText = text.slice(eq + 1).trim();
  const known = [...HISTOGRAM_METRICS, FAILURE_RATE];
  if (metric !== FAILURE_RATE && !isHistogramMetric(metric)) {
    const guess = closestWord(metric, known);
    throw usage(source, `unknown metric "${metric}"`, guess === undefined ? `metrics: ${known.join(', ')}` : `did you mean ${guess}? metrics: ${known.join(', ')}`);
  }
  if (metric === FAILURE_RATE) {
    if (stat !== 'rate') throw usage(source, `failure_rate takes the statistic "rate", not "${stat}"`, "e.g. 'failure_rate.rate=0.01' (at most one percentage point more failures)");
  } else if (!(GATE_STATS as readonly string[]).includes(stat)) {
    throw usage(source, `unknown statistic "${stat}"`, `statistics: ${GATE_STATS.join(', ')}; ${EXAMPLE}`);
  }
  const m = LIMIT.exec(limitText);
  if (m === null) throw usage(source, `bad limit "${limitText}"`, 'a limit is relative (10%) or absolute (50ms, 1.5s, or a bare number in the metric\'s unit)');
  const value = Number(m[1]);
  const suffix = m[2];
  if ((suffix === 'ms' || suffix === 's') && !metric.endsWith('_ms')) throw usage(source, `"${limitText}" is a time but ${metric} is not in milliseconds`, 'use a relative limit (10%) or a bare number in the metric\'s unit');
  const limit: RegressionGate['limit'] =
    suffix === '%' ? { kind: 'relative', fraction: value / 100 } : { kind: 'absolute', value: suffix === 's' ? value * 1000 : value };
  return { source: text, metric, stat: stat as GateStat, limit };
}

/** Every gate; all problems reported at once, in one error. */
export function parseGates(sources: readonly string[]): RegressionGate[] {
  const gates: RegressionGate[] = [];
  const problems: VoiceloadError[] = [];
  for (const s of sources) {
    try {
      gates.push(parseGate(s));
    } catch (e) {
      if (e instanceof VoiceloadError) problems.push(e);
      else throw e;
    }
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) {
    throw new VoiceloadError('CLI_USAGE', problems.map((p) => p.message).join('; '), { hint: problems.map((p) => p.hint).filter((h) => h !== undefined).join('; ') });
  }
  return gates;
}

function usage(source: string, what: string, hint: string): VoiceloadError {
  return new VoiceloadError('CLI_USAGE', `--max-regression '${source}': ${what}`, { hint });
}

import { VoiceloadError } from '../core/errors.js';
import { closestWord } from '../config/closestWord.js';
import { COUNTER_METRICS, HISTOGRAM_METRICS, RATE_METRICS, isCounterMetric, isHistogramMetric, isRateMetric } from './metricNames.js';
import type { Threshold, ThresholdCondition, ThresholdMetric, ThresholdOp, ThresholdStat } from './threshold.js';

const ALL_METRICS: readonly string[] = [...HISTOGRAM_METRICS, ...COUNTER_METRICS, ...RATE_METRICS];
const STAT_WORDS = ['avg', 'min', 'max', 'med', 'count', 'rate'] as const;
const EXAMPLE = `ttfa_ms: p(95)<1200`;
const SYNTAX = `stats: p(N), avg, min, max, med, count, rate; operators: < <= > >= ==; several conditions separated by ","`;

export interface ParseThresholdOptions {
  /** Where the text came from, for messages: `--threshold` (default) or e.g. `scenario.yaml:12:5`. */
  origin?: string;
  /** Column of the text's first character in its source line (default 1), so columns match the file. */
  column?: number;
}

/**
 * Parses a k6-style threshold (METRICS.md, "Thresholds"): `metric: condition[, condition…]`, a
 * condition being `stat op number`. Errors are CLI_USAGE naming the column and showing an example.
 */
export function parseThreshold(text: string, options: ParseThresholdOptions = {}): Threshold {
  const base = options.column ?? 1;
  const colon = text.indexOf(':');
  const fail = problem(text, options);
  if (colon < 0) fail(base + text.length, `expected ":" after the metric name`);
  const rawName = text.slice(0, colon);
  const name = rawName.trim();
  const nameCol = base + rawName.length - rawName.trimStart().length;
  if (name === '') fail(nameCol, 'expected a metric name before ":"');
  const metric = checkMetric(name, (hint) => fail(nameCol, `unknown metric "${name}"`, hint));
  return { source: text.trim(), metric, conditions: parseConditionsAt(text, colon + 1, metric, options) };
}

/**
 * The conditions alone, for the map form of a scenario file (`thresholds: { ttfa_ms: ['p(95)<1200'] }`):
 * the metric is checked, then the text is parsed as `condition[, condition…]`.
 */
export function parseThresholdConditions(metric: string, text: string, options: ParseThresholdOptions = {}): Threshold {
  const fail = problem(text, options);
  const checked = checkMetric(metric, (hint) => fail(options.column ?? 1, `unknown metric "${metric}"`, hint));
  return { source: `${metric}: ${text.trim()}`, metric: checked, conditions: parseConditionsAt(text, 0, checked, options) };
}

function checkMetric(name: string, unknown: (hint: string) => never): ThresholdMetric {
  if (isHistogramMetric(name) || isCounterMetric(name) || isRateMetric(name)) return name;
  // closestWord misses a name given without its unit suffix (ttfa → ttfa_ms): try prefixes too.
  const guess = closestWord(name, ALL_METRICS) ?? ALL_METRICS.find((m) => m.startsWith(`${name}_`));
  return unknown(guess === undefined ? `metrics: ${ALL_METRICS.join(', ')}` : `did you mean "${guess}"?`);
}

function problem(text: string, options: ParseThresholdOptions) {
  const origin = options.origin ?? '--threshold';
  return (column: number, message: string, hint?: string): never => {
    throw new VoiceloadError('CLI_USAGE', `${origin}: threshold "${text}": column ${column}: ${message}`, {
      hint: hint ?? `write it like '${EXAMPLE}' (${SYNTAX})`,
    });
  };
}

/** A tiny cursor over the text; columns are 1-based and shifted by options.column. */
function parseConditionsAt(text: string, start: number, metric: ThresholdMetric, options: ParseThresholdOptions): ThresholdCondition[] {
  const base = (options.column ?? 1) - 1;
  const fail = problem(text, options);
  let i = start;
  const col = (at: number): number => base + at + 1;
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const conditions: ThresholdCondition[] = [];
  for (;;) {
    skipSpace();
    const condStart = i;
    if (i >= text.length) fail(col(i), conditions.length === 0 ? 'expected a condition such as p(95)<1200' : 'expected a condition after ","');
    const stat = readStat();
    checkStatFits(metric, stat, condStart);
    skipSpace();
    const op = readOp();
    skipSpace();
    const limit = readNumber('a number after the operator');
    conditions.push({ source: text.slice(condStart, i).trim(), stat, op, limit, column: col(condStart) });
    skipSpace();
    if (i >= text.length) return conditions;
    if (text[i] !== ',') fail(col(i), `unexpected "${text[i]}" after the condition (separate conditions with ",")`);
    i++;
  }

  function readStat(): ThresholdStat {
    const at = i;
    const word = /^[A-Za-z_]+/.exec(text.slice(i))?.[0] ?? '';
    i += word.length;
    if (word === 'p') {
      if (text[i] !== '(') fail(col(i), 'expected "(" after p, as in p(95)');
      i++;
      skipSpace();
      const numberAt = i;
      const percentile = readNumber('a percentile after "p("');
      if (!(percentile > 0 && percentile <= 100)) fail(col(numberAt), `percentile ${percentile} is outside (0, 100]`);
      skipSpace();
      if (text[i] !== ')') fail(col(i), 'expected ")" after the percentile');
      i++;
      return { kind: 'p', percentile };
    }
    const known = (STAT_WORDS as readonly string[]).includes(word);
    if (!known) {
      const guess = word === '' ? undefined : closestWord(word, [...STAT_WORDS, 'p']);
      fail(col(at), word === '' ? 'expected a stat: p(N), avg, min, max, med, count or rate' : `unknown stat "${word}"`, guess === undefined ? undefined : `did you mean "${guess === 'p' ? 'p(95)' : guess}"?`);
    }
    return { kind: word as (typeof STAT_WORDS)[number] };
  }

  function readOp(): ThresholdOp {
    const m = /^(<=|>=|==|<|>)/.exec(text.slice(i));
    if (m === null) fail(col(i), `expected an operator (< <= > >= ==)${text[i] === '=' ? '; "=" alone is not one, use "=="' : ''}`);
    i += m![1]!.length;
    return m![1] as ThresholdOp;
  }

  function readNumber(what: string): number {
    const m = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i));
    if (m === null) fail(col(i), `expected ${what}`);
    i += m![0].length;
    return Number(m![0]);
  }

  function checkStatFits(m: ThresholdMetric, stat: ThresholdStat, at: number): void {
    const s = stat.kind === 'p' ? `p(${stat.percentile})` : stat.kind;
    if (isRateMetric(m) && stat.kind !== 'rate') fail(col(at), `${m} is a rate: use "rate", e.g. '${m}: rate<0.01'`);
    if (isCounterMetric(m) && stat.kind !== 'count') fail(col(at), `${m} is a counter: use "count", e.g. '${m}: count<10'`);
    if (isHistogramMetric(m) && stat.kind === 'rate') fail(col(at), `"rate" applies to failure_rate and answer_seizure_ratio; ${m} takes p(N), avg, min, max, med or count`, `e.g. '${m}: ${s === 'rate' ? 'p(95)<1200' : s}'`);
  }
}

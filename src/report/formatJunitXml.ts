import type { RunSummaryDoc } from '../results/runSummaryDoc.js';
import type { ThresholdResult } from '../results/threshold.js';

/** What the JUnit report names besides the summary; each field falls back to summary.json's `config`. */
export interface JunitContext {
  /** The scenario's name or file, shown in the test suite's name. */
  scenario?: string;
  runId?: string;
  /** `--max-failure-rate`: the share of failed calls the run allows (default 0). */
  maxFailureRate?: number;
  /** Set when the run was stopped early (Ctrl-C): the report then holds what was measured until then. */
  stoppedBy?: string;
}

/** The test case every report has next to the thresholds: the run's `--max-failure-rate` check. */
export const FAILURE_RATE_CASE = 'calls failed ≤ max-failure-rate';

/**
 * Pure: the JUnit XML of a run, for CI systems that show pass/fail per test case. One `<testsuite>`
 * ("voiceload: <scenario>"), one `<testcase>` per threshold condition (name: the condition as
 * written, classname: the metric) whose `<failure message>` carries the measured value, and one for
 * the share of failed calls against `--max-failure-rate`. Tags and the run id are `<properties>`.
 */
export function formatJunitXml(doc: RunSummaryDoc, ctx: JunitContext = {}): string {
  const cfg = configOf(doc.config);
  const scenario = ctx.scenario ?? cfg.scenario;
  const runId = ctx.runId ?? cfg.runId;
  const maxFailureRate = ctx.maxFailureRate ?? cfg.maxFailureRate ?? 0;
  const cases = [...doc.thresholds.results.map(thresholdCase), failureRateCase(doc, maxFailureRate)];
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const seconds = (doc.durationMs / 1000).toFixed(3);
  const suiteName = scenario === undefined ? 'voiceload' : `voiceload: ${scenario}`;
  const props: [string, string][] = [
    ...(runId === undefined ? [] : [['run_id', runId] as [string, string]]),
    ...(scenario === undefined ? [] : [['scenario', scenario] as [string, string]]),
    ['voiceload_version', doc.voiceloadVersion],
    ...(ctx.stoppedBy === undefined ? [] : [['stopped_by', ctx.stoppedBy] as [string, string]]),
    ...Object.entries(doc.tags).map(([k, v]): [string, string] => [`tag.${k}`, v]),
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="voiceload" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds}">`,
    `  <testsuite name="${attr(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}" timestamp="${attr(doc.startedAt)}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>`),
    '    </properties>',
  ];
  for (const c of cases) {
    const open = `    <testcase name="${attr(c.name)}" classname="${attr(c.classname)}" time="0"`;
    if (c.failure === undefined) {
      lines.push(`${open}/>`);
    } else {
      lines.push(`${open}>`, `      <failure message="${attr(c.failure)}" type="threshold">${text(c.failure)}</failure>`, '    </testcase>');
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

interface JunitCase {
  name: string;
  classname: string;
  failure?: string;
}

function thresholdCase(r: ThresholdResult): JunitCase {
  const base = { name: r.source, classname: r.metric };
  if (r.passed) return base;
  const limit = `limit ${r.op} ${formatNumber(r.limit)}${unitOf(r.metric)}`;
  if (r.actual === null) return { ...base, failure: `${r.metric} ${r.stat}: no value (${r.note ?? 'nothing measured'}), ${limit}` };
  return { ...base, failure: `${r.metric} ${r.stat} = ${formatNumber(r.actual)}${unitOf(r.metric)}, ${limit}` };
}

function failureRateCase(doc: RunSummaryDoc, max: number): JunitCase {
  const base = { name: FAILURE_RATE_CASE, classname: 'failure_rate' };
  const rate = doc.rates.failure_rate ?? 0;
  if (rate <= max) return base;
  const c = doc.counters;
  return { ...base, failure: `failure_rate = ${formatNumber(rate)} (${c.calls_failed} of ${c.calls_failed + c.calls_completed} calls failed), max-failure-rate ${formatNumber(max)}` };
}

function unitOf(metric: string): string {
  if (metric.endsWith('_ms')) return ' ms';
  if (metric.endsWith('_pct')) return ' %';
  return '';
}

/** At most 3 decimals, no float noise. */
function formatNumber(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

function configOf(config: unknown): { scenario?: string; runId?: string; maxFailureRate?: number } {
  if (typeof config !== 'object' || config === null) return {};
  const c = config as Record<string, unknown>;
  return {
    ...(typeof c['scenarioFile'] === 'string' ? { scenario: c['scenarioFile'] } : {}),
    ...(typeof c['runId'] === 'string' ? { runId: c['runId'] } : {}),
    ...(typeof c['maxFailureRate'] === 'number' ? { maxFailureRate: c['maxFailureRate'] } : {}),
  };
}

// XML 1.0 allows tab, LF, CR and U+0020 upwards (less the surrogates and U+FFFE/U+FFFF); anything else
// cannot be written even as a character reference, so it becomes U+FFFD.
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Character data: `&`, `<`, `>` escaped. */
export function text(s: string): string {
  return s.replace(NOT_XML_CHAR, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A double-quoted attribute value: also `"` and `'`, and tab/LF/CR as references so they survive normalisation. */
export function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

import type { CallResult } from '../engine/callResult.js';

/** count / min / p50 / p95 / max of one metric over a run (nearest-rank percentiles, exact). */
export interface MetricSummary {
  count: number;
  min: number | null;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** What a run of calls measured, over all its calls. */
export interface RunSummary {
  calls: number;
  completed: number;
  failed: number;
  /** Failed calls by reason. */
  failures: Record<string, number>;
  inviteToAnswerMs: MetricSummary;
  greetingTtfaMs: MetricSummary;
  ttfaMs: MetricSummary;
  bargeInStopMs: MetricSummary;
  turnsNoReply: number;
}

/** Pure: the summary of a run's call results. */
export function summarizeRun(results: readonly CallResult[]): RunSummary {
  const failures: Record<string, number> = {};
  for (const r of results) if (r.outcome === 'failed') failures[r.reason ?? 'unknown'] = (failures[r.reason ?? 'unknown'] ?? 0) + 1;
  const turns = results.flatMap((r) => r.turns);
  const values = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);
  return {
    calls: results.length,
    completed: results.filter((r) => r.outcome === 'completed').length,
    failed: results.filter((r) => r.outcome === 'failed').length,
    failures,
    inviteToAnswerMs: summarize(values(results.map((r) => r.inviteToAnswerMs))),
    greetingTtfaMs: summarize(values(results.map((r) => r.greetingTtfaMs))),
    ttfaMs: summarize(values(turns.map((t) => t.ttfaMs))),
    bargeInStopMs: summarize(values(turns.map((t) => t.bargeInStopMs))),
    turnsNoReply: turns.filter((t) => t.outcome === 'no_reply').length,
  };
}

export function summarize(values: readonly number[]): MetricSummary {
  if (values.length === 0) return { count: 0, min: null, p50: null, p95: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { count: sorted.length, min: sorted[0]!, p50: rank(50), p95: rank(95), max: sorted[sorted.length - 1]! };
}

const ms = (v: number | null): string => (v === null ? '—' : `${Math.round(v)} ms`);

/** One line per call, for the run's text output. */
export function formatCallLine(callNumber: number, r: CallResult): string {
  const head = r.outcome === 'completed' ? 'completed' : `FAILED ${r.reason ?? ''}`;
  const parts = [`call ${callNumber}`, head];
  if (r.greetingTtfaMs !== null) parts.push(`greeting ${ms(r.greetingTtfaMs)}`);
  const ttfas = r.turns.filter((t) => t.ttfaMs !== null).map((t) => Math.round(t.ttfaMs ?? 0));
  if (ttfas.length > 0) parts.push(`ttfa ${ttfas.join('/')} ms`);
  for (const t of r.turns) if (t.bargeInStopMs !== null) parts.push(`barge-in stop ${ms(t.bargeInStopMs)}`);
  if (r.outcome === 'failed') {
    const f = r.failedStep;
    parts.push(`— ${r.reasonText ?? ''}${f?.line === undefined ? '' : ` (step ${f.index + 1} ${f.kind}, line ${f.line})`}`);
  }
  return parts.join('  ');
}

/** The run's closing summary lines. */
export function formatRunSummary(s: RunSummary): string {
  const line = (name: string, m: MetricSummary): string =>
    `  ${name.padEnd(20)}${m.count === 0 ? '—' : `p50 ${ms(m.p50)}  p95 ${ms(m.p95)}  max ${ms(m.max)}  (n=${m.count})`}`;
  const reasons = Object.entries(s.failures)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `calls: ${s.calls}, completed ${s.completed}, failed ${s.failed}${reasons === '' ? '' : ` (${reasons})`}`,
    line('INVITE → answer', s.inviteToAnswerMs),
    line('greeting TTFA', s.greetingTtfaMs),
    line('turn TTFA', s.ttfaMs),
    line('barge-in stop', s.bargeInStopMs),
    ...(s.turnsNoReply > 0 ? [`  turns without reply ${s.turnsNoReply}`] : []),
  ].join('\n');
}

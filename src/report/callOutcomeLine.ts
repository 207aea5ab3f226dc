import type { CallResult } from '../engine/callResult.js';

const ms = (v: number | null): string => (v === null ? '—' : `${Math.round(v)} ms`);

/** One line per call, for the run's text output. */
export function formatCallOutcomeLine(callNumber: number, r: CallResult): string {
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

import type { SippCallResult, SippRunSummary } from './sippResult.js';

const ms = (v: number): string => `${v.toFixed(1)} ms`;

/** One line per ended call, for --verbose and the text report. */
export function formatSippCall(r: SippCallResult): string {
  const rtd = Object.entries(r.rtdMs).map(([k, v]) => ` rtd${k}=${ms(v)}`).join('');
  const invite = r.inviteToFinalMs === null ? '' : ` invite→${r.inviteFinalStatus ?? '?'}=${ms(r.inviteToFinalMs)}`;
  const head = `call ${r.callNumber} ${r.callId}: ${r.outcome}`;
  return r.outcome === 'completed' ? `${head}${invite}${rtd}` : `${head}: ${r.reason ?? ''}${invite}`;
}

/** The text summary printed at the end of `voiceload run scenario.xml`. */
export function formatSippSummary(s: SippRunSummary): string {
  const lines = [
    `${s.scenario}: ${s.callsStarted} call${s.callsStarted === 1 ? '' : 's'} started, ${s.completed} completed, ${s.failed} failed in ${(s.durationMs / 1000).toFixed(1)} s${s.aborted ? ' (stopped early)' : ''}`,
  ];
  for (const [name, mean] of Object.entries(s.rtdMeanMs)) lines.push(`  response time ${name}: mean ${ms(mean)} over completed calls`);
  for (const [reason, n] of Object.entries(s.failureReasons).sort((a, b) => b[1] - a[1])) lines.push(`  failed ×${n}: ${reason}`);
  if (s.malformedMessages > 0) lines.push(`  ${s.malformedMessages} malformed message${s.malformedMessages === 1 ? '' : 's'} from the peer (dropped)`);
  if (s.strayMessages > 0) lines.push(`  ${s.strayMessages} message${s.strayMessages === 1 ? '' : 's'} for no call of this run (ignored)`);
  if (s.warnings.length > 0) lines.push(`  ${s.warnings.length} warning${s.warnings.length === 1 ? '' : 's'} (printed above)`);
  return lines.join('\n');
}

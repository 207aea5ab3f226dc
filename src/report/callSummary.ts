import type { CallResult } from '../engine/callResult.js';

const ms = (v: number | null): string => (v === null ? '—' : `${Math.round(v)} ms`);

/** A readable multi-line summary of one call (the `call` command without --json). */
export function formatCallSummary(r: CallResult): string {
  const lines: string[] = [];
  const head = r.outcome === 'completed' ? 'completed' : `FAILED: ${r.reason ?? 'unknown'}`;
  lines.push(`call ${r.target} over ${r.transport.toUpperCase()}: ${head}`);
  if (r.reasonText !== undefined) lines.push(`  reason            ${r.reasonText}`);
  const f = r.failedStep;
  if (f !== undefined) lines.push(`  failed at step    ${f.index + 1} (${f.kind}${f.line === undefined ? '' : `, line ${f.line}:${f.col ?? 1}`})`);
  lines.push(`  SIP status        ${r.sipStatus ?? '—'}${r.authChallenges > 0 ? ` (after ${r.authChallenges} auth challenge${r.authChallenges > 1 ? 's' : ''})` : ''}`);
  lines.push(`  INVITE → 100      ${ms(r.inviteToTryingMs)}`);
  lines.push(`  post-dial delay   ${ms(r.postDialDelayMs)}`);
  lines.push(`  INVITE → answer   ${ms(r.inviteToAnswerMs)}`);
  lines.push(`  codec             ${r.codec ?? '—'}`);
  lines.push(`  greeting TTFA     ${r.greetingTtfaMs === null ? 'no greeting' : ms(r.greetingTtfaMs)}${r.greetingMs === null ? '' : ` (spoke ${ms(r.greetingMs)})`}`);
  for (const t of r.turns) {
    const what =
      t.outcome === 'replied' ? `TTFA ${ms(t.ttfaMs)}, reply ${ms(t.agentReplyMs)}` : t.outcome === 'no_reply' ? 'no reply' : t.outcome === 'said' ? 'said (no reply expected)' : 'not played';
    const barge = t.kind === 'barge_in' ? `, barge-in: agent stopped ${t.bargeInStopMs === null ? '— (its reply had ended)' : `after ${ms(t.bargeInStopMs)}`}` : '';
    lines.push(`  turn ${String(t.index + 1).padEnd(13)} ${what}${barge}  [${t.utterance}]`);
  }
  const rtp = r.rtp;
  lines.push(`  RTP               sent ${rtp.sentPackets}, received ${rtp.receivedPackets}, loss ${rtp.lossPct.toFixed(2)} %, jitter ${rtp.jitterMs.toFixed(2)} ms, max gap ${Math.round(rtp.maxGapMs)} ms`);
  if (r.endedBy !== null) lines.push(`  hung up by        ${r.endedBy === 'local' ? 'voiceload (BYE)' : 'the agent (BYE)'}`);
  if (r.malformedSipMessages > 0) lines.push(`  malformed SIP     ${r.malformedSipMessages} message(s) from the far end dropped`);
  return lines.join('\n');
}

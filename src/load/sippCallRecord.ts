import type { SippCallResult } from '../sipp/sippResult.js';
import type { CallRecordContext } from './callRecord.js';
import type { CallRecord } from './loadTypes.js';

/**
 * Pure: one finished SIPp XML call as the load engine keeps it. Times become run time; set-up
 * latencies (METRICS.md) run from the first INVITE: `inviteToAnswerMs` to the first 2xx to an
 * INVITE (none when the call was never answered: a 4xx-6xx final, a timeout), counted from the intended start (coordinated omission, as
 * toCallRecord does), `postDialDelayMs` to the first provisional other than 100. A SIPp call has no
 * conversation, so the TTFA fields are empty and `rtp` is null; `detail` keeps the whole
 * SippCallResult (rtd timers, final status, retransmissions).
 */
export function toSippCallRecord(result: SippCallResult, ctx: CallRecordContext): CallRecord {
  const lagMs = Math.max(0, ctx.startedAtMs - ctx.intendedStartAtMs);
  const invite = result.firstInviteSentAtMs;
  const answeredAt = result.answeredAtMs;
  return {
    callNumber: ctx.callNumber,
    shard: ctx.shard,
    callId: result.callId,
    testId: ctx.testId ?? null,
    outcome: result.outcome,
    reason: result.outcome === 'completed' ? null : (result.reasonCode ?? 'failed'),
    reasonText: result.outcome === 'completed' ? null : (result.reason ?? null),
    intendedStartAtMs: ctx.intendedStartAtMs,
    startedAtMs: ctx.startedAtMs,
    answeredAtMs: answeredAt === undefined ? null : ctx.toRunMs(answeredAt),
    endedAtMs: ctx.toRunMs(result.endedAtMs),
    startLagMs: ctx.startedAtMs - ctx.intendedStartAtMs,
    inviteToAnswerMs: invite !== undefined && answeredAt !== undefined ? round(answeredAt - invite + lagMs) : null,
    postDialDelayMs: invite !== undefined && result.ringingAtMs !== undefined ? round(result.ringingAtMs - invite) : null,
    greetingTtfaMs: null,
    ttfaMs: [],
    replyOnsetAtMs: [],
    bargeInStopMs: [],
    agentReplyMs: [],
    rtp: null,
    ...(ctx.dataRow === undefined ? {} : { dataRow: ctx.dataRow }),
    detail: result,
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

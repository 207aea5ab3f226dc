import type { CallResult } from '../engine/callResult.js';
import type { CallRecord } from './loadTypes.js';

/** What the load engine knows about a call beyond its CallResult. */
export interface CallRecordContext {
  callNumber: number;
  shard: number;
  /** When the schedule meant the call to start, in run time (ms since the run started). */
  intendedStartAtMs: number;
  /** When the shard launched it, in run time. */
  startedAtMs: number;
  /** The call's clock reading (CallResult timelines) → run time. */
  toRunMs: (clockMs: number) => number;
  /** The test id the call carried to the agent (X-Lk-Test-Id), if any. */
  testId?: string | null;
  /** 1-based CSV row. */
  dataRow?: number;
}

/**
 * Pure: one finished call as the load engine keeps it. Times become run time, latencies are copied
 * as measured (they are differences of one clock, so no conversion), and `detail` keeps the whole
 * CallResult so nothing measured is lost.
 */
export function toCallRecord(result: CallResult, ctx: CallRecordContext): CallRecord {
  const t = result.timeline;
  const answered = t.answeredAtMs === undefined ? null : ctx.toRunMs(t.answeredAtMs);
  // Turns that awaited a reply and were reached: the others (said-only, never played) have no TTFA to miss.
  const timed = result.turns.filter((turn) => turn.outcome === 'replied' || turn.outcome === 'no_reply');
  return {
    callNumber: ctx.callNumber,
    shard: ctx.shard,
    callId: result.callId,
    testId: ctx.testId ?? null,
    outcome: result.outcome,
    reason: result.reason ?? null,
    reasonText: result.reasonText ?? null,
    intendedStartAtMs: ctx.intendedStartAtMs,
    startedAtMs: ctx.startedAtMs,
    answeredAtMs: answered,
    endedAtMs: ctx.toRunMs(t.endedAtMs),
    startLagMs: ctx.startedAtMs - ctx.intendedStartAtMs,
    // Coordinated omission (METRICS.md): set-up latency counts from when the call was meant to start.
    inviteToAnswerMs: result.inviteToAnswerMs === null ? null : round(result.inviteToAnswerMs + Math.max(0, ctx.startedAtMs - ctx.intendedStartAtMs)),
    postDialDelayMs: result.postDialDelayMs,
    greetingTtfaMs: result.greetingTtfaMs,
    ttfaMs: timed.map((turn) => turn.ttfaMs),
    replyOnsetAtMs: timed.map((turn) => (turn.ttfaMs === null || turn.speechEndSentAtMs === null ? null : ctx.toRunMs(turn.speechEndSentAtMs + turn.ttfaMs))),
    bargeInStopMs: result.turns.flatMap((turn) => (turn.bargeInStopMs === null ? [] : [turn.bargeInStopMs])),
    agentReplyMs: result.turns.flatMap((turn) => (turn.agentReplyMs === null ? [] : [turn.agentReplyMs])),
    // No codec: no media session was ever set up, so there are no RTP numbers to report.
    rtp:
      result.codec === null
        ? null
        : {
            sentPackets: result.rtp.sentPackets,
            receivedPackets: result.rtp.receivedPackets,
            lossPct: result.rtp.lossPct,
            jitterMs: result.rtp.jitterMs,
            maxGapMs: result.rtp.maxGapMs,
          },
    ...(ctx.dataRow === undefined ? {} : { dataRow: ctx.dataRow }),
    detail: result,
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** What is known of a call that ended before anything could be measured (it never got going, or its worker was stopped). */
export interface UnmeasuredCall {
  callNumber: number;
  shard: number;
  callId: string;
  testId: string | null;
  reason: string;
  reasonText: string;
  intendedStartAtMs: number;
  startedAtMs: number;
  answeredAtMs: number | null;
  endedAtMs: number;
  dataRow?: number;
  detail: unknown;
}

/** Pure: the record of a failed call with no latencies and no RTP numbers. */
export function unmeasuredCallRecord(c: UnmeasuredCall): CallRecord {
  const { dataRow, ...rest } = c;
  return {
    ...rest,
    outcome: 'failed',
    endedAtMs: Math.max(c.endedAtMs, c.startedAtMs),
    startLagMs: c.startedAtMs - c.intendedStartAtMs,
    inviteToAnswerMs: null,
    postDialDelayMs: null,
    greetingTtfaMs: null,
    ttfaMs: [],
    bargeInStopMs: [],
    agentReplyMs: [],
    rtp: null,
    ...(dataRow === undefined ? {} : { dataRow }),
  };
}

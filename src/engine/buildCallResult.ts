import type { TurnStep } from './callPlan.js';
import type { RtpSessionStats } from '../media/rtpSession.js';
import type { OutgoingCallTimeline } from '../sip/ua/outgoingCall.js';
import type { CallResult, FailureReason, RtpSummary, TurnResult } from './callResult.js';

/** One caller turn as the runner tracks it (times from the call's clock, null until they happen). */
export interface TurnState {
  step: TurnStep;
  /** Index of the step in the call's plan. */
  stepIndex: number;
  /** Index of the turn among the call's turns. */
  index: number;
  speechStartSentAtMs: number | null;
  speechEndSentAtMs: number | null;
  onsetAtMs: number | null;
  offsetAtMs: number | null;
  played: boolean;
  /** barge_in: the reply it talks over (the greeting or a turn's index)… */
  interrupts?: number | 'greeting';
  /** …and when that reply's speech ended. */
  interruptedReplyEndAtMs: number | null;
}

/** Everything the runner observed during one call: the input of {@link buildCallResult}. */
export interface CallObservations {
  target: string;
  transport: 'udp' | 'tcp';
  /** Clock reading when the result is built (stands in for events that never happened). */
  nowMs: number;
  sip?: { timeline: OutgoingCallTimeline; finalStatus: number | null; callId: string; authChallenges: number };
  media?: RtpSessionStats;
  codec: 'PCMU' | 'PCMA' | null;
  failure?: { reason: FailureReason; text: string };
  failedStep?: { index: number; kind: string; line?: number; col?: number };
  stepsCompleted: number;
  endedBy: 'local' | 'remote' | null;
  firstRtpAtMs?: number;
  greetingOnsetAtMs: number | null;
  greetingOffsetAtMs: number | null;
  turns: readonly TurnState[];
  malformedSipMessages: number;
}

const EMPTY_RTP: RtpSummary = {
  sentPackets: 0,
  receivedPackets: 0,
  lossPct: 0,
  jitterMs: 0,
  maxGapMs: 0,
  sendPacingErrorMeanMs: 0,
  sendPacingErrorMaxMs: 0,
};

/** Pure: turns raw event times into the latencies of METRICS.md (rounded to 0.01 ms). */
export function buildCallResult(o: CallObservations): CallResult {
  const t = o.sip?.timeline ?? {};
  const invite = t.inviteSentAtMs ?? o.nowMs;
  const since = (at: number | undefined, from: number | undefined): number | null =>
    at === undefined || from === undefined ? null : round(at - from);
  const answered = t.answeredAtMs;
  const turns: TurnResult[] = o.turns.map((turn) => {
    const expectsReply = turn.step.kind === 'barge_in' || turn.step.expectReply;
    const start = turn.speechStartSentAtMs;
    const stoppedAt = turn.interruptedReplyEndAtMs;
    return {
      index: turn.index,
      step: turn.stepIndex,
      kind: turn.step.kind,
      utterance: turn.step.utterance.label,
      speechStartSentAtMs: start === null ? null : round(start),
      speechEndSentAtMs: turn.speechEndSentAtMs === null ? null : round(turn.speechEndSentAtMs),
      ttfaMs: turn.onsetAtMs !== null && turn.speechEndSentAtMs !== null ? round(turn.onsetAtMs - turn.speechEndSentAtMs) : null,
      agentReplyMs: turn.onsetAtMs !== null && turn.offsetAtMs !== null ? round(turn.offsetAtMs - turn.onsetAtMs) : null,
      bargeInStopMs: turn.step.kind === 'barge_in' && start !== null && stoppedAt !== null && stoppedAt >= start ? round(stoppedAt - start) : null,
      outcome: !turn.played ? 'not_played' : !expectsReply ? 'said' : turn.onsetAtMs !== null ? 'replied' : 'no_reply',
    };
  });
  const m = o.media;
  const rtp: RtpSummary =
    m === undefined
      ? { ...EMPTY_RTP }
      : {
          sentPackets: m.sentPackets,
          receivedPackets: m.receivedPackets,
          lossPct: round(m.lossPct),
          jitterMs: round(m.jitterMs),
          maxGapMs: round(m.maxGapMs),
          sendPacingErrorMeanMs: round(m.pacingErrorMs.mean),
          sendPacingErrorMaxMs: round(m.pacingErrorMs.max),
        };
  const endedAt = t.endedAtMs ?? o.nowMs;
  const result: CallResult = {
    outcome: o.failure === undefined ? 'completed' : 'failed',
    sipStatus: o.sip?.finalStatus ?? null,
    callId: o.sip?.callId ?? '',
    target: o.target,
    transport: o.transport,
    inviteToTryingMs: since(t.tryingAtMs, invite),
    postDialDelayMs: since(t.ringingAtMs, invite),
    inviteToAnswerMs: since(answered, invite),
    greetingTtfaMs: o.greetingOnsetAtMs === null ? null : since(o.greetingOnsetAtMs, answered),
    greetingMs: o.greetingOnsetAtMs === null || o.greetingOffsetAtMs === null ? null : round(o.greetingOffsetAtMs - o.greetingOnsetAtMs),
    turns,
    stepsCompleted: o.stepsCompleted,
    ...(o.failedStep === undefined ? {} : { failedStep: o.failedStep }),
    rtp,
    codec: o.codec,
    authChallenges: o.sip?.authChallenges ?? 0,
    endedBy: o.endedBy,
    talkMs: answered === undefined ? null : round(endedAt - answered),
    timeline: {
      inviteSentAtMs: round(invite),
      ...opt('tryingAtMs', t.tryingAtMs),
      ...opt('ringingAtMs', t.ringingAtMs),
      ...opt('answeredAtMs', t.answeredAtMs),
      ...opt('ackSentAtMs', t.ackSentAtMs),
      ...opt('firstRtpReceivedAtMs', o.firstRtpAtMs),
      ...opt('greetingOnsetAtMs', o.greetingOnsetAtMs ?? undefined),
      ...opt('byeSentAtMs', t.byeSentAtMs),
      ...opt('byeReceivedAtMs', t.byeReceivedAtMs),
      endedAtMs: round(endedAt),
    },
    malformedSipMessages: o.malformedSipMessages,
  };
  if (o.failure !== undefined) {
    result.reason = o.failure.reason;
    result.reasonText = o.failure.text;
  }
  return result;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function opt<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: round(value) }) as { [P in K]?: number };
}


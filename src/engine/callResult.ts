/** Why a call failed: one reason per failed call (see METRICS.md, "Call events"). */
export type FailureReason =
  | `sip_${number}`
  | 'timeout_no_response'
  | 'timeout_ringing'
  | 'transport_error'
  | 'auth_failed'
  | 'media_timeout'
  /** The answer's SDP has no codec we offered, or an unusable address. */
  | 'sdp_mismatch'
  | 'no_greeting'
  | 'no_reply'
  | 'remote_hangup_early'
  /** A `wait_hangup` step timed out: the agent did not end the call. */
  | 'no_remote_hangup'
  /** A `dtmf` step could not be sent (no telephone-event negotiated). */
  | 'dtmf_failed'
  | 'aborted';

/** Monotonic clock readings (ms) of the call's events; absent when the event did not happen. */
export interface CallTimeline {
  inviteSentAtMs: number;
  tryingAtMs?: number;
  ringingAtMs?: number;
  answeredAtMs?: number;
  ackSentAtMs?: number;
  /** Arrival of the first audio packet from the far end (of the negotiated payload type). */
  firstRtpReceivedAtMs?: number;
  /** Onset of the agent's greeting. */
  greetingOnsetAtMs?: number;
  byeSentAtMs?: number;
  byeReceivedAtMs?: number;
  endedAtMs: number;
}

export interface TurnResult {
  index: number;
  /** The step that said it: 0-based index into the call's steps, and its kind. */
  step: number;
  kind: 'say' | 'barge_in';
  /** What the caller said in this turn: the file, or the synthesised text. */
  utterance: string;
  /** Send time of the packet carrying the first speech sample of the caller's utterance. */
  speechStartSentAtMs: number | null;
  /** Send time of the packet carrying the last speech sample of the caller's utterance. */
  speechEndSentAtMs: number | null;
  /** End of the caller's speech → onset of the agent's reply; null when no reply started. */
  ttfaMs: number | null;
  /** Onset → end of the agent's reply (end = silence for replyEndSilenceMs). */
  agentReplyMs: number | null;
  /**
   * barge_in turns: the caller starts speaking over the agent → the agent's speech stops (METRICS.md);
   * null when the reply it interrupts had already ended, and for say turns.
   */
  bargeInStopMs: number | null;
  /** `said`: an utterance with `expect_reply: false`, said and not timed. */
  outcome: 'replied' | 'no_reply' | 'not_played' | 'said';
}

export interface RtpSummary {
  sentPackets: number;
  receivedPackets: number;
  lossPct: number;
  jitterMs: number;
  maxGapMs: number;
  sendPacingErrorMeanMs: number;
  sendPacingErrorMaxMs: number;
}

export interface CallResult {
  outcome: 'completed' | 'failed';
  reason?: FailureReason;
  /** The reason in plain words (present when failed). */
  reasonText?: string;
  /** Final status of the INVITE (after any auth retry); null when none arrived. */
  sipStatus: number | null;
  callId: string;
  target: string;
  transport: 'udp' | 'tcp';
  inviteToTryingMs: number | null;
  postDialDelayMs: number | null;
  inviteToAnswerMs: number | null;
  /** 2xx received → onset of the agent's first speech; null when the agent did not speak first. */
  greetingTtfaMs: number | null;
  /** Onset → end of the greeting. */
  greetingMs: number | null;
  turns: TurnResult[];
  /** Steps of the scenario (or of `voiceload call`'s plan) that finished. */
  stepsCompleted: number;
  /** The step that was running when the call failed; line and column when it came from a scenario file. */
  failedStep?: { index: number; kind: string; line?: number; col?: number };
  rtp: RtpSummary;
  codec: 'PCMU' | 'PCMA' | null;
  authChallenges: number;
  endedBy: 'local' | 'remote' | null;
  /** 2xx → end of the call. */
  talkMs: number | null;
  timeline: CallTimeline;
  /** SIP messages from the far end that failed to parse (counted and dropped). */
  malformedSipMessages: number;
}

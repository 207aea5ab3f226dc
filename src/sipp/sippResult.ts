/**
 * Why a call failed, as a short stable code (the `reason` column of calls.ndjson and the
 * `Failed_<code>(P)` columns of timeline.csv); the result's `reason` says it in words.
 */
export type SippFailureCode =
  /** Stopped by the run (Ctrl-C, end of the run). */
  | 'aborted'
  /** A <recv> waited longer than its timeout. */
  | 'timeout'
  /** A request got no response after SIPp's retransmissions. */
  | 'max_retrans'
  /** A message the scenario does not expect at this point (SIPp's "unexpected message"). */
  | 'unexpected_message'
  /** The peer hung up where the scenario does not expect it. */
  | 'unexpected_bye'
  /** A <send> could not be built or is not valid SIP. */
  | 'scenario_error'
  /** Media could not be set up or played. */
  | 'media'
  /** No RTP port pair was free for the call. */
  | 'ports_exhausted';

/** How one call of a SIPp scenario ended. */
export interface SippCallResult {
  callId: string;
  /** 1-based, in start order ([call_number]). */
  callNumber: number;
  outcome: 'completed' | 'failed';
  /** Why it failed (absent when completed). */
  reason?: string;
  /** The same as a short code (absent when completed). */
  reasonCode?: SippFailureCode;
  /** The scenario line of the command the call was at when it failed. */
  failedAtLine?: number;
  /** Response time durations by rtd name (`rtd="true"` is "1"), in ms. */
  rtdMs: Record<string, number>;
  /** From the INVITE sent to its first final response, when both happened. */
  inviteToFinalMs: number | null;
  /** Status of that final response. */
  inviteFinalStatus: number | null;
  /** Clock time (ms) the call's first INVITE left (METRICS.md counts set-up from it, auth round trips included). */
  firstInviteSentAtMs?: number;
  /** Clock time of the first provisional other than 100 to an INVITE (RFC 6076 SRD: post-dial delay). */
  ringingAtMs?: number;
  /** Clock time of the first 2xx to an INVITE. */
  answeredAtMs?: number;
  /** Clock times (ms, monotonic) of the call's start and end. */
  startedAtMs: number;
  endedAtMs: number;
  /** Retransmissions this call sent. */
  retransmissions: number;
}

/** A whole run. */
export interface SippRunSummary {
  scenario: string;
  callsStarted: number;
  completed: number;
  failed: number;
  /** Failure reason → count (reasons carry no per-call detail, so they group). */
  failureReasons: Record<string, number>;
  /** Lint warnings shown during the run (each once). */
  warnings: string[];
  /** Messages the transport could not parse (counted and dropped). */
  malformedMessages: number;
  /** Messages for no call of this run (unknown Call-ID). */
  strayMessages: number;
  aborted: boolean;
  durationMs: number;
  /** rtd name → mean ms over completed calls. */
  rtdMeanMs: Record<string, number>;
}

export interface SippRunResult {
  calls: SippCallResult[];
  summary: SippRunSummary;
}

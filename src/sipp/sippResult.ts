/** How one call of a SIPp scenario ended. */
export interface SippCallResult {
  callId: string;
  /** 1-based, in start order ([call_number]). */
  callNumber: number;
  outcome: 'completed' | 'failed';
  /** Why it failed (absent when completed). */
  reason?: string;
  /** The scenario line of the command the call was at when it failed. */
  failedAtLine?: number;
  /** Response time durations by rtd name (`rtd="true"` is "1"), in ms. */
  rtdMs: Record<string, number>;
  /** From the INVITE sent to its first final response, when both happened. */
  inviteToFinalMs: number | null;
  /** Status of that final response. */
  inviteFinalStatus: number | null;
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

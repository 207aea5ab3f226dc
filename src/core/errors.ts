/** Stable error codes: part of the public contract (scripts match on them). */
export type ErrorCode =
  | 'SIP_PARSE'
  | 'SIP_FRAMING'
  | 'SIP_TRANSPORT'
  | 'SIP_AUTH'
  | 'SDP_PARSE'
  | 'SDP_NO_COMMON_CODEC'
  | 'AUDIO_FORMAT'
  | 'AUDIO_FILE'
  | 'CLI_USAGE'
  | 'CONFIG'
  | 'INTERNAL'
  | 'RTP_PARSE'
  | 'MEDIA_TRANSPORT'
  | 'AGENT_CANCELLED'
  | 'AGENT_QUEUE_FULL'
  | 'AGENT_NO_WORKER'
  | 'AUDIO_SYNTH'
  | 'AUDIO_TRANSCODE'
  | 'MEDIA_DTMF'
  /** A configured port range has no free port (pair) left for another call. */
  | 'PORTS_EXHAUSTED'
  /** A results file (--out) could not be written. */
  | 'RESULTS_WRITE'
  /** Metrics could not be pushed to a Pushgateway (--push-gateway). */
  | 'PUSH_FAILED'
  /** A LiveKit server API request failed (`voiceload livekit setup/teardown`). */
  | 'LIVEKIT_API';

export interface VoiceloadErrorOptions {
  hint?: string;
  cause?: unknown;
  retryable?: boolean;
}

/** Base error: a stable `code`, a user-facing `hint`, and the underlying `cause`. */
export class VoiceloadError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: VoiceloadErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VoiceloadError';
    this.code = code;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
  }
}

export function isVoiceloadError(e: unknown): e is VoiceloadError {
  return e instanceof VoiceloadError;
}

import type { SipHeaderField } from '../sip/message.js';

export type CodecName = 'PCMU' | 'PCMA';

/** How one call is set up, whatever it then says: signalling, media and detection settings. */
export interface CallSetup {
  /** SIP URI of the agent, e.g. sip:agent@127.0.0.1:5060. */
  target: string;
  transport: 'udp' | 'tcp';
  /** Offered codecs, in preference order. */
  codecs: CodecName[];
  /** Offer telephone-event/8000 (RFC 4733). */
  telephoneEvent: boolean;
  /** CANCEL when no 2xx arrives this long after the INVITE (ringing included). */
  ringTimeoutMs: number;
  /** Fail with media_timeout when no RTP at all arrives this long after the 2xx. */
  mediaTimeoutMs: number;
  /** Silence that ends an agent utterance. */
  replyEndSilenceMs: number;
  /** Speech shorter than this is not an onset. */
  minSpeechMs: number;
  headers: SipHeaderField[];
  /** Digest credentials (password from the environment, never argv). */
  auth?: { username: string; password: string };
  fromUser: string;
  /** The INVITE's Call-ID when the caller chose it (templates may name it); otherwise generated. */
  callId?: string;
  /** Local address to bind SIP and RTP to. */
  localHost: string;
  /** Local SIP port; 0 picks a free one. */
  localSipPort: number;
  timers: { t1Ms: number; t2Ms: number; t4Ms: number };
}

/** Everything `voiceload call` needs: a set-up plus a fixed conversation (greeting, files in order). */
export interface CallConfig extends CallSetup {
  /** One WAV file per caller turn, said in order. */
  sayFiles: string[];
  /** Wait for the agent to speak first. */
  expectGreeting: boolean;
  greetingTimeoutMs: number;
  replyTimeoutMs: number;
  /** Pause between the end of the agent's speech and the caller's next utterance. */
  thinkTimeMs: number;
}

export const DEFAULT_CALL_SETUP: Omit<CallSetup, 'target'> = {
  transport: 'udp',
  codecs: ['PCMU', 'PCMA'],
  telephoneEvent: true,
  ringTimeoutMs: 60_000,
  mediaTimeoutMs: 5_000,
  replyEndSilenceMs: 700,
  minSpeechMs: 60,
  headers: [],
  fromUser: 'voiceload',
  localHost: '127.0.0.1',
  localSipPort: 0,
  timers: { t1Ms: 500, t2Ms: 4000, t4Ms: 5000 },
};

export const DEFAULT_CALL_CONFIG: Omit<CallConfig, 'target'> = {
  ...DEFAULT_CALL_SETUP,
  sayFiles: [],
  expectGreeting: true,
  greetingTimeoutMs: 10_000,
  replyTimeoutMs: 10_000,
  thinkTimeMs: 0,
};

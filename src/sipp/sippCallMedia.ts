import type { SipEndpoint } from '../sip/transport/transport.js';
import type { MediaAction } from './sippScenario.js';

/**
 * One call's media: the RTP port its SDP advertises ([media_port], [auto_media_port]) and the
 * scenario's <nop> media actions, played to the address of the last received SDP.
 */
export interface SippCallMedia {
  readonly port: number;
  /** Starts the action (playback runs on the clock); throws a VoiceloadError when it cannot. */
  run(action: MediaAction, remote: SipEndpoint | undefined): void;
  close(): Promise<void>;
}

/** Opens the media of call `callNumber` (binds its ports) before the call starts. */
export type SippMediaFactory = (callNumber: number) => Promise<SippCallMedia>;

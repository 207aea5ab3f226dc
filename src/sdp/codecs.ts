/** Audio codecs voiceload can send and receive: G.711 only (static payload types, RFC 3551 §6). */
export type AudioCodecName = 'PCMU' | 'PCMA';

export const AUDIO_CODECS: Readonly<Record<AudioCodecName, { payloadType: number; clockRate: number }>> = {
  PCMU: { payloadType: 0, clockRate: 8000 },
  PCMA: { payloadType: 8, clockRate: 8000 },
};

export const DEFAULT_CODECS: readonly AudioCodecName[] = ['PCMU', 'PCMA'];

/** Names of the static audio payload types (RFC 3551 table 4), for formats listed without a=rtpmap. */
export const STATIC_PAYLOAD_NAMES: Readonly<Record<number, { name: string; clockRate: number }>> = {
  0: { name: 'PCMU', clockRate: 8000 },
  3: { name: 'GSM', clockRate: 8000 },
  4: { name: 'G723', clockRate: 8000 },
  8: { name: 'PCMA', clockRate: 8000 },
  9: { name: 'G722', clockRate: 8000 }, // RTP clock 8000 for historical reasons (RFC 3551 §4.5.2)
  18: { name: 'G729', clockRate: 8000 },
};

/** RFC 4733 DTMF events: dynamic payload type, `telephone-event/8000`. */
export const TELEPHONE_EVENT = 'telephone-event';
export const DEFAULT_TELEPHONE_EVENT_PT = 101;

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface NegotiatedCodec {
  name: AudioCodecName;
  payloadType: number;
  clockRate: number;
}

/** The outcome of an offer/answer exchange, describing the *remote* side's media. */
export interface NegotiatedAudio {
  /** Where to send RTP: the audio stream's c= (media level, else session level). */
  connectionHost: string;
  audioPort: number;
  codec: NegotiatedCodec;
  /** The remote's payload type for RFC 4733 events, when both sides have them. */
  telephoneEventPayloadType?: number;
  /** The remote's a=ptime, when given. */
  ptimeMs?: number;
  /** The remote description's direction attribute, from the remote's point of view (default sendrecv). */
  direction: MediaDirection;
  /** From a=rtcp (RFC 3605), when given; otherwise RTCP is on audioPort + 1. */
  rtcpPort?: number;
}

export function isAudioCodecName(name: string): name is AudioCodecName {
  return name === 'PCMU' || name === 'PCMA';
}

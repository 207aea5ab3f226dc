import sdpTransform from 'sdp-transform';
import {
  DEFAULT_CODECS,
  type AudioCodecName,
  type MediaDirection,
  type NegotiatedAudio,
} from './codecs.js';
import { writeAudioSdp, type AudioSdpOptions } from './buildOffer.js';
import { checkUsable, describeRemote, matchCodec, noCommonCodec, toNegotiatedCodec } from './parseAnswer.js';
import { readAudioMedia } from './readAudioMedia.js';

export interface AnswerOptions {
  /** Codecs we support, in our order of preference. Default ['PCMU', 'PCMA']. */
  codecs?: readonly AudioCodecName[];
  /** c= address where we receive RTP. */
  connectionHost: string;
  audioPort: number;
  /** o= address. Default: connectionHost. */
  originHost?: string;
  sessionId: number | string;
  sessionVersion: number;
  /** Accept RFC 4733 events when offered. Default true. */
  telephoneEvent?: boolean;
  /** Our a=ptime. Default 20. */
  ptimeMs?: number;
  username?: string;
  sessionName?: string;
}

export interface Answer {
  /** The answer SDP, CRLF line endings. */
  sdp: string;
  /** The offerer's media (where to send, which payload type), for our RTP session. */
  negotiated: NegotiatedAudio;
}

/**
 * Answers an offer (UAS side, RFC 3264 §6): picks *our* most preferred codec that the offer has,
 * answers with just that codec (plus telephone-event at the offerer's payload type when both have
 * it, §6.1), mirrors the offer's direction, and rejects (port 0) any other m= lines so the answer
 * keeps the offer's m= line count and order. Throws `SDP_PARSE`, or `SDP_NO_COMMON_CODEC` (the
 * caller should then respond 488 Not Acceptable Here, RFC 3261 §13.3.1.1).
 */
export function buildAnswer(offerText: string, options: AnswerOptions): Answer {
  const offer = readAudioMedia(offerText);
  checkUsable(offer, 'offer');
  const ours = options.codecs ?? DEFAULT_CODECS;
  let chosen: NegotiatedAudio | undefined;
  for (const name of ours) {
    const format = offer.formats.find((f) => matchCodec(f, [name]) !== undefined);
    if (format !== undefined) {
      chosen = describeRemote(offer, toNegotiatedCodec(format, name));
      break;
    }
  }
  if (chosen === undefined) throw noCommonCodec(offer, ours, 'offer');

  // Events are answered at the offerer's payload type (RFC 3264 §6.1), if it is a dynamic one.
  const offeredTe = chosen.telephoneEventPayloadType;
  const tePt =
    (options.telephoneEvent ?? true) && offeredTe !== undefined && offeredTe >= 96 && offeredTe <= 127
      ? offeredTe
      : undefined;
  const { telephoneEventPayloadType: _unused, ...withoutEvents } = chosen;
  const negotiated: NegotiatedAudio = tePt === undefined ? withoutEvents : { ...withoutEvents, telephoneEventPayloadType: tePt };

  const sdpOptions: AudioSdpOptions = {
    sessionId: options.sessionId,
    sessionVersion: options.sessionVersion,
    originHost: options.originHost ?? options.connectionHost,
    connectionHost: options.connectionHost,
    audioPort: options.audioPort,
    codecs: [chosen.codec.name],
    ptimeMs: options.ptimeMs ?? 20,
    direction: answerDirection(offer.direction),
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.sessionName === undefined ? {} : { sessionName: options.sessionName }),
  };
  const rejected = rejectedOtherMedia(offerText, offer.mediaIndex);
  return { sdp: writeAudioSdp(sdpOptions, tePt, offer.mediaIndex, rejected), negotiated };
}

/** RFC 3264 §6.1: sendonly ↔ recvonly, sendrecv and inactive stay. */
function answerDirection(offered: MediaDirection): MediaDirection {
  if (offered === 'sendonly') return 'recvonly';
  if (offered === 'recvonly') return 'sendonly';
  return offered;
}

/** Every m= line of the offer except the audio one we accept, answered with port 0 (RFC 3264 §6). */
function rejectedOtherMedia(offerText: string, acceptedIndex: number): sdpTransform.MediaDescription[] {
  const media = sdpTransform.parse(offerText).media;
  return media
    .filter((_, i) => i !== acceptedIndex)
    .map((m) => ({ type: m.type, port: 0, protocol: m.protocol, payloads: String(m.payloads ?? ''), rtp: [], fmtp: [] }));
}

import { VoiceloadError } from '../core/errors.js';
import {
  AUDIO_CODECS,
  DEFAULT_CODECS,
  TELEPHONE_EVENT,
  isAudioCodecName,
  type AudioCodecName,
  type NegotiatedAudio,
  type NegotiatedCodec,
} from './codecs.js';
import { readAudioMedia, type AudioMedia, type MediaFormat } from './readAudioMedia.js';

/**
 * Reads the far end's answer to our offer. The codec is the first format in the answer's m= line
 * that we offered: the answerer lists formats in its order of preference (RFC 3264 §6.1).
 * Errors: `SDP_PARSE` (malformed), `SDP_NO_COMMON_CODEC` (no audio, stream rejected with port 0,
 * a transport other than RTP/AVP, or no offered codec in the answer).
 */
export function parseAnswer(sdpText: string, offered: readonly AudioCodecName[] = DEFAULT_CODECS): NegotiatedAudio {
  const media = readAudioMedia(sdpText);
  checkUsable(media, 'answer');
  const format = media.formats.find((f) => matchCodec(f, offered) !== undefined);
  if (format === undefined) throw noCommonCodec(media, offered, 'answer');
  return describeRemote(media, toNegotiatedCodec(format, matchCodec(format, offered)!));
}

export function checkUsable(media: AudioMedia, what: 'offer' | 'answer'): void {
  if (media.port === 0) {
    throw new VoiceloadError('SDP_NO_COMMON_CODEC', `the ${what} rejected the audio stream (m=audio port 0)`, {
      hint: 'the far end declined audio; check that it supports PCMU or PCMA over RTP/AVP',
    });
  }
  if (media.protocol.toUpperCase() !== 'RTP/AVP') {
    throw new VoiceloadError('SDP_NO_COMMON_CODEC', `the ${what} uses transport ${media.protocol}; voiceload supports RTP/AVP`, {
      hint: 'disable SRTP/DTLS for this trunk or endpoint',
    });
  }
}

/** The codec a format carries if it is one of `codecs` at 8 kHz (names compare case-insensitively, RFC 4566 §6). */
export function matchCodec(format: MediaFormat, codecs: readonly AudioCodecName[]): AudioCodecName | undefined {
  const name = format.name?.toUpperCase();
  if (name === undefined || !isAudioCodecName(name) || !codecs.includes(name)) return undefined;
  return format.clockRate === AUDIO_CODECS[name].clockRate ? name : undefined;
}

export function toNegotiatedCodec(format: MediaFormat, name: AudioCodecName): NegotiatedCodec {
  return { name, payloadType: format.payloadType, clockRate: AUDIO_CODECS[name].clockRate };
}

/** The remote side's media as negotiated, including its telephone-event payload type if it has one. */
export function describeRemote(media: AudioMedia, codec: NegotiatedCodec): NegotiatedAudio {
  const te = media.formats.find((f) => f.name?.toLowerCase() === TELEPHONE_EVENT && f.clockRate === 8000);
  return {
    connectionHost: media.connectionHost,
    audioPort: media.port,
    codec,
    ...(te === undefined ? {} : { telephoneEventPayloadType: te.payloadType }),
    ...(media.ptimeMs === undefined ? {} : { ptimeMs: media.ptimeMs }),
    direction: media.direction,
    ...(media.rtcpPort === undefined ? {} : { rtcpPort: media.rtcpPort }),
  };
}

export function noCommonCodec(media: AudioMedia, ours: readonly AudioCodecName[], what: 'offer' | 'answer'): VoiceloadError {
  const theirs = media.formats.map((f) => `${f.name ?? '?'}/${f.payloadType}`).join(', ');
  return new VoiceloadError('SDP_NO_COMMON_CODEC', `no common audio codec: the ${what} has ${theirs}; voiceload supports ${ours.join(', ')}`, {
    hint: 'enable PCMU or PCMA (G.711) on the far end',
  });
}

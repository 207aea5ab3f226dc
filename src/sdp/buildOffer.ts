import sdpTransform from 'sdp-transform';
import { VoiceloadError } from '../core/errors.js';
import {
  AUDIO_CODECS,
  DEFAULT_CODECS,
  DEFAULT_TELEPHONE_EVENT_PT,
  TELEPHONE_EVENT,
  type AudioCodecName,
  type MediaDirection,
} from './codecs.js';

export interface AudioSdpOptions {
  /** o= session id: any digits (RFC 4566 §5.2 suggests an NTP timestamp); kept as text to allow 64-bit values. */
  sessionId: number | string;
  /** o= version: increments with every new offer in the dialog (RFC 3264 §8). */
  sessionVersion: number;
  /** o= address. */
  originHost: string;
  /** c= address where we receive RTP. */
  connectionHost: string;
  audioPort: number;
  /** In preference order. Default ['PCMU', 'PCMA']. */
  codecs?: readonly AudioCodecName[];
  /** Offer RFC 4733 `telephone-event/8000`. Default true. */
  telephoneEvent?: boolean;
  /** Dynamic payload type for telephone-event. Default 101. */
  telephoneEventPayloadType?: number;
  /** Default 20. */
  ptimeMs?: number;
  /** Default 'sendrecv'. */
  direction?: MediaDirection;
  /** o= username. Default '-'. */
  username?: string;
  /** s= line. Default 'voiceload'. */
  sessionName?: string;
}

/** An SDP offer (RFC 3264 §5) for one G.711 audio stream over RTP/AVP, CRLF line endings. */
export function buildOffer(options: AudioSdpOptions): string {
  const telephoneEventPt =
    (options.telephoneEvent ?? true) ? (options.telephoneEventPayloadType ?? DEFAULT_TELEPHONE_EVENT_PT) : undefined;
  return writeAudioSdp(options, telephoneEventPt);
}

/**
 * Writes a one-stream audio session description. Shared by the offer and the answer;
 * `rejectedMedia` (with the audio stream placed at `mediaIndex` among them) lets the answer mirror
 * the offer's m= lines (RFC 3264 §6).
 */
export function writeAudioSdp(
  options: AudioSdpOptions,
  telephoneEventPt: number | undefined,
  mediaIndex = 0,
  rejectedMedia: readonly sdpTransform.MediaDescription[] = [],
): string {
  const codecs = options.codecs ?? DEFAULT_CODECS;
  if (codecs.length === 0) throw configError('at least one codec is required');
  if (new Set(codecs).size !== codecs.length) throw configError(`duplicate codec in ${codecs.join(', ')}`);
  for (const c of codecs) if (AUDIO_CODECS[c] === undefined) throw configError(`unsupported codec ${String(c)}`);
  if (!Number.isInteger(options.audioPort) || options.audioPort < 1 || options.audioPort > 65535) {
    throw configError(`audio port must be 1-65535, got ${options.audioPort}`);
  }
  const te = telephoneEventPt;
  if (te !== undefined && (!Number.isInteger(te) || te < 96 || te > 127)) {
    throw configError(`telephone-event payload type must be dynamic (96-127), got ${telephoneEventPt}`);
  }

  const rtp: sdpTransform.MediaAttributes['rtp'] = codecs.map((c) => ({
    payload: AUDIO_CODECS[c].payloadType,
    codec: c,
    rate: AUDIO_CODECS[c].clockRate,
  }));
  const fmtp: sdpTransform.MediaAttributes['fmtp'] = [];
  const payloads = codecs.map((c) => AUDIO_CODECS[c].payloadType);
  if (telephoneEventPt !== undefined) {
    rtp.push({ payload: telephoneEventPt, codec: TELEPHONE_EVENT, rate: 8000 });
    // Events 0-16: DTMF digits 0-9, *, #, A-D and flash (RFC 4733 §3.2).
    fmtp.push({ payload: telephoneEventPt, config: '0-16' });
    payloads.push(telephoneEventPt);
  }
  const audio: sdpTransform.MediaDescription = {
    type: 'audio',
    port: options.audioPort,
    protocol: 'RTP/AVP',
    payloads: payloads.join(' '),
    rtp,
    fmtp,
    ptime: options.ptimeMs ?? 20,
    direction: options.direction ?? 'sendrecv',
  };
  const media = [...rejectedMedia];
  media.splice(mediaIndex, 0, audio);
  const session: sdpTransform.SessionDescription = {
    version: 0,
    origin: {
      username: options.username ?? '-',
      sessionId: options.sessionId,
      sessionVersion: options.sessionVersion,
      netType: 'IN',
      ipVer: ipVersion(options.originHost),
      address: options.originHost,
    },
    name: options.sessionName ?? 'voiceload',
    connection: { version: ipVersion(options.connectionHost), ip: options.connectionHost },
    timing: { start: 0, stop: 0 },
    media,
  };
  return sdpTransform.write(session);
}

function ipVersion(host: string): number {
  return host.includes(':') ? 6 : 4;
}

function configError(message: string): VoiceloadError {
  return new VoiceloadError('CONFIG', `SDP: ${message}`);
}

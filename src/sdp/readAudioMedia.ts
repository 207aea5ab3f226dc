import sdpTransform from 'sdp-transform';
import { VoiceloadError } from '../core/errors.js';
import { STATIC_PAYLOAD_NAMES, type MediaDirection } from './codecs.js';

/** One format of an m= line, in the m= line's order. */
export interface MediaFormat {
  payloadType: number;
  /** Encoding name as written in a=rtpmap (or the static name from RFC 3551); undefined if unknown. */
  name?: string;
  clockRate?: number;
  fmtp?: string;
}

/** The first audio stream of a session description, validated. */
export interface AudioMedia {
  sessionId: string;
  sessionVersion: number;
  /** Index of this m= line among all m= lines (the answer must keep the offer's m= line order, RFC 3264 §6). */
  mediaIndex: number;
  mediaCount: number;
  connectionHost: string;
  /** 0 means the stream is rejected/disabled (RFC 3264 §6). */
  port: number;
  protocol: string;
  formats: MediaFormat[];
  ptimeMs?: number;
  direction: MediaDirection;
  rtcpPort?: number;
}

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/**
 * Parses SDP text (RFC 4566) and extracts its first audio stream. sdp-transform is lenient (it skips
 * lines it does not understand), so the line syntax and the fields we depend on are checked here:
 * `SDP_PARSE` for malformed text, `SDP_NO_COMMON_CODEC` when there is no audio stream at all.
 */
export function readAudioMedia(sdpText: string): AudioMedia {
  checkLines(sdpText);
  let session: sdpTransform.SessionDescription;
  try {
    session = sdpTransform.parse(sdpText);
  } catch (cause) {
    throw parseError(`unparseable SDP (${(cause as Error).message})`, cause);
  }
  if (session.origin === undefined) throw parseError('missing o= line (RFC 4566 §5.2)');

  const media = session.media;
  // sdp-transform adds a media entry for every m= line but fills it only if the line matches its
  // pattern (RFC 4566 §5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...).
  media.forEach((m, i) => {
    if (typeof m.type !== 'string' || m.type === '' || typeof m.protocol !== 'string' || typeof m.port !== 'number') {
      throw parseError(`m= line ${i + 1} is malformed`);
    }
  });
  const mediaIndex = media.findIndex((m) => m.type === 'audio');
  const m = media[mediaIndex];
  if (m === undefined) {
    throw new VoiceloadError('SDP_NO_COMMON_CODEC', 'SDP has no audio stream (no m=audio line)', {
      hint: 'the far end must offer or answer an audio stream',
    });
  }
  if (!Number.isInteger(m.port) || m.port < 0 || m.port > 65535) {
    throw parseError(`invalid audio port in m= line: ${String(m.port)}`);
  }
  // c= may be at session level, media level or both; media level wins (RFC 4566 §5.7).
  const connection = m.connection ?? session.connection;
  if (connection === undefined || !connection.ip) {
    throw parseError('no c= line for the audio stream, at media or session level (RFC 4566 §5.7)');
  }

  const formats: MediaFormat[] = [];
  // sdp-transform turns a single payload ("m=audio 6000 RTP/AVP 0") into a number.
  const payloads = String(m.payloads ?? '').trim();
  for (const token of payloads === '' ? [] : payloads.split(/\s+/)) {
    const pt = Number(token);
    if (!/^\d+$/.test(token) || pt > 127) throw parseError(`invalid payload type '${token}' in m= line`);
    const rtp = m.rtp.find((r) => r.payload === pt);
    const fmtp = m.fmtp.find((f) => f.payload === pt);
    const known = STATIC_PAYLOAD_NAMES[pt];
    const name = rtp?.codec ?? known?.name;
    const clockRate = rtp?.rate ?? known?.clockRate;
    formats.push({
      payloadType: pt,
      ...(name === undefined ? {} : { name }),
      ...(clockRate === undefined ? {} : { clockRate }),
      ...(fmtp === undefined ? {} : { fmtp: fmtp.config }),
    });
  }
  if (formats.length === 0) throw parseError('m=audio line lists no formats');

  const ptime = m.ptime ?? (session as { ptime?: number }).ptime;
  const directionText = m.direction ?? session.direction ?? 'sendrecv';
  if (!DIRECTIONS.has(directionText)) throw parseError(`invalid direction attribute '${directionText}'`);
  const rtcpPort = m.rtcp?.port;

  return {
    sessionId: String(session.origin.sessionId),
    sessionVersion: Number(session.origin.sessionVersion),
    mediaIndex,
    mediaCount: media.length,
    connectionHost: connection.ip,
    port: m.port,
    protocol: m.protocol,
    formats,
    ...(typeof ptime === 'number' && ptime > 0 ? { ptimeMs: ptime } : {}),
    direction: directionText as MediaDirection,
    ...(typeof rtcpPort === 'number' ? { rtcpPort } : {}),
  };
}

/** RFC 4566 §5: the text is `<type>=<value>` lines, starting with v=0. CRLF or bare LF accepted. */
function checkLines(sdpText: string): void {
  const lines = sdpText.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw parseError('empty SDP body');
  if (lines[0] !== 'v=0') throw parseError(`SDP must start with "v=0", found "${truncate(lines[0]!)}"`);
  lines.forEach((line, i) => {
    if (!/^[a-z]=/.test(line)) throw parseError(`line ${i + 1} is not <type>=<value>: "${truncate(line)}"`);
  });
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function parseError(message: string, cause?: unknown): VoiceloadError {
  return new VoiceloadError('SDP_PARSE', message, {
    hint: 'the far end sent a malformed session description',
    ...(cause === undefined ? {} : { cause }),
  });
}

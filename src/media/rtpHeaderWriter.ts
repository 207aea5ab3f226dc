import { VoiceloadError } from '../core/errors.js';

/** Size of the fixed RTP header (no CSRC, no extension): what we always send. */
export const RTP_HEADER_SIZE = 12;

/**
 * Writes the fixed RTP header (RFC 3550 §5.1) straight into a caller-owned packet buffer:
 * no allocation, no intermediate object, so one preallocated buffer per stream can carry
 * header + payload for every packet.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * We never send padding, extensions or CSRCs, so V=2, P=0, X=0, CC=0.
 */
export class RtpHeaderWriter {
  readonly payloadType: number;
  readonly ssrc: number;

  constructor(payloadType: number, ssrc: number) {
    if (!Number.isInteger(payloadType) || payloadType < 0 || payloadType > 127) {
      throw new VoiceloadError('INTERNAL', `RTP payload type out of range: ${payloadType}`);
    }
    this.payloadType = payloadType;
    this.ssrc = ssrc >>> 0;
  }

  /** Writes the 12 header bytes at `buf[0..12)`; returns {@link RTP_HEADER_SIZE}. */
  write(buf: Uint8Array, sequenceNumber: number, timestamp: number, marker: boolean): number {
    const ts = timestamp >>> 0;
    const ssrc = this.ssrc;
    buf[0] = 0x80;
    buf[1] = (marker ? 0x80 : 0) | this.payloadType;
    buf[2] = (sequenceNumber >>> 8) & 0xff;
    buf[3] = sequenceNumber & 0xff;
    buf[4] = ts >>> 24;
    buf[5] = (ts >>> 16) & 0xff;
    buf[6] = (ts >>> 8) & 0xff;
    buf[7] = ts & 0xff;
    buf[8] = ssrc >>> 24;
    buf[9] = (ssrc >>> 16) & 0xff;
    buf[10] = (ssrc >>> 8) & 0xff;
    buf[11] = ssrc & 0xff;
    return RTP_HEADER_SIZE;
  }
}

/** The fields of a received RTP header plus where its payload lies in the packet. */
export interface RtpHeaderFields {
  version: number;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Offset of the payload: after the CSRC list and the header extension. */
  payloadOffset: number;
  /** Payload bytes, excluding padding. */
  payloadLength: number;
}

/** Why a datagram is not a valid RTP packet (a fixed set of literals: the hot path allocates nothing). */
export type RtpParseProblem =
  | 'too short for the fixed header'
  | 'version is not 2'
  | 'CSRC list overruns the packet'
  | 'header extension overruns the packet'
  | 'invalid padding length';

/** A reusable, zeroed {@link RtpHeaderFields} for {@link readRtpHeaderInto}. */
export function emptyRtpHeaderFields(): RtpHeaderFields {
  return {
    version: 0,
    padding: false,
    extension: false,
    csrcCount: 0,
    marker: false,
    payloadType: 0,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    payloadOffset: 0,
    payloadLength: 0,
  };
}

/**
 * Reads an RTP header into `out` (reused across packets). Returns null when valid, else the
 * problem; `out` is then partly written and must be ignored. Handles the CSRC list, the header
 * extension (RFC 3550 §5.3.1: 16-bit profile, 16-bit length in words) and padding (§5.1: the
 * last octet counts the padding octets, itself included).
 */
export function readRtpHeaderInto(buf: Uint8Array, out: RtpHeaderFields): RtpParseProblem | null {
  const length = buf.length;
  if (length < RTP_HEADER_SIZE) return 'too short for the fixed header';
  const b0 = buf[0]!;
  const b1 = buf[1]!;
  out.version = b0 >>> 6;
  if (out.version !== 2) return 'version is not 2';
  out.padding = (b0 & 0x20) !== 0;
  out.extension = (b0 & 0x10) !== 0;
  out.csrcCount = b0 & 0x0f;
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = b1 & 0x7f;
  out.sequenceNumber = (buf[2]! << 8) | buf[3]!;
  out.timestamp = ((buf[4]! << 24) | (buf[5]! << 16) | (buf[6]! << 8) | buf[7]!) >>> 0;
  out.ssrc = ((buf[8]! << 24) | (buf[9]! << 16) | (buf[10]! << 8) | buf[11]!) >>> 0;
  let offset = RTP_HEADER_SIZE + 4 * out.csrcCount;
  if (offset > length) return 'CSRC list overruns the packet';
  if (out.extension) {
    if (offset + 4 > length) return 'header extension overruns the packet';
    const words = (buf[offset + 2]! << 8) | buf[offset + 3]!;
    offset += 4 + 4 * words;
    if (offset > length) return 'header extension overruns the packet';
  }
  let paddingLength = 0;
  if (out.padding) {
    paddingLength = buf[length - 1]!;
    if (paddingLength === 0 || offset + paddingLength > length) return 'invalid padding length';
  }
  out.payloadOffset = offset;
  out.payloadLength = length - offset - paddingLength;
  return null;
}

/** Parses an RTP header into a new object; throws VoiceloadError('RTP_PARSE') if invalid. */
export function parseRtpHeader(buf: Uint8Array): RtpHeaderFields {
  const out = emptyRtpHeaderFields();
  const problem = readRtpHeaderInto(buf, out);
  if (problem !== null) {
    throw new VoiceloadError('RTP_PARSE', `invalid RTP packet (${buf.length} bytes): ${problem}`);
  }
  return out;
}

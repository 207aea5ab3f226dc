import { VoiceloadError } from '../core/errors.js';

/** One RTP packet taken from a capture: its UDP payload and when it was captured, relative to the first. */
export interface PcapRtpPacket {
  offsetMs: number;
  payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_NULL = 0;

function pcapError(file: string, message: string): VoiceloadError {
  return new VoiceloadError('AUDIO_FORMAT', `${file}: ${message}`, { hint: 'play_pcap_audio wants a classic .pcap (not .pcapng) of the RTP stream to replay' });
}

/**
 * Reads a classic libpcap file (magic a1b2c3d4 µs or a1b23c4d ns, either byte order) and returns the
 * UDP payloads that look like RTP version 2, with their capture times. Ethernet (with 802.1Q tags),
 * Linux cooked, raw IP and BSD loopback link types; IPv4 and IPv6; no IP fragments.
 */
export function readPcapRtp(buf: Buffer, file = 'pcap'): PcapRtpPacket[] {
  if (buf.length < 24) throw pcapError(file, 'too short for a pcap header');
  const magicBe = buf.readUInt32BE(0);
  const magicLe = buf.readUInt32LE(0);
  let le: boolean;
  let nanos: boolean;
  if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) {
    le = true;
    nanos = magicLe === 0xa1b23c4d;
  } else if (magicBe === 0xa1b2c3d4 || magicBe === 0xa1b23c4d) {
    le = false;
    nanos = magicBe === 0xa1b23c4d;
  } else throw pcapError(file, 'not a pcap file (unknown magic number; pcapng is not supported)');
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = u32(20) & 0x0fffffff;
  const out: PcapRtpPacket[] = [];
  let firstMs: number | undefined;
  for (let o = 24; o + 16 <= buf.length; ) {
    const sec = u32(o);
    const frac = u32(o + 4);
    const capLen = u32(o + 8);
    const start = o + 16;
    if (start + capLen > buf.length) break; // truncated last record
    const atMs = sec * 1000 + (nanos ? frac / 1e6 : frac / 1e3);
    const payload = udpPayload(buf.subarray(start, start + capLen), linkType, le);
    if (payload !== undefined && payload.length >= 12 && payload[0]! >> 6 === 2) {
      firstMs ??= atMs;
      out.push({ offsetMs: atMs - firstMs, payload: Buffer.from(payload) });
    }
    o = start + capLen;
  }
  return out;
}

function udpPayload(frame: Buffer, linkType: number, fileLe: boolean): Buffer | undefined {
  let o: number;
  let etherType: number;
  if (linkType === LINKTYPE_ETHERNET) {
    o = 12;
    etherType = frame.readUInt16BE(o);
    while (etherType === 0x8100 || etherType === 0x88a8) {
      o += 4;
      etherType = frame.readUInt16BE(o);
    }
    o += 2;
  } else if (linkType === LINKTYPE_LINUX_SLL) {
    if (frame.length < 16) return undefined;
    etherType = frame.readUInt16BE(14);
    o = 16;
  } else if (linkType === LINKTYPE_RAW) {
    o = 0;
    etherType = frame[0]! >> 4 === 6 ? 0x86dd : 0x0800;
  } else if (linkType === LINKTYPE_NULL) {
    if (frame.length < 4) return undefined;
    const family = fileLe ? frame.readUInt32LE(0) : frame.readUInt32BE(0);
    o = 4;
    etherType = family === 2 ? 0x0800 : 0x86dd;
  } else return undefined;
  if (etherType === 0x0800) {
    if (frame.length < o + 20) return undefined;
    const ihl = (frame[o]! & 0x0f) * 4;
    const proto = frame[o + 9]!;
    const fragment = frame.readUInt16BE(o + 6) & 0x3fff;
    if (proto !== 17 || fragment !== 0) return undefined;
    const total = frame.readUInt16BE(o + 2);
    return udp(frame.subarray(o + ihl, Math.min(frame.length, o + total)));
  }
  if (etherType === 0x86dd) {
    if (frame.length < o + 40 || frame[o + 6] !== 17) return undefined;
    return udp(frame.subarray(o + 40));
  }
  return undefined;
}

function udp(seg: Buffer): Buffer | undefined {
  if (seg.length < 8) return undefined;
  const len = seg.readUInt16BE(4);
  return seg.subarray(8, Math.min(seg.length, Math.max(8, len)));
}

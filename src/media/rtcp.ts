import { RtcpPacketConverter, RtcpReceiverInfo, RtcpRrPacket, RtcpSenderInfo, RtcpSrPacket } from 'werift-rtp';
import { VoiceloadError } from '../core/errors.js';
import type { ReceptionReport } from './rtpReceiveStats.js';

/** RTCP packet types (RFC 3550 §12.1). */
export const RtcpType = { SR: 200, RR: 201, SDES: 202, BYE: 203, APP: 204 } as const;

/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
const NTP_UNIX_OFFSET_S = 2208988800n;

/** 64-bit NTP timestamp (RFC 3550 §4) of a Unix time in ms. */
export function ntpFromUnixMs(unixMs: number): bigint {
  const ms = BigInt(Math.floor(unixMs));
  const seconds = ms / 1000n + NTP_UNIX_OFFSET_S;
  const subMs = unixMs - Math.floor(unixMs / 1000) * 1000; // keeps the fractional ms
  const fraction = BigInt(Math.floor((subMs / 1000) * 2 ** 32)) & 0xffffffffn;
  return ((seconds & 0xffffffffn) << 32n) | fraction;
}

/** The middle 32 bits of an NTP timestamp: the unit of LSR (RFC 3550 §6.4.1), 1/65536 s. */
export function ntpMiddle32(ntp: bigint): number {
  return Number((ntp >> 16n) & 0xffffffffn);
}

/** The last SR received from the far end, kept to fill LSR/DLSR in our reports. */
export interface LastSenderReport {
  ssrc: number;
  ntpMiddle32: number;
  arrivalMs: number;
}

export interface RtcpSenderStats {
  ntpTimestamp: bigint;
  rtpTimestamp: number;
  packetCount: number;
  /** Payload octets (headers and padding excluded). */
  octetCount: number;
}

export interface RtcpReportInput {
  ssrc: number;
  cname: string;
  /** Present when we sent RTP since the last report: the report is then an SR, else an RR. */
  sender?: RtcpSenderStats;
  /** About the far end's stream, from RtpReceiveStats.takeReceptionReport(). */
  reception?: ReceptionReport;
  lastSenderReport?: LastSenderReport;
  /** Clock time of sending, for DLSR. */
  nowMs: number;
  /** Appends a BYE for `ssrc` (RFC 3550 §6.6). */
  bye?: { reason?: string };
}

/** A reception report block as parsed (RFC 3550 §6.4.1). */
export interface RtcpReportBlock {
  ssrc: number;
  fractionLost: number;
  /** Signed 24-bit. */
  cumulativeLost: number;
  extendedHighestSequence: number;
  jitter: number;
  lsr: number;
  dlsr: number;
}

export interface RtcpSenderReport extends RtcpSenderStats {
  ssrc: number;
  ntpMiddle32: number;
  reports: RtcpReportBlock[];
}

export interface RtcpCompound {
  senderReports: RtcpSenderReport[];
  receiverReports: Array<{ ssrc: number; reports: RtcpReportBlock[] }>;
  cnames: Array<{ ssrc: number; cname: string }>;
  byes: Array<{ ssrcs: number[]; reason?: string }>;
  /** APP, feedback and unknown packets: counted, not decoded. */
  otherPackets: number;
}

/**
 * Builds a compound RTCP packet (RFC 3550 §6.1): SR or RR first, then SDES with our CNAME, then
 * BYE if asked. SR and RR go through werift-rtp's classes; SDES and BYE are written here (werift
 * has no BYE, and its SDES chunk omits the terminating null item when the item ends on a word boundary).
 */
export function buildRtcpCompound(input: RtcpReportInput): Buffer {
  const blocks: RtcpReceiverInfo[] = [];
  if (input.reception !== undefined) {
    const r = input.reception;
    const last = input.lastSenderReport;
    const fromThatSource = last !== undefined && last.ssrc === r.ssrc;
    blocks.push(
      new RtcpReceiverInfo({
        ssrc: r.ssrc,
        fractionLost: r.fractionLost,
        // werift writes the 24-bit field unsigned: pass the two's complement bits.
        packetsLost: r.cumulativeLost & 0xffffff,
        highestSequence: r.extendedHighestSequence >>> 0,
        jitter: r.jitter >>> 0,
        lsr: fromThatSource ? last.ntpMiddle32 >>> 0 : 0,
        // DLSR in 1/65536 s since that SR arrived (0 when we have none).
        dlsr: fromThatSource ? Math.max(0, Math.min(0xffffffff, Math.floor(((input.nowMs - last.arrivalMs) * 65536) / 1000))) : 0,
      }),
    );
  }
  const first =
    input.sender !== undefined
      ? new RtcpSrPacket({
          ssrc: input.ssrc >>> 0,
          senderInfo: new RtcpSenderInfo({
            ntpTimestamp: input.sender.ntpTimestamp,
            rtpTimestamp: input.sender.rtpTimestamp >>> 0,
            packetCount: input.sender.packetCount >>> 0,
            octetCount: input.sender.octetCount >>> 0,
          }),
          reports: blocks,
        }).serialize()
      : new RtcpRrPacket({ ssrc: input.ssrc >>> 0, reports: blocks }).serialize();
  const parts = [first, serializeSdesCname(input.ssrc, input.cname)];
  if (input.bye !== undefined) parts.push(serializeBye([input.ssrc], input.bye.reason));
  return Buffer.concat(parts);
}

/**
 * SDES with one chunk holding one CNAME item (RFC 3550 §6.5): the item list ends with at least one
 * null octet, then pads to a 32-bit boundary.
 *
 *  |V=2|P|    SC   |  PT=SDES=202  |             length            |
 *  |                          SSRC/CSRC_1                          |
 *  |    CNAME=1    |     length    | user and domain name        ...
 */
export function serializeSdesCname(ssrc: number, cname: string): Buffer {
  const text = Buffer.from(cname, 'utf8').subarray(0, 255);
  const chunkLength = 4 + 2 + text.length + 1; // + at least one null octet
  const padded = Math.ceil(chunkLength / 4) * 4;
  const buf = Buffer.alloc(4 + padded);
  buf[0] = 0x80 | 1;
  buf[1] = RtcpType.SDES;
  buf.writeUInt16BE(padded / 4, 2);
  buf.writeUInt32BE(ssrc >>> 0, 4);
  buf[8] = 1; // CNAME
  buf[9] = text.length;
  text.copy(buf, 10);
  return buf;
}

/**
 * BYE (RFC 3550 §6.6): the leaving sources, then an optional length-prefixed reason, padded.
 *
 *  |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *  |                           SSRC/CSRC                           |
 *  :                              ...                              :
 *  |     length    |               reason for leaving            ...
 */
export function serializeBye(ssrcs: number[], reason?: string): Buffer {
  const text = reason === undefined ? undefined : Buffer.from(reason, 'utf8').subarray(0, 255);
  const body = 4 * ssrcs.length + (text === undefined ? 0 : 1 + text.length);
  const padded = Math.ceil(body / 4) * 4;
  const buf = Buffer.alloc(4 + padded);
  buf[0] = 0x80 | (ssrcs.length & 0x1f);
  buf[1] = RtcpType.BYE;
  buf.writeUInt16BE(padded / 4, 2);
  ssrcs.forEach((s, i) => buf.writeUInt32BE(s >>> 0, 4 + 4 * i));
  if (text !== undefined) {
    const at = 4 + 4 * ssrcs.length;
    buf[at] = text.length;
    text.copy(buf, at + 1);
  }
  return buf;
}

function rtcpError(message: string): VoiceloadError {
  return new VoiceloadError('RTP_PARSE', `invalid RTCP packet: ${message}`);
}

function toBlock(r: RtcpReceiverInfo): RtcpReportBlock {
  const lost = r.packetsLost >= 0x800000 ? r.packetsLost - 0x1000000 : r.packetsLost;
  return {
    ssrc: r.ssrc,
    fractionLost: r.fractionLost,
    cumulativeLost: lost,
    extendedHighestSequence: r.highestSequence,
    jitter: r.jitter,
    lsr: r.lsr,
    dlsr: r.dlsr,
  };
}

/**
 * Parses a compound RTCP packet. Each packet's header is checked here (version 2, length within
 * the datagram, report count fits) before SR/RR are handed to werift-rtp; SDES CNAMEs and BYE are
 * read here. Throws VoiceloadError('RTP_PARSE') on a malformed packet.
 */
export function parseRtcpCompound(data: Buffer): RtcpCompound {
  const out: RtcpCompound = { senderReports: [], receiverReports: [], cnames: [], byes: [], otherPackets: 0 };
  if (data.length < 4) throw rtcpError(`${data.length} bytes`);
  let pos = 0;
  while (pos < data.length) {
    if (data.length - pos < 4) throw rtcpError('trailing bytes after the last packet');
    const b0 = data[pos]!;
    if (b0 >>> 6 !== 2) throw rtcpError('version is not 2');
    const count = b0 & 0x1f;
    const type = data[pos + 1]!;
    const size = 4 + 4 * data.readUInt16BE(pos + 2);
    if (pos + size > data.length) throw rtcpError(`packet type ${type} overruns the datagram`);
    let packet = data.subarray(pos, pos + size);
    pos += size;
    if ((b0 & 0x20) !== 0) {
      const pad = packet[packet.length - 1]!;
      if (pad === 0 || pad > packet.length - 4) throw rtcpError('invalid padding');
      packet = packet.subarray(0, packet.length - pad);
    }
    switch (type) {
      case RtcpType.SR: {
        if (packet.length < 28 + 24 * count) throw rtcpError('SR shorter than its report count');
        const sr = RtcpPacketConverter.deSerialize(packet)[0];
        if (!(sr instanceof RtcpSrPacket)) throw rtcpError('SR not decoded');
        const info = sr.senderInfo;
        out.senderReports.push({
          ssrc: sr.ssrc,
          ntpTimestamp: info.ntpTimestamp,
          ntpMiddle32: ntpMiddle32(info.ntpTimestamp),
          rtpTimestamp: info.rtpTimestamp,
          packetCount: info.packetCount,
          octetCount: info.octetCount,
          reports: sr.reports.map(toBlock),
        });
        break;
      }
      case RtcpType.RR: {
        if (packet.length < 8 + 24 * count) throw rtcpError('RR shorter than its report count');
        const rr = RtcpPacketConverter.deSerialize(packet)[0];
        if (!(rr instanceof RtcpRrPacket)) throw rtcpError('RR not decoded');
        out.receiverReports.push({ ssrc: rr.ssrc, reports: rr.reports.map(toBlock) });
        break;
      }
      case RtcpType.SDES:
        readSdesCnames(packet, count, out.cnames);
        break;
      case RtcpType.BYE:
        out.byes.push(readBye(packet, count));
        break;
      default:
        out.otherPackets++;
    }
  }
  return out;
}

function readSdesCnames(packet: Buffer, count: number, into: Array<{ ssrc: number; cname: string }>): void {
  let at = 4;
  for (let c = 0; c < count; c++) {
    if (at + 4 > packet.length) throw rtcpError('SDES chunk overruns the packet');
    const ssrc = packet.readUInt32BE(at);
    at += 4;
    for (;;) {
      if (at >= packet.length) throw rtcpError('SDES items not terminated');
      const itemType = packet[at]!;
      if (itemType === 0) break;
      if (at + 2 > packet.length) throw rtcpError('SDES item overruns the packet');
      const len = packet[at + 1]!;
      if (at + 2 + len > packet.length) throw rtcpError('SDES item overruns the packet');
      if (itemType === 1) into.push({ ssrc, cname: packet.toString('utf8', at + 2, at + 2 + len) });
      at += 2 + len;
    }
    at = (Math.floor(at / 4) + 1) * 4; // the null octet(s) up to the next word boundary
  }
}

function readBye(packet: Buffer, count: number): { ssrcs: number[]; reason?: string } {
  if (packet.length < 4 + 4 * count) throw rtcpError('BYE shorter than its source count');
  const ssrcs: number[] = [];
  for (let i = 0; i < count; i++) ssrcs.push(packet.readUInt32BE(4 + 4 * i));
  const at = 4 + 4 * count;
  if (at < packet.length) {
    const len = packet[at]!;
    if (at + 1 + len > packet.length) throw rtcpError('BYE reason overruns the packet');
    return { ssrcs, reason: packet.toString('utf8', at + 1, at + 1 + len) };
  }
  return { ssrcs };
}

/**
 * Round-trip time from a report block about our stream (RFC 3550 §6.4.1): A − LSR − DLSR with
 * A the report's arrival as NTP middle 32 bits. Undefined when the peer has no SR from us yet.
 */
export function roundTripMs(block: RtcpReportBlock, arrivalNtpMiddle32: number): number | undefined {
  if (block.lsr === 0) return undefined;
  const units = (arrivalNtpMiddle32 - block.lsr - block.dlsr) >>> 0;
  if (units > 0x80000000) return 0; // negative by clock granularity
  return (units * 1000) / 65536;
}

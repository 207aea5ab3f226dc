/**
 * Per-packet cost of building and parsing an RTP header: voiceload's writer + reader (into reused
 * buffers/objects) against werift-rtp's RtpPacket.serialize / RtpPacket.deSerialize.
 * Run: node --import tsx bench/rtp-header.ts [packets]
 * Prints ns/packet for both and the ratio; it asserts nothing.
 */
import { RtpHeader, RtpPacket } from 'werift-rtp';
import { RTP_HEADER_SIZE, RtpHeaderWriter, emptyRtpHeaderFields, readRtpHeaderInto } from '../src/media/rtpHeaderWriter.js';

const packets = Number(process.argv[2] ?? 200_000);
const payload = Buffer.alloc(160, 0xff);

function ours(n: number): { nsPerPacket: number; sink: number } {
  const buf = Buffer.alloc(RTP_HEADER_SIZE + payload.length);
  payload.copy(buf, RTP_HEADER_SIZE);
  const writer = new RtpHeaderWriter(0, 0x12345678);
  const fields = emptyRtpHeaderFields();
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    writer.write(buf, i & 0xffff, (i * 160) >>> 0, (i & 63) === 0);
    if (readRtpHeaderInto(buf, fields) === null) sink += fields.sequenceNumber + fields.payloadLength;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  return { nsPerPacket: ns / n, sink };
}

function werift(n: number): { nsPerPacket: number; sink: number } {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const header = new RtpHeader({
      payloadType: 0,
      sequenceNumber: i & 0xffff,
      timestamp: (i * 160) >>> 0,
      ssrc: 0x12345678,
      marker: (i & 63) === 0,
    });
    const raw = new RtpPacket(header, payload).serialize();
    const back = RtpPacket.deSerialize(raw);
    sink += back.header.sequenceNumber + back.payload.length;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  return { nsPerPacket: ns / n, sink };
}

// Warm up both paths so the JIT has compiled them before timing.
ours(Math.min(packets, 20_000));
werift(Math.min(packets, 20_000));
const a = ours(packets);
const b = werift(packets);
console.log(`rtp-header: ${packets} packets (write + parse, 12-byte header + 160-byte payload)`);
console.log(`  voiceload writer+reader : ${a.nsPerPacket.toFixed(1)} ns/packet`);
console.log(`  werift-rtp serialize+deSerialize : ${b.nsPerPacket.toFixed(1)} ns/packet`);
console.log(`  ratio werift/voiceload : ${(b.nsPerPacket / a.nsPerPacket).toFixed(1)}x   (checksum ${(a.sink + b.sink) % 1000})`);

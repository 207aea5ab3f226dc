import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RtcpPacketConverter,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSenderInfo,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
} from 'werift-rtp';
import {
  buildRtcpCompound,
  ntpFromUnixMs,
  ntpMiddle32,
  parseRtcpCompound,
  roundTripMs,
  serializeBye,
  serializeSdesCname,
} from '../../src/media/rtcp.js';

const NTP_1970 = 2208988800n;

test('NTP conversion: seconds since 1900 and a 32-bit fraction; LSR is the middle 32 bits', () => {
  assert.equal(ntpFromUnixMs(0), NTP_1970 << 32n);
  const t = ntpFromUnixMs(1500);
  assert.equal(t >> 32n, NTP_1970 + 1n);
  assert.equal(t & 0xffffffffn, 1n << 31n);
  assert.equal(ntpMiddle32(t), Number(((NTP_1970 + 1n) & 0xffffn) << 16n) + 0x8000);
});

test('an SR with a reception block and CNAME round-trips through werift-rtp', () => {
  const ntp = ntpFromUnixMs(1_700_000_000_123.25);
  const lastSr = { ssrc: 0x2222, ntpMiddle32: 0x12345678, arrivalMs: 1000 };
  const raw = buildRtcpCompound({
    ssrc: 0x1111,
    cname: 'voiceload-call-7',
    sender: { ntpTimestamp: ntp, rtpTimestamp: 0xfffffff0, packetCount: 250, octetCount: 40000 },
    reception: { ssrc: 0x2222, fractionLost: 25, cumulativeLost: 10, extendedHighestSequence: 65536 + 12, jitter: 37 },
    lastSenderReport: lastSr,
    nowMs: 1500,
  });
  const theirs = RtcpPacketConverter.deSerialize(raw);
  assert.equal(theirs.length, 2);
  const sr = theirs[0];
  assert.ok(sr instanceof RtcpSrPacket);
  assert.equal(sr.ssrc, 0x1111);
  assert.equal(sr.senderInfo.ntpTimestamp, ntp);
  assert.equal(sr.senderInfo.rtpTimestamp, 0xfffffff0);
  assert.equal(sr.senderInfo.packetCount, 250);
  assert.equal(sr.senderInfo.octetCount, 40000);
  assert.deepEqual(sr.reports[0]?.toJSON(), {
    ssrc: 0x2222,
    fractionLost: 25,
    packetsLost: 10,
    highestSequence: 65536 + 12,
    jitter: 37,
    lsr: 0x12345678,
    dlsr: ((1500 - 1000) / 1000) * 65536, // 0.5 s in 1/65536 s
  });
  const sdes = theirs[1];
  assert.ok(sdes instanceof RtcpSourceDescriptionPacket);
  assert.equal(sdes.chunks[0]?.source, 0x1111);
  assert.equal(sdes.chunks[0]?.items[0]?.text, 'voiceload-call-7');

  // And our own parser reads back what we wrote.
  const ours = parseRtcpCompound(raw);
  assert.equal(ours.senderReports.length, 1);
  assert.equal(ours.senderReports[0]?.ntpMiddle32, ntpMiddle32(ntp));
  assert.deepEqual(ours.cnames, [{ ssrc: 0x1111, cname: 'voiceload-call-7' }]);
});

test('an RR without sender info, negative cumulative loss, LSR only for the SR source', () => {
  const raw = buildRtcpCompound({
    ssrc: 7,
    cname: 'x',
    reception: { ssrc: 0x3333, fractionLost: 0, cumulativeLost: -1, extendedHighestSequence: 5, jitter: 0 },
    lastSenderReport: { ssrc: 0x9999, ntpMiddle32: 42, arrivalMs: 0 },
    nowMs: 10,
  });
  const rr = RtcpPacketConverter.deSerialize(raw)[0];
  assert.ok(rr instanceof RtcpRrPacket);
  assert.equal(rr.reports[0]?.packetsLost, 0xffffff, 'two’s complement on the wire');
  const ours = parseRtcpCompound(raw);
  assert.deepEqual(ours.receiverReports, [
    {
      ssrc: 7,
      reports: [{ ssrc: 0x3333, fractionLost: 0, cumulativeLost: -1, extendedHighestSequence: 5, jitter: 0, lsr: 0, dlsr: 0 }],
    },
  ]);
});

test('werift-built SR and RR plus our BYE parse to the same fields', () => {
  const block = new RtcpReceiverInfo({ ssrc: 5, fractionLost: 3, packetsLost: 77, highestSequence: 1234, jitter: 9, lsr: 11, dlsr: 22 });
  const sr = new RtcpSrPacket({
    ssrc: 1,
    senderInfo: new RtcpSenderInfo({ ntpTimestamp: 0x0102030405060708n, rtpTimestamp: 99, packetCount: 3, octetCount: 480 }),
    reports: [block],
  }).serialize();
  const rr = new RtcpRrPacket({ ssrc: 2, reports: [block, block] }).serialize();
  const bye = serializeBye([1, 2], 'call ended');
  const parsed = parseRtcpCompound(Buffer.concat([sr, rr, bye]));
  const expectedBlock = { ssrc: 5, fractionLost: 3, cumulativeLost: 77, extendedHighestSequence: 1234, jitter: 9, lsr: 11, dlsr: 22 };
  assert.deepEqual(parsed.senderReports, [
    {
      ssrc: 1,
      ntpTimestamp: 0x0102030405060708n,
      ntpMiddle32: 0x03040506,
      rtpTimestamp: 99,
      packetCount: 3,
      octetCount: 480,
      reports: [expectedBlock],
    },
  ]);
  assert.deepEqual(parsed.receiverReports, [{ ssrc: 2, reports: [expectedBlock, expectedBlock] }]);
  assert.deepEqual(parsed.byes, [{ ssrcs: [1, 2], reason: 'call ended' }]);
  assert.equal(parsed.otherPackets, 0);
});

test('a report with a BYE appended; BYE without reason', () => {
  const raw = buildRtcpCompound({ ssrc: 0xfeedface, cname: 'c', nowMs: 0, bye: {} });
  const parsed = parseRtcpCompound(raw);
  assert.deepEqual(parsed.byes, [{ ssrcs: [0xfeedface] }]);
  assert.equal(parsed.receiverReports[0]?.reports.length, 0);
});

test('SDES CNAME always ends with a null item and pads to a word boundary', () => {
  for (let n = 0; n < 10; n++) {
    const cname = 'a'.repeat(n);
    const raw = serializeSdesCname(1, cname);
    assert.equal(raw.length % 4, 0);
    assert.equal(raw.readUInt16BE(2), raw.length / 4 - 1);
    assert.equal(raw[10 + n], 0, `null terminator after a ${n}-byte CNAME`);
    assert.deepEqual(parseRtcpCompound(raw).cnames, [{ ssrc: 1, cname }]);
  }
});

test('round-trip time from LSR and DLSR', () => {
  const lsr = 0x10000000;
  const dlsr = 65536 / 2; // the peer held our SR for 0.5 s
  const arrival = lsr + dlsr + 0.125 * 65536; // 125 ms on the wire in total
  const block = { ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0, jitter: 0, lsr, dlsr };
  assert.ok(Math.abs(roundTripMs(block, arrival)! - 125) < 1e-9);
  assert.equal(roundTripMs({ ...block, lsr: 0 }, arrival), undefined);
});

test('malformed RTCP is rejected with RTP_PARSE', () => {
  const good = buildRtcpCompound({ ssrc: 1, cname: 'c', nowMs: 0 });
  const v1 = Buffer.from(good);
  v1[0] = (v1[0]! & 0x3f) | 0x40;
  const longLength = Buffer.from(good);
  longLength.writeUInt16BE(200, 2);
  const badCount = Buffer.from(good);
  badCount[0] = badCount[0]! | 0x03; // RR claims 3 report blocks in 8 bytes
  for (const raw of [good.subarray(0, 3), v1, longLength, badCount, Buffer.concat([good, Buffer.from([0x80])])]) {
    assert.throws(() => parseRtcpCompound(raw), { name: 'VoiceloadError', code: 'RTP_PARSE' });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpHeader, RtpPacket, ExtensionProfiles } from 'werift-rtp';
import {
  RTP_HEADER_SIZE,
  RtpHeaderWriter,
  emptyRtpHeaderFields,
  parseRtpHeader,
  readRtpHeaderInto,
} from '../../src/media/rtpHeaderWriter.js';

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('writer produces the same bytes as werift-rtp RtpHeader.serialize for the same fields', () => {
  const rnd = prng(1);
  const edge = [
    { payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, marker: false },
    { payloadType: 127, sequenceNumber: 65535, timestamp: 0xffffffff, ssrc: 0xffffffff, marker: true },
  ];
  const cases = [...edge];
  for (let i = 0; i < 1000; i++) {
    cases.push({
      payloadType: Math.floor(rnd() * 128),
      sequenceNumber: Math.floor(rnd() * 65536),
      timestamp: Math.floor(rnd() * 2 ** 32),
      ssrc: Math.floor(rnd() * 2 ** 32),
      marker: rnd() < 0.5,
    });
  }
  const buf = Buffer.alloc(RTP_HEADER_SIZE + 160);
  for (const c of cases) {
    const w = new RtpHeaderWriter(c.payloadType, c.ssrc);
    assert.equal(w.write(buf, c.sequenceNumber, c.timestamp, c.marker), RTP_HEADER_SIZE);
    const theirs = new RtpHeader(c).serialize(RTP_HEADER_SIZE);
    assert.deepEqual(buf.subarray(0, RTP_HEADER_SIZE), theirs, JSON.stringify(c));
    // And back through werift's parser: same fields.
    const parsed = RtpHeader.deSerialize(buf);
    assert.equal(parsed.version, 2);
    assert.equal(parsed.payloadType, c.payloadType);
    assert.equal(parsed.sequenceNumber, c.sequenceNumber);
    assert.equal(parsed.timestamp, c.timestamp);
    assert.equal(parsed.ssrc, c.ssrc);
    assert.equal(parsed.marker, c.marker);
  }
});

function assertSameAsWerift(raw: Buffer): void {
  const theirs = RtpPacket.deSerialize(raw);
  const ours = parseRtpHeader(raw);
  const h = theirs.header;
  assert.equal(ours.version, h.version);
  assert.equal(ours.padding, h.padding);
  assert.equal(ours.extension, h.extension);
  assert.equal(ours.csrcCount, h.csrcLength);
  assert.equal(ours.marker, h.marker);
  assert.equal(ours.payloadType, h.payloadType);
  assert.equal(ours.sequenceNumber, h.sequenceNumber);
  assert.equal(ours.timestamp, h.timestamp);
  assert.equal(ours.ssrc, h.ssrc);
  assert.equal(ours.payloadOffset, h.payloadOffset);
  assert.equal(ours.payloadLength, theirs.payload.length);
  assert.deepEqual(raw.subarray(ours.payloadOffset, ours.payloadOffset + ours.payloadLength), theirs.payload);
}

test('parser agrees with werift-rtp on packets with CSRCs, extensions and padding', () => {
  const payload = Buffer.from(Array.from({ length: 160 }, (_, i) => i & 0xff));
  const base = { payloadType: 8, sequenceNumber: 4242, timestamp: 123456789, ssrc: 0xdeadbeef, marker: true };
  const headers = [
    new RtpHeader(base),
    new RtpHeader({ ...base, csrc: [1, 0xffffffff, 77] }),
    new RtpHeader({ ...base, extensionProfile: ExtensionProfiles.OneByte, extensions: [{ id: 3, payload: Buffer.from([1, 2, 3]) }] }),
    new RtpHeader({
      ...base,
      csrc: [9],
      extensionProfile: ExtensionProfiles.TwoByte,
      extensions: [
        { id: 5, payload: Buffer.from([7, 7, 7, 7, 7]) },
        { id: 6, payload: Buffer.from([1]) },
      ],
    }),
    new RtpHeader({ ...base, padding: true, paddingSize: 4 }),
    new RtpHeader({ ...base, csrc: [1, 2], padding: true, paddingSize: 7, extensions: [{ id: 1, payload: Buffer.from([0xaa]) }] }),
  ];
  for (const h of headers) assertSameAsWerift(new RtpPacket(h, payload).serialize());
});

test('write then read round trip with the reusable reader', () => {
  const buf = Buffer.alloc(RTP_HEADER_SIZE + 160);
  const w = new RtpHeaderWriter(0, 0x01020304);
  w.write(buf, 65535, 0xfffffff0, false);
  const out = emptyRtpHeaderFields();
  assert.equal(readRtpHeaderInto(buf, out), null);
  assert.deepEqual(out, {
    version: 2,
    padding: false,
    extension: false,
    csrcCount: 0,
    marker: false,
    payloadType: 0,
    sequenceNumber: 65535,
    timestamp: 0xfffffff0,
    ssrc: 0x01020304,
    payloadOffset: 12,
    payloadLength: 160,
  });
});

test('malformed packets are rejected with RTP_PARSE', () => {
  const good = new RtpPacket(new RtpHeader({ payloadType: 0 }), Buffer.alloc(20)).serialize();
  const bad: Array<[string, Buffer]> = [];
  bad.push(['short', good.subarray(0, 11)]);
  const v1 = Buffer.from(good);
  v1[0] = (v1[0]! & 0x3f) | 0x40;
  bad.push(['version 1', v1]);
  const csrc = Buffer.from(good);
  csrc[0] = csrc[0]! | 0x0f; // 15 CSRCs = 60 bytes > 20 available
  bad.push(['csrc overrun', csrc]);
  const ext = Buffer.from(good);
  ext[0] = ext[0]! | 0x10;
  ext[14] = 0xff; // extension length 0xff.. words
  bad.push(['extension overrun', ext]);
  const pad0 = Buffer.from(good);
  pad0[0] = pad0[0]! | 0x20;
  pad0[pad0.length - 1] = 0;
  bad.push(['zero padding', pad0]);
  const padBig = Buffer.from(pad0);
  padBig[padBig.length - 1] = 21;
  bad.push(['padding overrun', padBig]);
  for (const [name, raw] of bad) {
    assert.throws(() => parseRtpHeader(raw), { name: 'VoiceloadError', code: 'RTP_PARSE' }, name);
    assert.notEqual(readRtpHeaderInto(raw, emptyRtpHeaderFields()), null, name);
  }
  // Padding that exactly consumes the payload is valid (an all-padding packet).
  const padAll = Buffer.from(pad0);
  padAll[padAll.length - 1] = 20;
  assert.equal(parseRtpHeader(padAll).payloadLength, 0);
});

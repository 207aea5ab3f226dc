import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPcapRtp } from '../../src/sipp/pcapAudio.js';

/** An RTP packet (version 2, PT 0) with a recognisable payload. */
function rtp(seq: number): Buffer {
  const b = Buffer.alloc(12 + 160, seq & 0xff);
  b[0] = 0x80;
  b[1] = 0;
  b.writeUInt16BE(seq, 2);
  return b;
}

/** Ethernet + IPv4 + UDP around a payload, as a capture holds it. */
function ethernetFrame(payload: Buffer): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(6000, 0);
  udp.writeUInt16BE(6002, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  return Buffer.concat([eth, ip, udp, payload]);
}

function pcap(records: { atUs: number; frame: Buffer }[], littleEndian: boolean): Buffer {
  const w32 = (b: Buffer, v: number, o: number): void => void (littleEndian ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const head = Buffer.alloc(24);
  w32(head, 0xa1b2c3d4, 0);
  (littleEndian ? head.writeUInt16LE.bind(head) : head.writeUInt16BE.bind(head))(2, 4);
  (littleEndian ? head.writeUInt16LE.bind(head) : head.writeUInt16BE.bind(head))(4, 6);
  w32(head, 65535, 16);
  w32(head, 1, 20);
  const parts: Buffer[] = [head];
  for (const r of records) {
    const h = Buffer.alloc(16);
    w32(h, Math.floor(r.atUs / 1e6), 0);
    w32(h, r.atUs % 1e6, 4);
    w32(h, r.frame.length, 8);
    w32(h, r.frame.length, 12);
    parts.push(h, r.frame);
  }
  return Buffer.concat(parts);
}

test('readPcapRtp: the UDP payloads of RTP packets with their capture offsets, both byte orders; non-RTP skipped', () => {
  const start = 1_700_000_000_000_000;
  const packets = [0, 1, 2].map((i) => ({ atUs: start + i * 20_000, frame: ethernetFrame(rtp(100 + i)) }));
  const notRtp = { atUs: start + 30_000, frame: ethernetFrame(Buffer.from('hello, not rtp')) };
  for (const le of [true, false]) {
    const out = readPcapRtp(pcap([packets[0]!, notRtp, packets[1]!, packets[2]!], le));
    assert.equal(out.length, 3);
    assert.deepEqual(out.map((p) => p.offsetMs), packets.map((p) => (p.atUs - start) / 1000));
    out.forEach((p, i) => assert.ok(p.payload.equals(rtp(100 + i))));
  }
});

test('readPcapRtp: a file that is not a classic pcap is an AUDIO_FORMAT error', () => {
  assert.throws(() => readPcapRtp(Buffer.from('0a0d0d0a00000000000000000000000000000000000000', 'hex'), 'x.pcapng'), (e: Error & { code?: string }) => e.code === 'AUDIO_FORMAT' && /pcapng/.test(e.message));
});

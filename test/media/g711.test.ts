import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codecFor } from '../../src/media/g711.js';

function sine(n: number, amplitude: number, hz: number, rate = 8000): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

function snrDb(ref: Int16Array, got: Int16Array): number {
  let s = 0;
  let e = 0;
  for (let i = 0; i < ref.length; i++) {
    s += ref[i]! * ref[i]!;
    e += (ref[i]! - got[i]!) ** 2;
  }
  return 10 * Math.log10(s / e);
}

test('codecFor gives the RFC 3551 static payload types and an 8 kHz clock', () => {
  const u = codecFor('PCMU');
  const a = codecFor('PCMA');
  assert.equal(u.payloadType, 0);
  assert.equal(a.payloadType, 8);
  assert.equal(u.clockRate, 8000);
  assert.equal(a.clockRate, 8000);
  assert.throws(() => codecFor('G722' as 'PCMU'), { code: 'AUDIO_FORMAT' });
});

test('G.711 reference code points (ITU-T G.711 tables)', () => {
  const u = codecFor('PCMU');
  const a = codecFor('PCMA');
  // μ-law: 0xFF is +0, 0x7F is −0, 0x80 is the positive full-scale code (8159 in 14-bit = 32124).
  assert.deepEqual([...u.decode(Uint8Array.of(0xff, 0x7f, 0x80, 0x00))], [0, 0, 32124, -32124]);
  assert.deepEqual([...u.encode(Int16Array.of(0))], [0xff]);
  // A-law: 0xD5 is the smallest positive level (+1 in 13-bit = 8 in 16-bit), 0x55 the smallest negative,
  // 0xAA the positive full-scale code (4032 in 13-bit = 32256).
  assert.deepEqual([...a.decode(Uint8Array.of(0xd5, 0x55, 0xaa))], [8, -8, 32256]);
  assert.deepEqual([...a.encode(Int16Array.of(8, 0))], [0xd5, 0xd5]);
});

test('every code decodes to a value that encodes back to the same code', () => {
  for (const name of ['PCMU', 'PCMA'] as const) {
    const c = codecFor(name);
    const all = new Uint8Array(256).map((_, i) => i);
    const back = c.encode(c.decode(all));
    for (let b = 0; b < 256; b++) {
      if (name === 'PCMU' && b === 0x7f) continue; // −0 decodes to 0, which encodes as +0 (0xFF)
      assert.equal(back[b], b, `${name} code 0x${b.toString(16)}`);
    }
  }
});

test('sine round trip stays within G.711 quantisation error', () => {
  for (const amplitude of [300, 3000, 20000, 32000]) {
    const pcm = sine(800, amplitude, 1000 / 3);
    for (const name of ['PCMU', 'PCMA'] as const) {
      const c = codecFor(name);
      const back = c.decode(c.encode(pcm));
      for (let i = 0; i < pcm.length; i++) {
        const x = Math.abs(pcm[i]!);
        // Step size of the segment holding |x|: μ-law 2^(floor(log2(|x|+132)) − 4) ≤ (|x|+132)/16;
        // A-law 16 in the two lowest segments, else ≤ |x|/16. Error is below one step.
        const bound = name === 'PCMU' ? (x + 132) / 16 : Math.max(16, x / 16);
        assert.ok(Math.abs(back[i]! - pcm[i]!) <= bound, `${name} A=${amplitude} i=${i}: ${pcm[i]} → ${back[i]}`);
      }
      // G.711's SQNR for a loud sine is about 38 dB; a broken law would be far below.
      if (amplitude >= 3000) assert.ok(snrDb(pcm, back) > 30, `${name} A=${amplitude} SNR ${snrDb(pcm, back)}`);
    }
  }
});

test('encodeInto / decodeInto write at offsets without allocating new frames', () => {
  const c = codecFor('PCMU');
  const pcm = sine(160, 10000, 440);
  const packet = new Uint8Array(12 + 160);
  assert.equal(c.encodeInto(pcm, packet, 12), 160);
  assert.deepEqual(packet.subarray(12), c.encode(pcm));
  const out = new Int16Array(160);
  assert.equal(c.decodeInto(packet, 12, 160, out), 160);
  assert.deepEqual(out, c.decode(c.encode(pcm)));
  // A short output buffer bounds the write.
  assert.equal(c.decodeInto(packet, 12, 160, new Int16Array(10)), 10);
});

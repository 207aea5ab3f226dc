import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSipMessage } from '../../src/sip/parse.js';
import { serializeSipMessage } from '../../src/sip/serialize.js';
import { StreamFramer } from '../../src/sip/streamFramer.js';
import { SipParseError } from '../../src/sip/sipErrors.js';
import type { SipMessage } from '../../src/sip/message.js';
import { FIXTURES, readFixture } from './fixtures.js';
import { readTorture, tortureFiles } from './rfc4475Corpus.js';

/** mulberry32: a tiny seeded generator so every run mutates the same way. */
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

const INTERESTING = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x3a, 0x3b, 0x3c, 0x3e, 0x40, 0x5c, 0x25, 0x2d, 0x30, 0x39, 0xff];

function mutate(src: Buffer, rnd: () => number): Buffer {
  let b = Buffer.from(src);
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n && b.length > 0; k++) {
    const at = Math.floor(rnd() * b.length);
    const byte = rnd() < 0.5 ? (INTERESTING[Math.floor(rnd() * INTERESTING.length)] ?? 0) : Math.floor(rnd() * 256);
    switch (Math.floor(rnd() * 6)) {
      case 0: b[at] = byte; break;
      case 1: b = Buffer.concat([b.subarray(0, at), Buffer.from([byte]), b.subarray(at)]); break;
      case 2: b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]); break;
      case 3: b = b.subarray(0, at); break;
      case 4: b = Buffer.concat([b.subarray(0, at), Buffer.from('\r\n'), b.subarray(at)]); break;
      default: {
        const len = Math.floor(rnd() * 40);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
      }
    }
  }
  return b;
}

function tryParse(buf: Buffer, datagram: boolean): SipMessage | undefined {
  try {
    return parseSipMessage(buf, { datagram });
  } catch (e) {
    assert.ok(e instanceof SipParseError, `untyped error ${String(e)} on ${JSON.stringify(buf.toString('latin1'))}`);
    // The parser wraps unexpected exceptions as 'unparseable message': none may occur.
    assert.ok(!e.message.startsWith('unparseable message'), e.message);
    return undefined;
  }
}

const withoutLength = (m: SipMessage): SipMessage => ({ ...m, headers: m.headers.filter((h) => h.name !== 'Content-Length') });

test('2,000 seeded mutations of torture and fixture messages: typed errors only, accepted ones re-serialize', () => {
  const seeds = [
    ...FIXTURES.map(readFixture),
    ...tortureFiles('valid').map((f) => readTorture('valid', f)),
    ...tortureFiles('invalid').map((f) => readTorture('invalid', f)),
  ];
  const rnd = prng(4475);
  let accepted = 0;
  for (let i = 0; i < 2000; i++) {
    const input = mutate(seeds[Math.floor(rnd() * seeds.length)] ?? Buffer.alloc(0), rnd);
    const m = tryParse(input, true);
    tryParse(input, false);
    const framer = new StreamFramer({ onMessage: (x) => tryParse(x, false), onError: (e) => assert.equal(e.code, 'SIP_FRAMING') });
    framer.push(input);
    if (m !== undefined) {
      accepted++;
      // Whatever the parser accepts, the serializer can write and the parser reads back the same message.
      const again = parseSipMessage(serializeSipMessage(m));
      assert.deepEqual(withoutLength(again), withoutLength(m));
    }
  }
  assert.ok(accepted > 100, `only ${accepted} mutations parsed: the mutations are too destructive to test round trips`);
});

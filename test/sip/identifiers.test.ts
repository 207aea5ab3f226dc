import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateBranch, generateCallId, generateTag } from '../../src/sip/identifiers.js';
import { isToken } from '../../src/sip/sipChars.js';

/** Deterministic byte source: 0, 1, 2, ... so expected strings follow from the hex encoding. */
function counting(): (n: number) => Buffer {
  let next = 0;
  return (n) => Buffer.from(Array.from({ length: n }, () => next++ & 0xff));
}

test('identifiers come from the injected random source', () => {
  const bytes = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(generateBranch(counting()), 'z9hG4bK' + bytes.toString('hex'));
  assert.equal(generateTag(counting()), bytes.subarray(0, 8).toString('hex'));
  assert.equal(generateCallId('10.0.0.1', counting()), Buffer.from(Array.from({ length: 16 }, (_, i) => i)).toString('hex') + '@10.0.0.1');
});

test('default source: magic cookie, token characters, no repeats', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const b = generateBranch();
    assert.ok(b.startsWith('z9hG4bK') && b.length > 7 + 16 && isToken(b));
    seen.add(b);
  }
  assert.equal(seen.size, 1000);
  assert.ok(isToken(generateTag()));
  assert.match(generateCallId('host.example'), /^[0-9a-f]{32}@host\.example$/);
});

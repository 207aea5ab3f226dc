import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProgress } from '../../src/results/formatProgress.js';

test('the progress line of the issue, from its snapshot', () => {
  const line = formatProgress({
    elapsedMs: 42_000,
    totalMs: 300_000,
    activeCalls: 120,
    callsPerSec: 9.8,
    answered: 410,
    failed: 3,
    failedByReason: { sip_503: 1, no_reply: 2 },
    ttfaP50Ms: 820,
    ttfaP95Ms: 1410,
  });
  // The example line of the brief for issue 5, verbatim.
  assert.equal(line, 'elapsed 00:42 / 05:00 | active 120 | 9.8 calls/s | answered 410 | failed 3 (no_reply 2, sip_503 1) | ttfa p50 820 ms p95 1410 ms');
});

test('top three reasons, drops when any, no ttfa yet, open-ended runs over an hour', () => {
  const line = formatProgress({
    elapsedMs: 3_725_000,
    activeCalls: 0,
    callsPerSec: 0,
    answered: 0,
    failed: 10,
    failedByReason: { a: 1, b: 4, c: 2, d: 3 },
    dropped: 5,
    ttfaP50Ms: null,
    ttfaP95Ms: null,
  });
  assert.match(line, /^elapsed 1:02:05 \| /);
  assert.match(line, /failed 10 \(b 4, d 3, c 2, \+1 more\)/);
  assert.match(line, /dropped 5/);
  assert.match(line, /ttfa —$/);
});

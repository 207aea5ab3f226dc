import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProgress } from '../../src/results/formatProgress.js';
import { progressSnapshot } from '../../src/results/progressSnapshot.js';
import { Timeline } from '../../src/results/timeline.js';
import { RunCounters } from '../../src/results/runCounters.js';
import { callRecord } from './callRecordFixture.js';

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

test('progressSnapshot takes rate, active calls and TTFA from the last closed interval and totals from the counts', () => {
  const tl = new Timeline({ intervalMs: 500 });
  const counters = new RunCounters();
  const records = [
    callRecord({ callNumber: 1, startedAtMs: 10, answeredAtMs: 100, endedAtMs: 400, ttfaMs: [300], detail: null }),
    callRecord({ callNumber: 2, startedAtMs: 20, answeredAtMs: null, endedAtMs: 450, outcome: 'failed', reason: 'sip_503', ttfaMs: [] }),
    callRecord({ callNumber: 3, startedAtMs: 30, answeredAtMs: 200, endedAtMs: 900, ttfaMs: [], detail: null }),
  ];
  for (const r of records) (tl.addCall(r), counters.recordCall(r));
  const last = tl.closeUpTo(500).at(-1)!;
  const s = progressSnapshot({ elapsedMs: 500, totalMs: 10_000, lastRow: last, counts: counters.snapshot() });
  assert.equal(s.callsPerSec, last.started / 0.5);
  assert.equal(s.activeCalls, last.activeCalls);
  assert.equal(s.ttfaP50Ms, last.ttfaMs.p50);
  assert.equal(s.failed, 1);
  assert.deepEqual(s.failedByReason, { sip_503: 1 });
  assert.match(formatProgress(s), /^elapsed 00:00 \/ 00:10 \| active 1 \| 6\.0 calls\/s/);
  const none = progressSnapshot({ elapsedMs: 0, lastRow: undefined, counts: new RunCounters().snapshot() });
  assert.equal(none.callsPerSec, 0);
  assert.equal(none.ttfaP95Ms, null);
});

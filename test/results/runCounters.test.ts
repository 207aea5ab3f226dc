import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunCounters } from '../../src/results/runCounters.js';
import type { CallRecord } from '../../src/load/loadTypes.js';
import { callRecord } from './callRecordFixture.js';

const records: CallRecord[] = [
  callRecord({ callNumber: 1 }),
  callRecord({ callNumber: 2, ttfaMs: [null, 500, null] }),
  callRecord({ callNumber: 3, outcome: 'failed', reason: 'sip_503', answeredAtMs: null, ttfaMs: [] }),
  callRecord({ callNumber: 4, outcome: 'failed', reason: 'no_reply', ttfaMs: [null] }),
  callRecord({ callNumber: 5, outcome: 'failed', reason: 'sip_503', answeredAtMs: null, ttfaMs: [] }),
];

test('counts calls, reasons, turns and drops; ratios from the counts', () => {
  const c = new RunCounters();
  for (const r of records) c.recordCall(r);
  c.recordDrop({ shard: 0, intendedStartAtMs: 10 });
  const s = c.snapshot();
  const failed = records.filter((r) => r.outcome === 'failed');
  const answered = records.filter((r) => r.answeredAtMs !== null).length;
  assert.equal(s.callsAttempted, records.length);
  assert.equal(s.callsAnswered, answered);
  assert.equal(s.callsCompleted, records.length - failed.length);
  assert.equal(s.callsFailed, failed.length);
  assert.deepEqual(s.failedByReason, { no_reply: 1, sip_503: 2 });
  assert.equal(s.callsDropped, 1);
  assert.equal(s.turns, records.reduce((n, r) => n + r.ttfaMs.length, 0));
  assert.equal(s.turnsNoReply, records.reduce((n, r) => n + r.ttfaMs.filter((t) => t === null).length, 0));
  assert.equal(s.failureRate, failed.length / records.length);
  assert.equal(s.answerSeizureRatio, answered / records.length);
});

test('an empty run has null ratios (not 0, which would pass a threshold)', () => {
  const s = new RunCounters().snapshot();
  assert.equal(s.failureRate, null);
  assert.equal(s.answerSeizureRatio, null);
  assert.equal(s.callsAttempted, 0);
});

test('merging shards equals counting everything in one', () => {
  const a = new RunCounters();
  const b = new RunCounters();
  const all = new RunCounters();
  records.forEach((r, i) => ((i % 2 === 0 ? a : b).recordCall(r), all.recordCall(r)));
  b.recordDrop({ shard: 1, intendedStartAtMs: 5 });
  all.recordDrop({ shard: 1, intendedStartAtMs: 5 });
  a.add(b);
  assert.deepEqual(a.snapshot(), all.snapshot());
});

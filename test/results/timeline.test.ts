import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Timeline } from '../../src/results/timeline.js';
import { nearestRank } from '../../src/results/nearestRank.js';
import { turnOnsets } from '../../src/results/turnOnsets.js';
import type { CallRecord, ShardEvent } from '../../src/load/loadTypes.js';
import { createRng } from '../../src/core/rng.js';
import type { Rng } from '../../src/core/rng.js';
import { callRecord } from './callRecordFixture.js';

const INTERVAL = 1000;

/** A call with known reply onsets: detail is CallResult-shaped on a clock offset by `clockOffset`. */
function randomCall(rng: Rng, callNumber: number, shard: number): { record: CallRecord; onsets: number[] } {
  const startedAtMs = rng() * 8000;
  const answered = rng() < 0.8;
  const inviteToAnswerMs = 100 + rng() * 900;
  const answeredAtMs = answered ? startedAtMs + inviteToAnswerMs : null;
  const clockOffset = 50_000 + rng() * 1000;
  const turns: { speechEndSentAtMs: number; ttfaMs: number | null }[] = [];
  const onsets: number[] = [];
  let t = (answeredAtMs ?? startedAtMs) + 500;
  if (answered) {
    for (let i = 0; i < 3; i++) {
      t += 800 + rng() * 1000;
      const ttfa = rng() < 0.9 ? 300 + rng() * 1500 : null;
      turns.push({ speechEndSentAtMs: t + clockOffset, ttfaMs: ttfa });
      if (ttfa !== null) onsets.push(t + ttfa);
      t += (ttfa ?? 0) + 1000;
    }
  }
  const endedAtMs = t + rng() * 500;
  const failed = !answered || rng() < 0.1;
  const record = callRecord({
    callNumber,
    shard,
    startedAtMs,
    intendedStartAtMs: startedAtMs,
    answeredAtMs,
    endedAtMs,
    outcome: failed ? 'failed' : 'completed',
    reason: failed ? (answered ? 'no_reply' : 'sip_503') : null,
    inviteToAnswerMs: answered ? inviteToAnswerMs : null,
    greetingTtfaMs: answered ? 200 + rng() * 800 : null,
    ttfaMs: turns.map((x) => x.ttfaMs),
    detail: { turns, timeline: { endedAtMs: endedAtMs + clockOffset } },
  });
  return { record, onsets };
}

function eventsOf(r: CallRecord): ShardEvent[] {
  const ev: ShardEvent[] = [{ type: 'call_started', shard: r.shard, callNumber: r.callNumber, intendedStartAtMs: r.intendedStartAtMs, startedAtMs: r.startedAtMs }];
  if (r.answeredAtMs !== null) ev.push({ type: 'call_answered', shard: r.shard, callNumber: r.callNumber, atMs: r.answeredAtMs });
  ev.push({ type: 'call_ended', record: r });
  return ev;
}

/** Interleaves per-call event lists at random while keeping each call's own order. */
function interleave(rng: Rng, lists: ShardEvent[][]): ShardEvent[] {
  const queues = lists.map((l) => [...l]);
  const out: ShardEvent[] = [];
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    out.push(live[Math.floor(rng() * live.length)]!.shift()!);
  }
  return out;
}

const idx = (ms: number): number => Math.floor(ms / INTERVAL);

function scenario(seed: number) {
  const rng = createRng(seed);
  const calls = Array.from({ length: 150 }, (_, i) => randomCall(rng, i + 1, i % 2));
  const drops = Array.from({ length: 7 }, (_, i) => ({ shard: i % 2, intendedStartAtMs: rng() * 8000 }));
  return { rng, calls, drops };
}

test('rows agree with a brute-force count per interval', () => {
  const { rng, calls, drops } = scenario(11);
  const tl = new Timeline({ intervalMs: INTERVAL });
  for (const e of interleave(rng, [...calls.map((c) => eventsOf(c.record)), ...drops.map((d) => [{ type: 'call_dropped', drop: d } as ShardEvent])])) tl.onEvent(e);
  const rows = tl.rows();
  const lastIndex = Math.max(...calls.map((c) => idx(c.record.endedAtMs)), ...drops.map((d) => idx(d.intendedStartAtMs)));
  assert.equal(rows.length, lastIndex + 1);
  for (const row of rows) {
    const k = row.index;
    const recs = calls.map((c) => c.record);
    const at = (ms: number | null): boolean => ms !== null && idx(ms) === k;
    const endedHere = recs.filter((r) => at(r.endedAtMs));
    const reasons: Record<string, number> = {};
    for (const r of endedHere) if (r.outcome === 'failed') reasons[r.reason!] = (reasons[r.reason!] ?? 0) + 1;
    const ttfa = calls.flatMap((c) => c.onsets.map((o, i) => ({ o, v: c.record.ttfaMs.filter((x) => x !== null)[i]! }))).filter((s) => at(s.o)).map((s) => s.v).sort((a, b) => a - b);
    const greeting = recs.filter((r) => r.answeredAtMs !== null && at(r.answeredAtMs + r.greetingTtfaMs!)).map((r) => r.greetingTtfaMs!).sort((a, b) => a - b);
    const answer = recs.filter((r) => at(r.answeredAtMs)).map((r) => r.inviteToAnswerMs!).sort((a, b) => a - b);
    assert.equal(row.startMs, k * INTERVAL);
    assert.equal(row.endMs, (k + 1) * INTERVAL);
    assert.equal(row.activeCalls, recs.filter((r) => idx(r.startedAtMs) <= k && idx(r.endedAtMs) > k).length, `active ${k}`);
    assert.equal(row.started, recs.filter((r) => at(r.startedAtMs)).length);
    assert.equal(row.answered, recs.filter((r) => at(r.answeredAtMs)).length);
    assert.equal(row.completed, endedHere.filter((r) => r.outcome === 'completed').length);
    assert.equal(row.failed, endedHere.filter((r) => r.outcome === 'failed').length);
    assert.deepEqual(row.failedByReason, Object.fromEntries(Object.entries(reasons).sort()));
    assert.equal(row.dropped, drops.filter((d) => at(d.intendedStartAtMs)).length);
    for (const [got, want] of [[row.ttfaMs, ttfa], [row.greetingTtfaMs, greeting], [row.inviteToAnswerMs, answer]] as const) {
      assert.deepEqual(got, { count: want.length, p50: nearestRank(want, 50), p95: nearestRank(want, 95), p99: nearestRank(want, 99) });
    }
  }
  assert.equal(rows.reduce((n, r) => n + r.started, 0), calls.length);
  assert.equal(rows.at(-1)!.activeCalls, 0);
});

test('arrival order does not change the rows; records alone give the same rows as events', () => {
  const { rng, calls, drops } = scenario(12);
  const inOrder = new Timeline();
  for (const c of calls) for (const e of eventsOf(c.record)) inOrder.onEvent(e);
  for (const d of drops) inOrder.addDrop(d);
  const shuffled = new Timeline();
  for (const d of drops) shuffled.onEvent({ type: 'call_dropped', drop: d });
  for (const e of interleave(rng, calls.map((c) => eventsOf(c.record)))) shuffled.onEvent(e);
  const recordsOnly = new Timeline();
  for (const c of [...calls].reverse()) recordsOnly.addCall(c.record);
  for (const d of drops) recordsOnly.addDrop(d);
  assert.deepEqual(shuffled.rows(), inOrder.rows());
  assert.deepEqual(recordsOnly.rows(), inOrder.rows());
});

test('closeUpTo hands out each finished interval once; later data is counted as late but kept', () => {
  const tl = new Timeline({ intervalMs: 500 });
  const r = callRecord({ startedAtMs: 100, answeredAtMs: 300, endedAtMs: 1700, ttfaMs: [800], detail: null });
  tl.onEvent(eventsOf(r)[0]!);
  tl.onEvent(eventsOf(r)[1]!);
  const first = tl.closeUpTo(1200);
  assert.deepEqual(first.map((x) => [x.index, x.activeCalls, x.started, x.answered]), [[0, 1, 1, 1], [1, 1, 0, 0]]);
  assert.deepEqual(tl.closeUpTo(1400), []);
  tl.onEvent({ type: 'call_ended', record: r });
  assert.equal(tl.late, 1, 'the invite_to_answer sample belongs to closed interval 0');
  const next = tl.closeUpTo(2000);
  assert.deepEqual(next.map((x) => x.index), [2, 3]);
  assert.equal(next[1]!.completed, 1);
  assert.equal(next[1]!.ttfaMs.p50, 800, 'without detail the ttfa sample sits at the call end');
  assert.equal(tl.rows()[0]!.inviteToAnswerMs.count, 1);
});

test('turnOnsets maps turn onsets to run time from detail, else to the call end', () => {
  const { calls } = scenario(13);
  const c = calls.find((x) => x.onsets.length > 1)!;
  const got = turnOnsets(c.record);
  assert.equal(got.length, c.onsets.length);
  got.forEach((s, i) => assert.ok(Math.abs(s.atMs - c.onsets[i]!) < 1e-6, `onset ${i}`));
  const noDetail = turnOnsets({ ...c.record, detail: { sipp: true } });
  assert.ok(noDetail.every((s) => s.atMs === c.record.endedAtMs));
  const mismatched = turnOnsets({ ...c.record, ttfaMs: [...c.record.ttfaMs, 5] });
  assert.ok(mismatched.every((s) => s.atMs === c.record.endedAtMs));
});

test('an interval must be positive', () => {
  assert.throws(() => new Timeline({ intervalMs: 0 }), RangeError);
});

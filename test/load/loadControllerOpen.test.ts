import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/core/fakeClock.js';
import { LoadController } from '../../src/load/loadController.js';
import type { DropRecord, LoadPlan } from '../../src/load/loadTypes.js';
import { advance, fakeCalls, flush, LateClock } from './loadHarness.js';

const START_MS = 5_000; // the clock's origin is not the run's: records must use run time

function openPlan(ratePerSec: number, rest: Partial<LoadPlan> = {}): LoadPlan {
  return { model: { kind: 'open', arrivals: 'constant', ratePerSec }, concurrencyCap: Infinity, seed: 1, ...rest };
}

test('open model: arrivals beyond the cap are dropped (what the rate needs minus the cap room), never delayed', async () => {
  const clock = new FakeClock(START_MS);
  const { launch, calls } = fakeCalls(clock, undefined); // calls hold until stopped: the cap fills once
  const drops: DropRecord[] = [];
  const rate = 10;
  const durationMs = 10_000;
  const cap = 30;
  const c = new LoadController({ clock, plan: openPlan(rate, { concurrencyCap: cap, durationMs }), shard: 0, shards: 1, launch, onDrop: (d) => drops.push(d), toRunMs: (ms) => ms - START_MS });
  let done: { started: number; dropped: number } | undefined;
  void c.run().then((r) => (done = r));
  let maxTimers = 0;
  await advance(clock, durationMs + 1000, 10, () => (maxTimers = Math.max(maxTimers, clock.pendingTimers)));
  const needed = (rate * durationMs) / 1000;
  assert.equal(c.started, cap);
  assert.equal(c.dropped, needed - cap);
  assert.equal(drops.length, needed - cap);
  // Each drop carries its own scheduled time, in run time: arrival n at n × 100 ms.
  drops.forEach((d, i) => assert.equal(Math.round(d.intendedStartAtMs), (cap + i) * (1000 / rate)));
  assert.ok(drops.every((d) => d.shard === 0));
  assert.equal(maxTimers <= 1, true, `one timer at a time, saw ${maxTimers}`);
  assert.equal(done, undefined, 'run() waits for the active calls');
  c.stop();
  await flush();
  assert.deepEqual(done, { started: cap, dropped: needed - cap });
  assert.ok(calls.every((call) => call.aborted));
});

test('open model with calls that end: drops match a reference simulation of the cap', async () => {
  const clock = new FakeClock(START_MS);
  const holdMs = 1050;
  const { launch, calls } = fakeCalls(clock, holdMs);
  const plan = openPlan(10, { concurrencyCap: 5, durationMs: 10_000 });
  const c = new LoadController({ clock, plan, shard: 0, shards: 1, launch, toRunMs: (ms) => ms - START_MS });
  const result = c.run();
  await advance(clock, 12_000);
  // Reference: arrivals every 100 ms; one is admitted when fewer than 5 admitted calls are still up.
  const ends: number[] = [];
  let refDropped = 0;
  for (let t = 0; t < 10_000; t += 100) {
    if (ends.filter((e) => e > t).length >= 5) refDropped++;
    else ends.push(t + holdMs);
  }
  assert.deepEqual(await result, { started: ends.length, dropped: refDropped });
  assert.ok(refDropped > 0);
  assert.ok(calls.every((call) => !call.aborted && call.endedAtMs !== undefined));
});

test('open model: a late timer starts every due arrival with its own intended start (coordinated omission)', async () => {
  const fake = new FakeClock(START_MS);
  const clock = new LateClock(fake, 250);
  const { launch, calls } = fakeCalls(fake, undefined);
  const c = new LoadController({ clock, plan: openPlan(10, { maxCalls: 12 }), shard: 0, shards: 1, launch, toRunMs: (ms) => ms - START_MS });
  const result = c.run();
  await advance(fake, 3000);
  assert.equal(calls.length, 12);
  calls.forEach((call, n) => assert.ok(Math.abs(call.intendedStartAtMs - n * 100) < 1e-6, `call ${n}: intended ${call.intendedStartAtMs}`));
  // The timer fired late, so some calls really started after their intended time, in bursts.
  assert.ok(calls.some((call) => call.startedAtMs - START_MS > call.intendedStartAtMs + 100));
  c.stop();
  assert.deepEqual(await result, { started: 12, dropped: 0 });
});

test('open model: a late burst over the cap drops the excess, each drop at its scheduled time', async () => {
  const fake = new FakeClock(0);
  const clock = new LateClock(fake, 450);
  const { launch, calls } = fakeCalls(fake, undefined);
  const drops: DropRecord[] = [];
  const c = new LoadController({ clock, plan: openPlan(10, { concurrencyCap: 3, durationMs: 1000 }), shard: 0, shards: 1, launch, onDrop: (d) => drops.push(d), toRunMs: (ms) => ms });
  const result = c.run();
  await advance(fake, 2000);
  assert.equal(calls.length, 3);
  assert.deepEqual(
    [...calls.map((x) => x.intendedStartAtMs), ...drops.map((d) => d.intendedStartAtMs)].map((t) => Math.round(t)),
    Array.from({ length: 10 }, (_, n) => n * 100),
  );
  c.stop();
  assert.deepEqual(await result, { started: 3, dropped: 7 });
});

test('open model: maxCalls ends the run; call numbers are global across shards', async () => {
  const clock = new FakeClock(0);
  const { launch, calls } = fakeCalls(clock, 50);
  const shards = 3;
  const c = new LoadController({ clock, plan: openPlan(100, { maxCalls: 7 }), shard: 1, shards, launch, toRunMs: (ms) => ms });
  const result = c.run();
  await advance(clock, 1000);
  assert.deepEqual(await result, { started: 7, dropped: 0 });
  assert.deepEqual(
    calls.map((x) => x.callNumber),
    Array.from({ length: 7 }, (_, i) => 1 + 1 + i * shards),
  );
  assert.equal(clock.pendingTimers, 0);
});

test('open model: durationMs stops new calls and run() resolves when the last call ends', async () => {
  const clock = new FakeClock(0);
  const { launch, calls } = fakeCalls(clock, 300);
  const c = new LoadController({ clock, plan: openPlan(5, { durationMs: 2000 }), shard: 0, shards: 1, launch, toRunMs: (ms) => ms });
  let resolvedAt: number | undefined;
  void c.run().then(() => (resolvedAt = clock.nowMs()));
  await advance(clock, 5000);
  assert.equal(calls.length, (5 * 2000) / 1000);
  assert.ok(calls.every((x) => x.intendedStartAtMs < 2000));
  const lastEnd = Math.max(...calls.map((x) => x.endedAtMs ?? Infinity));
  assert.equal(resolvedAt, lastEnd);
});

test('stop() aborts every active call, starts no more, and resolves run()', async () => {
  const clock = new FakeClock(0);
  const { launch, calls } = fakeCalls(clock, 10_000);
  const c = new LoadController({ clock, plan: openPlan(20), shard: 0, shards: 1, launch, toRunMs: (ms) => ms });
  const result = c.run();
  await advance(clock, 1000);
  const before = calls.length;
  assert.equal(c.active, before);
  c.stop();
  assert.deepEqual(await result, { started: before, dropped: 0 });
  await advance(clock, 1000);
  assert.equal(calls.length, before);
  assert.ok(calls.every((x) => x.aborted));
  assert.equal(c.active, 0);
  assert.equal(clock.pendingTimers, 0);
});

test('a plan that can start nothing resolves at once: rate 0, 0 calls, stop() before run()', async () => {
  const clock = new FakeClock(0);
  const { launch, calls } = fakeCalls(clock, 100);
  const base = { clock, shard: 0, shards: 1, launch, toRunMs: (ms: number) => ms };
  assert.deepEqual(await new LoadController({ ...base, plan: openPlan(0) }).run(), { started: 0, dropped: 0 });
  assert.deepEqual(await new LoadController({ ...base, plan: openPlan(10, { maxCalls: 0 }) }).run(), { started: 0, dropped: 0 });
  const stopped = new LoadController({ ...base, plan: openPlan(10) });
  stopped.stop();
  assert.deepEqual(await stopped.run(), { started: 0, dropped: 0 });
  assert.equal(calls.length, 0);
});

test('a launcher that rejects ends the shard with that error after the other calls end', async () => {
  const clock = new FakeClock(0);
  const { launch: ok, calls } = fakeCalls(clock, undefined);
  let n = 0;
  const c = new LoadController({
    clock, plan: openPlan(10), shard: 0, shards: 1, toRunMs: (ms) => ms,
    launch: (ctx) => (++n === 3 ? Promise.reject(new Error('launcher bug')) : ok(ctx)),
  });
  const outcome = c.run().then(() => undefined, (e: unknown) => e);
  await advance(clock, 500);
  const err = await outcome;
  assert.ok(err instanceof Error && /launcher bug/.test(err.message));
  assert.equal(calls.length, 2);
  assert.ok(calls.every((x) => x.aborted));
});

test('a bad plan is a CONFIG error', () => {
  const clock = new FakeClock(0);
  assert.throws(
    () => new LoadController({ clock, plan: openPlan(-1, { concurrencyCap: -2 }), shard: 0, shards: 1, launch: async () => undefined, toRunMs: (ms) => ms }),
    (e: unknown) => e instanceof Error && 'code' in e && e.code === 'CONFIG' && /rate -1/.test(e.message) && /cap -2/.test(e.message),
  );
});

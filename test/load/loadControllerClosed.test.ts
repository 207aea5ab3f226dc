import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/core/fakeClock.js';
import { LoadController } from '../../src/load/loadController.js';
import type { LoadPlan, LoadStage } from '../../src/load/loadTypes.js';
import { parseStages } from '../../src/load/parseStages.js';
import { targetAt } from '../../src/load/targetAt.js';
import { advance, fakeCalls, LateClock } from './loadHarness.js';

function closedPlan(users: number, rest: Partial<LoadPlan> & { stages?: LoadStage[] } = {}): LoadPlan {
  const { stages, ...plan } = rest;
  return { model: { kind: 'closed', users, ...(stages === undefined ? {} : { stages }) }, concurrencyCap: Infinity, seed: 1, ...plan };
}

test('closed model keeps N calls up, replacing each ended call at once from the moment its slot freed', async () => {
  const clock = new FakeClock(0);
  const holdMs = 300;
  const users = 4;
  const { launch, calls, active } = fakeCalls(clock, holdMs);
  const c = new LoadController({ clock, plan: closedPlan(users, { durationMs: 1000 }), shard: 0, shards: 1, launch, toRunMs: (ms) => ms });
  const result = c.run();
  assert.equal(active(), users);
  await advance(clock, 990, 10, () => {
    assert.equal(active(), users);
    assert.equal(c.active, users);
  });
  await advance(clock, 500);
  // Each slot restarts every holdMs within the duration: at 0, 300, 600, 900.
  const perSlot = Math.ceil(1000 / holdMs);
  assert.deepEqual(await result, { started: users * perSlot, dropped: 0 });
  const intended = calls.map((x) => x.intendedStartAtMs).sort((a, b) => a - b);
  assert.deepEqual(intended, Array.from({ length: users * perSlot }, (_, i) => Math.floor(i / users) * holdMs));
  assert.ok(calls.every((x) => !x.aborted), 'the end of the run lets calls finish');
});

test('closed model follows a ramp up and down; rises start at the crossing, falls let calls finish', async () => {
  const clock = new FakeClock(0);
  const holdMs = 400;
  const stages = parseStages('10s:10,10s:0');
  const { launch, calls, active } = fakeCalls(clock, holdMs);
  const c = new LoadController({ clock, plan: closedPlan(0, { stages }), shard: 0, shards: 1, launch, toRunMs: (ms) => ms });
  const result = c.run();
  const want = (t: number): number => Math.round(targetAt(stages, 0, t) ?? 0);
  await advance(clock, 21_000, 10, (t) => {
    if (t < 10_000) assert.equal(active(), want(t), `rising at ${t}`);
    else if (t < 20_000) {
      // Falling: nobody is cut off, so the count lags the target by at most one call's hold time.
      assert.ok(active() >= want(t) && active() <= want(t - holdMs), `falling at ${t}: ${active()}`);
    }
  });
  await result;
  // Each new user's first call is intended where the ramp crossed n + 0.5 (rounding), n = 0..9.
  const riseTimes = Array.from({ length: 10 }, (_, n) => (n + 0.5) * 1000);
  for (const t of riseTimes) assert.ok(calls.some((x) => Math.abs(x.intendedStartAtMs - t) < 1e-6), `a call intended at ${t}`);
  assert.ok(calls.every((x) => !x.aborted));
});

test('closed model: a late timer starts each rise with the moment the target rose', async () => {
  const fake = new FakeClock(0);
  const clock = new LateClock(fake, 700);
  const { launch, calls } = fakeCalls(fake, undefined);
  const stages = parseStages('4s:4');
  const c = new LoadController({ clock, plan: closedPlan(0, { stages }), shard: 0, shards: 1, launch, toRunMs: (ms) => ms });
  const result = c.run();
  await advance(fake, 6000);
  assert.deepEqual(
    calls.map((x) => x.intendedStartAtMs),
    [500, 1500, 2500, 3500],
  );
  assert.ok(calls.every((x) => x.startedAtMs >= x.intendedStartAtMs + 700));
  c.stop();
  assert.deepEqual(await result, { started: 4, dropped: 0 });
});

test('closed model: the cap bounds the users, maxCalls ends it, 0 users starts nothing', async () => {
  const clock = new FakeClock(0);
  const { launch, calls, active } = fakeCalls(clock, 100);
  const c = new LoadController({ clock, plan: closedPlan(10, { concurrencyCap: 3, maxCalls: 8 }), shard: 2, shards: 4, launch, toRunMs: (ms) => ms });
  const result = c.run();
  assert.equal(active(), 3);
  await advance(clock, 1000);
  assert.deepEqual(await result, { started: 8, dropped: 0 });
  assert.deepEqual(calls.map((x) => x.callNumber), Array.from({ length: 8 }, (_, i) => 3 + 4 * i));
  const idle = new LoadController({ clock, plan: closedPlan(0), shard: 0, shards: 1, launch, toRunMs: (ms) => ms });
  assert.deepEqual(await idle.run(), { started: 0, dropped: 0 });
});

test('closed model: stop() aborts the calls up and resolves run()', async () => {
  const clock = new FakeClock(0);
  const { launch, calls } = fakeCalls(clock, 60_000);
  const c = new LoadController({ clock, plan: closedPlan(5), shard: 0, shards: 1, launch, toRunMs: (ms) => ms });
  const result = c.run();
  await advance(clock, 100);
  c.stop();
  assert.deepEqual(await result, { started: 5, dropped: 0 });
  assert.ok(calls.every((x) => x.aborted));
  assert.equal(clock.pendingTimers, 0);
});

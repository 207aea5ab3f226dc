import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/core/fakeClock.js';
import { isVoiceloadError } from '../../../src/core/errors.js';
import { WorkerPool, type SlotRequest, type WorkerSlot } from '../../../src/agent/model/workerPool.js';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

function track(reqs: SlotRequest[]): { slots: (WorkerSlot | undefined)[]; errors: (string | undefined)[] } {
  const slots: (WorkerSlot | undefined)[] = reqs.map(() => undefined);
  const errors: (string | undefined)[] = reqs.map(() => undefined);
  reqs.forEach((r, i) =>
    r.slot.then(
      (s) => (slots[i] = s),
      (e: unknown) => (errors[i] = isVoiceloadError(e) ? e.code : String(e)),
    ),
  );
  return { slots, errors };
}

test('jobs go to the least-loaded worker, spreading evenly', async () => {
  const clock = new FakeClock();
  const pool = new WorkerPool({ clock, workers: 3, jobsPerWorker: 2, maxWaitMs: 1000 });
  const { slots } = track(Array.from({ length: 6 }, () => pool.acquire()));
  await flush();
  assert.deepEqual(
    slots.map((s) => s!.workerIndex),
    [0, 1, 2, 0, 1, 2],
  );
  assert.ok(slots.every((s) => s!.waitedMs === 0));
  assert.deepEqual(pool.stats().perWorkerBusy, [2, 2, 2]);
  assert.equal(pool.stats().busySlots, 6);
  assert.equal(pool.stats().totalSlots, 6);
  // Freeing worker 1 twice over makes it the least loaded: the next job lands there.
  slots[1]!.release();
  slots[4]!.release();
  slots[4]!.release(); // idempotent
  assert.deepEqual(pool.stats().perWorkerBusy, [2, 0, 2]);
  const { slots: next } = track([pool.acquire()]);
  await flush();
  assert.equal(next[0]!.workerIndex, 1);
});

test('when all slots are busy, callers wait in FIFO order and get the slot on release', async () => {
  const clock = new FakeClock();
  const pool = new WorkerPool({ clock, workers: 2, jobsPerWorker: 1, maxWaitMs: 5000 });
  const reqs = Array.from({ length: 4 }, () => pool.acquire());
  const { slots } = track(reqs);
  await flush();
  assert.equal(pool.stats().waiting, 2);
  clock.advance(300);
  slots[1]!.release();
  await flush();
  assert.equal(slots[2]!.workerIndex, 1);
  assert.equal(slots[2]!.waitedMs, 300);
  assert.equal(slots[3], undefined);
  clock.advance(200);
  slots[0]!.release();
  await flush();
  assert.equal(slots[3]!.workerIndex, 0);
  assert.equal(slots[3]!.waitedMs, 500);
  assert.equal(pool.stats().waiting, 0);
  assert.equal(pool.stats().granted, 4);
});

test('a caller that waits longer than maxWaitMs is rejected with AGENT_NO_WORKER', async () => {
  const clock = new FakeClock();
  const pool = new WorkerPool({ clock, workers: 1, jobsPerWorker: 2, maxWaitMs: 5000 });
  const { slots, errors } = track(Array.from({ length: 4 }, () => pool.acquire()));
  clock.advance(4999);
  await flush();
  assert.deepEqual(errors, [undefined, undefined, undefined, undefined]);
  clock.advance(1);
  await flush();
  assert.deepEqual(errors, [undefined, undefined, 'AGENT_NO_WORKER', 'AGENT_NO_WORKER']);
  assert.equal(pool.stats().rejected, 2);
  assert.equal(pool.stats().waiting, 0);
  // A release after the rejection does not resurrect a rejected waiter.
  slots[0]!.release();
  assert.equal(pool.stats().busySlots, 1);
  assert.equal(clock.pendingTimers, 0);
});

test('maxWaitMs 0 rejects at once when no slot is free', async () => {
  const clock = new FakeClock();
  const pool = new WorkerPool({ clock, workers: 1, jobsPerWorker: 1, maxWaitMs: 0 });
  const { errors } = track([pool.acquire(), pool.acquire()]);
  await flush();
  assert.deepEqual(errors, [undefined, 'AGENT_NO_WORKER']);
  assert.equal(clock.pendingTimers, 0);
});

test('cancel while waiting leaves the queue; cancel after the grant releases the slot', async () => {
  const clock = new FakeClock();
  const pool = new WorkerPool({ clock, workers: 1, jobsPerWorker: 1, maxWaitMs: 5000 });
  const reqs = Array.from({ length: 3 }, () => pool.acquire());
  const { slots, errors } = track(reqs);
  reqs[1]!.cancel();
  assert.equal(pool.stats().waiting, 1);
  assert.equal(pool.stats().cancelled, 1);
  clock.advance(100);
  reqs[0]!.cancel(); // granted: gives the slot to request 2
  await flush();
  assert.deepEqual(errors, [undefined, 'AGENT_CANCELLED', undefined]);
  assert.equal(slots[2]!.waitedMs, 100);
  assert.equal(pool.stats().busySlots, 1);
  slots[0]!.release(); // already released through cancel: no effect
  assert.equal(pool.stats().busySlots, 1);
  reqs[1]!.cancel(); // no-op
  assert.equal(pool.stats().cancelled, 1);
  clock.advance(10_000);
  await flush();
  assert.equal(pool.stats().rejected, 0);
});

test('invalid sizes are configuration errors', () => {
  const clock = new FakeClock();
  assert.throws(() => new WorkerPool({ clock, workers: 0, jobsPerWorker: 1, maxWaitMs: 0 }), (e: unknown) => isVoiceloadError(e) && e.code === 'CONFIG');
  assert.throws(() => new WorkerPool({ clock, workers: 1, jobsPerWorker: 1.5, maxWaitMs: 0 }), (e: unknown) => isVoiceloadError(e) && e.code === 'CONFIG');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/core/fakeClock.js';
import { createRng } from '../../../src/core/rng.js';
import { isVoiceloadError } from '../../../src/core/errors.js';
import { fixedLatency, lognormalFromMedianP95 } from '../../../src/agent/model/latencyDistribution.js';
import { StageResource, type StageRequest, type StageTiming } from '../../../src/agent/model/stageResource.js';

/** Collects every outcome as it settles (promise callbacks run once the test yields). */
function track(reqs: StageRequest[]): { timings: (StageTiming | undefined)[]; errors: (string | undefined)[] } {
  const timings: (StageTiming | undefined)[] = reqs.map(() => undefined);
  const errors: (string | undefined)[] = reqs.map(() => undefined);
  reqs.forEach((r, i) =>
    r.done.then(
      (t) => (timings[i] = t),
      (e: unknown) => (errors[i] = isVoiceloadError(e) ? e.code : String(e)),
    ),
  );
  return { timings, errors };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('concurrency 2 with 5 simultaneous requests: FIFO starts at 0, 0, 100, 100, 200', async () => {
  const clock = new FakeClock(1000);
  const stage = new StageResource({ name: 'llm', clock, rng: createRng(1), latency: fixedLatency(100), concurrency: 2 });
  const reqs = Array.from({ length: 5 }, () => stage.request());
  assert.deepEqual({ ...stage.stats(), active: 2, queued: 3 }, stage.stats());
  const { timings } = track(reqs);
  clock.advance(1000);
  await flush();
  const service = 100;
  // Request i waits for floor(i / 2) services before it.
  timings.forEach((t, i) => {
    const waitMs = Math.floor(i / 2) * service;
    assert.deepEqual(t, {
      stage: 'llm',
      enqueuedAtMs: 1000,
      startedAtMs: 1000 + waitMs,
      doneAtMs: 1000 + waitMs + service,
      queueWaitMs: waitMs,
      serviceMs: service,
      rateLimitedRetries: 0,
    });
  });
  const s = stage.stats();
  assert.equal(s.completed, 5);
  assert.equal(s.active, 0);
  assert.equal(s.queued, 0);
  assert.equal(s.queueWaitMsTotal, 0 + 0 + 100 + 100 + 200);
  assert.equal(s.serviceMsTotal, 5 * service);
});

test('service times come from the latency distribution and are reproducible per seed', async () => {
  const run = async (seed: number): Promise<number[]> => {
    const clock = new FakeClock();
    const latency = lognormalFromMedianP95(450, 900);
    const stage = new StageResource({ name: 'llm', clock, rng: createRng(seed), latency, concurrency: 10 });
    const { timings } = track(Array.from({ length: 10 }, () => stage.request()));
    clock.advance(60_000);
    await flush();
    return timings.map((t) => t!.serviceMs);
  };
  const a = await run(5);
  const expectedRng = createRng(5);
  const latency = lognormalFromMedianP95(450, 900);
  const expected = a.map(() => latency.sampleMs(expectedRng));
  a.forEach((x, i) => assert.ok(Math.abs(x - expected[i]!) < 1e-6));
  assert.deepEqual(await run(5), a);
  assert.notDeepEqual(await run(6), a);
});

test('queue limit: requests beyond the waiting limit are rejected and counted', async () => {
  const clock = new FakeClock();
  const stage = new StageResource({ name: 'stt', clock, rng: createRng(1), latency: fixedLatency(50), concurrency: 1, queueLimit: 2 });
  const reqs = Array.from({ length: 5 }, () => stage.request());
  const { timings, errors } = track(reqs);
  clock.advance(500);
  await flush();
  assert.deepEqual(errors, [undefined, undefined, undefined, 'AGENT_QUEUE_FULL', 'AGENT_QUEUE_FULL']);
  assert.deepEqual(timings.slice(0, 3).map((t) => t!.startedAtMs), [0, 50, 100]);
  assert.equal(stage.stats().rejected, 2);
  assert.equal(stage.stats().completed, 3);
  // queueLimit 0: no waiting at all, but a free slot is still taken.
  const strict = new StageResource({ name: 'tts', clock, rng: createRng(1), latency: fixedLatency(50), concurrency: 1, queueLimit: 0 });
  const t2 = track([strict.request(), strict.request()]);
  clock.advance(100);
  await flush();
  assert.deepEqual(t2.errors, [undefined, 'AGENT_QUEUE_FULL']);
});

test('rate limit: a request without a token is 429d, backs off retryAfterMs and retries', async () => {
  const clock = new FakeClock();
  const requests = 2;
  const perMs = 1000;
  const retryAfterMs = 300;
  const stage = new StageResource({
    name: 'llm',
    clock,
    rng: createRng(1),
    latency: fixedLatency(10),
    concurrency: 10,
    rateLimit: { requests, perMs, retryAfterMs },
  });
  const reqs = Array.from({ length: 4 }, () => stage.request());
  assert.equal(stage.stats().rateLimited, 2);
  assert.equal(stage.stats().queued, 2);
  const { timings } = track(reqs);
  clock.advance(5000);
  await flush();
  // Ground truth by hand: bucket of 2 full at 0, refills one token per 500 ms.
  // r0, r1 take the burst at 0. r2, r3 are 429d at 0; at 300 both retry (bucket 0.6) → 429 again;
  // at 600 (bucket 1.2) r2 gets a token, r3 is 429d a third time; at 900 (bucket 0.8) r3 429d;
  // at 1200 (bucket 1.4) r3 gets a token.
  const tokenTimes = [0, 0, 600, 1200];
  const retries = [0, 0, 2, 4];
  timings.forEach((t, i) => {
    assert.equal(t!.startedAtMs, tokenTimes[i]);
    assert.equal(t!.queueWaitMs, tokenTimes[i]);
    assert.equal(t!.rateLimitedRetries, retries[i]);
  });
  assert.equal(stage.stats().rateLimitedRetries, 6);
  assert.equal(stage.stats().rateLimited, 0);
});

test('rate limit: sustained arrivals above the limit are throttled to the limit', async () => {
  const clock = new FakeClock();
  const stage = new StageResource({
    name: 'llm',
    clock,
    rng: createRng(1),
    latency: fixedLatency(5),
    concurrency: 100,
    rateLimit: { requests: 5, perMs: 1000, retryAfterMs: 100 },
  });
  // 20 requests per second for 10 s against a limit of 5 per second.
  const reqs: StageRequest[] = [];
  for (let i = 0; i < 200; i++) clock.setTimer(i * 50, () => reqs.push(stage.request()));
  clock.advance(10_000);
  const started = stage.stats().completed + stage.stats().active;
  // Burst of 5 plus 5 per second over 10 s.
  assert.ok(started <= 5 + 5 * 10, `started ${started}`);
  assert.ok(started >= 5 * 10 - 1, `started ${started}`);
  assert.ok(stage.stats().rateLimitedRetries > 100);
  reqs.forEach((r) => r.cancel());
  assert.equal(stage.stats().queued, 0);
  assert.equal(clock.pendingTimers, 0);
});

test('cancel while queued leaves the queue; cancel while active frees the slot for the next', async () => {
  const clock = new FakeClock();
  const stage = new StageResource({ name: 'llm', clock, rng: createRng(1), latency: fixedLatency(100), concurrency: 1 });
  const reqs = Array.from({ length: 3 }, () => stage.request());
  const { timings, errors } = track(reqs);
  reqs[1]!.cancel(); // queued
  assert.equal(stage.stats().queued, 1);
  clock.advance(40);
  reqs[0]!.cancel(); // active: r2 starts now, at 40
  assert.equal(stage.stats().active, 1);
  assert.equal(stage.stats().queued, 0);
  reqs[0]!.cancel(); // no-op when settled
  clock.advance(1000);
  await flush();
  assert.deepEqual(errors, ['AGENT_CANCELLED', 'AGENT_CANCELLED', undefined]);
  assert.equal(timings[2]!.startedAtMs, 40);
  assert.equal(timings[2]!.doneAtMs, 140);
  assert.equal(stage.stats().cancelled, 2);
  assert.equal(stage.stats().completed, 1);
  reqs[2]!.cancel(); // after completion: nothing changes
  assert.equal(stage.stats().cancelled, 2);
});

test('cancel while backing off after a 429 stops the retries', async () => {
  const clock = new FakeClock();
  const stage = new StageResource({
    name: 'llm',
    clock,
    rng: createRng(1),
    latency: fixedLatency(10),
    concurrency: 1,
    rateLimit: { requests: 1, perMs: 1000, retryAfterMs: 100 },
  });
  const a = stage.request();
  const b = stage.request();
  const { errors } = track([a, b]);
  assert.equal(stage.stats().rateLimited, 1);
  b.cancel();
  assert.equal(stage.stats().rateLimited, 0);
  clock.advance(2000);
  await flush();
  assert.deepEqual(errors, [undefined, 'AGENT_CANCELLED']);
  assert.equal(stage.stats().rateLimitedRetries, 1);
});

test('a cancelled request nobody awaits does not raise an unhandled rejection', async () => {
  const clock = new FakeClock();
  const stage = new StageResource({ name: 'llm', clock, rng: createRng(1), latency: fixedLatency(10), concurrency: 1, queueLimit: 0 });
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  stage.request().cancel();
  stage.request();
  stage.request(); // rejected: queue full
  await flush();
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, []);
  assert.equal(stage.stats().rejected, 1);
});

/**
 * Poisson arrivals at `rate` per ms into a stage; returns the mean queue wait, the waits of the first
 * and last quarter, and Little's law's two sides: time-averaged number in the system, and
 * throughput × mean time in system.
 */
function simulate(ratePerMs: number, concurrency: number, seed: number, arrivals: number) {
  const clock = new FakeClock();
  const rng = createRng(seed);
  const latency = lognormalFromMedianP95(400, 800);
  const stage = new StageResource({ name: 'llm', clock, rng: createRng(seed + 1), latency, concurrency });
  const timings: StageTiming[] = [];
  let t = 0;
  for (let i = 0; i < arrivals; i++) {
    t += -Math.log(1 - rng()) / ratePerMs;
    clock.setTimer(t, () => {
      const req = stage.request();
      const enqueuedAtMs = clock.nowMs();
      // Resolution happens in a microtask; the timing itself is computed at completion time.
      void req.done.then((timing) => {
        assert.equal(timing.enqueuedAtMs, enqueuedAtMs);
        timings.push(timing);
      });
    });
  }
  const lastArrivalMs = t;
  // Sample the number in the system every 10 ms until the last arrival.
  let samples = 0;
  let inSystemSum = 0;
  const sample = (): void => {
    const s = stage.stats();
    inSystemSum += s.active + s.queued;
    samples++;
    if (clock.nowMs() + 10 <= lastArrivalMs) clock.setTimer(10, sample);
  };
  clock.setTimer(0, sample);
  clock.advance(lastArrivalMs * 10 + 600_000);
  return { timings, latency, lastArrivalMs, meanInSystem: inSystemSum / samples };
}

test("Little's law: below capacity the queue stays nearly empty and L = λW holds", async () => {
  const concurrency = 4;
  const latency = lognormalFromMedianP95(400, 800);
  const capacityPerMs = concurrency / latency.meanMs;
  const rate = 0.5 * capacityPerMs;
  const { timings, lastArrivalMs, meanInSystem } = simulate(rate, concurrency, 11, 4000);
  await flush();
  assert.equal(timings.length, 4000);
  const meanWait = timings.reduce((s, x) => s + x.queueWaitMs, 0) / timings.length;
  const meanInSystemMs = timings.reduce((s, x) => s + (x.doneAtMs - x.enqueuedAtMs), 0) / timings.length;
  // At 50 % utilisation of 4 servers the queue wait is a small fraction of the service time.
  assert.ok(meanWait < 0.1 * latency.meanMs, `mean wait ${meanWait}`);
  const throughputPerMs = timings.length / lastArrivalMs;
  const littleL = throughputPerMs * meanInSystemMs;
  assert.ok(Math.abs(meanInSystem - littleL) / littleL < 0.06, `L ${meanInSystem} vs λW ${littleL}`);
});

test('above capacity the waits grow without bound', async () => {
  const concurrency = 4;
  const latency = lognormalFromMedianP95(400, 800);
  const rate = 1.5 * (concurrency / latency.meanMs);
  const { timings } = simulate(rate, concurrency, 12, 2000);
  await flush();
  timings.sort((a, b) => a.enqueuedAtMs - b.enqueuedAtMs);
  const q = Math.floor(timings.length / 4);
  const mean = (xs: StageTiming[]) => xs.reduce((s, x) => s + x.queueWaitMs, 0) / xs.length;
  const first = mean(timings.slice(0, q));
  const last = mean(timings.slice(-q));
  // Backlog grows at (λ − μ) = λ/3 per ms: the last quarter waits far longer than the first.
  assert.ok(last > 5 * first + latency.meanMs, `first ${first} last ${last}`);
  // And the stage ran at its capacity: completions spaced by mean service / concurrency.
  const span = timings.at(-1)!.doneAtMs - timings[0]!.startedAtMs;
  const achievedPerMs = timings.length / span;
  assert.ok(Math.abs(achievedPerMs - concurrency / latency.meanMs) / (concurrency / latency.meanMs) < 0.08);
});

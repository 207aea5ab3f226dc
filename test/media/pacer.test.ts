import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock, TimerHandle } from '../../src/core/clock.js';
import { FakeClock } from '../../src/core/fakeClock.js';
import { Pacer } from '../../src/media/pacer.js';
import { RunningSummary } from '../../src/media/runningSummary.js';

interface Tick {
  index: number;
  scheduledAtMs: number;
  nowMs: number;
}

/** A fake clock whose timers fire `lateness(callNumber)` ms after they are due, like a busy event loop. */
class LateClock implements Clock {
  private calls = 0;
  constructor(
    readonly inner: FakeClock,
    private readonly lateness: (call: number) => number,
  ) {}
  nowMs(): number {
    return this.inner.nowMs();
  }
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.inner.setTimer(Math.max(0, delayMs) + this.lateness(this.calls++), fn);
  }
}

function collect(clock: Clock, extra: Partial<ConstructorParameters<typeof Pacer>[0]> = {}) {
  const ticks: Tick[] = [];
  const pacingErrorMs = new RunningSummary();
  const pacer = new Pacer({
    clock,
    intervalMs: 20,
    pacingErrorMs,
    onTick: (index, scheduledAtMs, nowMs) => ticks.push({ index, scheduledAtMs, nowMs }),
    ...extra,
  });
  return { ticks, pacer, pacingErrorMs };
}

test('on an exact clock, tick n fires at start + 20 n with zero pacing error', () => {
  const clock = new FakeClock(1000.5);
  const { ticks, pacer, pacingErrorMs } = collect(clock);
  pacer.start();
  clock.advance(1000 * 20);
  assert.equal(ticks.length, 1001);
  ticks.forEach((t, n) => {
    assert.equal(t.index, n);
    assert.equal(t.scheduledAtMs, 1000.5 + n * 20);
    assert.equal(t.nowMs, t.scheduledAtMs);
  });
  assert.deepEqual(pacingErrorMs.snapshot(), { count: 1001, mean: 0, min: 0, max: 0 });
  assert.equal(pacer.caughtUpTicks, 0);
});

test('late timers never shift the schedule: no drift after 1,000 ticks', () => {
  // Every timer fires 0–9 ms late (a pseudo-random but fixed pattern).
  const lateness = (call: number): number => (call * 7919) % 10;
  const fake = new FakeClock(0);
  const clock = new LateClock(fake, lateness);
  const { ticks, pacer, pacingErrorMs } = collect(clock);
  pacer.start();
  fake.advance(1000 * 20 + 9);
  assert.equal(ticks.length, 1001);
  let maxErr = 0;
  ticks.forEach((t, n) => {
    assert.equal(t.index, n);
    assert.equal(t.scheduledAtMs, n * 20, 'scheduled times are exact multiples');
    const err = t.nowMs - t.scheduledAtMs;
    assert.ok(err >= 0 && err <= 9, `tick ${n} error ${err}`);
    maxErr = Math.max(maxErr, err);
  });
  // Tick 1000 went out within one timer's lateness of 20 s, not 1000 × lateness later.
  assert.ok(ticks[1000]!.nowMs <= 20_000 + 9);
  const s = pacingErrorMs.snapshot();
  assert.equal(s.count, 1001);
  assert.equal(s.max, maxErr);
  const mean = ticks.reduce((acc, t) => acc + (t.nowMs - t.scheduledAtMs), 0) / ticks.length;
  assert.ok(Math.abs(s.mean - mean) < 1e-9);
});

test('a timer that fires several intervals late catches up with every missed tick, in order', () => {
  const fake = new FakeClock(0);
  // The 6th timer (the one for tick 5, due at 100 ms) fires 65 ms late, at 165 ms.
  const clock = new LateClock(fake, (call) => (call === 5 ? 65 : 0));
  const { ticks, pacer, pacingErrorMs } = collect(clock);
  pacer.start();
  fake.advance(200);
  const fireAt = 100 + 65;
  const burst = ticks.filter((t) => t.nowMs === fireAt);
  // Ticks due at or before 165 ms that were not yet sent: 5 (100), 6 (120), 7 (140), 8 (160).
  const expected = [];
  for (let n = 5; n * 20 <= fireAt; n++) expected.push(n);
  assert.deepEqual(
    burst.map((t) => t.index),
    expected,
  );
  assert.equal(pacer.caughtUpTicks, expected.length - 1);
  // After the burst the schedule resumes on the grid: tick 9 at 180 ms, on time.
  const t9 = ticks.find((t) => t.index === 9);
  assert.deepEqual(t9, { index: 9, scheduledAtMs: 180, nowMs: 180 });
  assert.deepEqual(
    ticks.map((t) => t.index),
    ticks.map((_, i) => i),
    'no tick lost or repeated',
  );
  assert.equal(pacingErrorMs.snapshot().max, fireAt - 100);
});

test('a stall longer than maxCatchUpTicks skips the oldest ticks and counts them', () => {
  const fake = new FakeClock(0);
  const clock = new LateClock(fake, (call) => (call === 1 ? 2000 : 0));
  const { ticks, pacer } = collect(clock, { maxCatchUpTicks: 10 });
  pacer.start();
  fake.advance(2020);
  // Tick 1's timer fires at 2020 ms; ticks 1..101 are due; only the newest 11 go out.
  const due = Math.floor(2020 / 20) - 1 + 1;
  assert.equal(pacer.skippedTicks, due - 11);
  const burst = ticks.filter((t) => t.nowMs === 2020).map((t) => t.index);
  assert.deepEqual(burst, Array.from({ length: 11 }, (_, i) => 101 - 10 + i));
  assert.equal(pacer.caughtUpTicks, 10);
  assert.equal(pacer.ticks, ticks.length);
});

test('stop() inside onTick ends the ticks and leaves no timer armed', () => {
  const clock = new FakeClock(0);
  const seen: number[] = [];
  const pacer: Pacer = new Pacer({
    clock,
    intervalMs: 20,
    onTick: (i) => {
      seen.push(i);
      if (i === 3) pacer.stop();
    },
  });
  pacer.start();
  clock.advance(500);
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.equal(pacer.running, false);
  assert.equal(clock.pendingTimers, 0);
});

test('stop() during a catch-up burst delivers nothing more', () => {
  const fake = new FakeClock(0);
  const clock = new LateClock(fake, (call) => (call === 1 ? 100 : 0));
  const seen: number[] = [];
  const pacer: Pacer = new Pacer({
    clock,
    intervalMs: 20,
    onTick: (i) => {
      seen.push(i);
      if (i === 2) pacer.stop();
    },
  });
  pacer.start();
  fake.advance(300);
  assert.deepEqual(seen, [0, 1, 2]);
  assert.equal(fake.pendingTimers, 0);
});

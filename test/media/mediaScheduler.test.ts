import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock, TimerHandle } from '../../src/core/clock.js';
import { FakeClock } from '../../src/core/fakeClock.js';
import { MediaScheduler, type MediaTickTarget } from '../../src/media/mediaScheduler.js';

interface Tick {
  tick: number;
  scheduledAtMs: number;
  nowMs: number;
  caughtUp: boolean;
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

function recorder(): MediaTickTarget & { ticks: Tick[] } {
  const ticks: Tick[] = [];
  return { ticks, mediaTick: (tick, scheduledAtMs, nowMs, caughtUp) => ticks.push({ tick, scheduledAtMs, nowMs, caughtUp }) };
}

/** Nearest-rank percentile of the ground-truth errors, in µs (what an HDR histogram approximates within 0.1 %). */
function percentileUs(values: number[], p: number): number {
  const sorted = values.map((v) => Math.round(Math.max(0, v) * 1000)).sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

test('one phase: every member sends at origin + 20 n in one batch per tick, with zero error on an exact clock', () => {
  const clock = new FakeClock(500.25);
  const s = new MediaScheduler({ clock, phases: 1 });
  const members = [recorder(), recorder(), recorder()];
  const order: number[] = [];
  members.forEach((m, i) => {
    const inner = m.mediaTick;
    s.register({ mediaTick: (...a) => (order.push(i), inner(...a)) });
  });
  clock.advance(20 * 100);
  for (const m of members) {
    assert.equal(m.ticks.length, 101);
    m.ticks.forEach((t, n) => {
      assert.equal(t.tick, n);
      assert.equal(t.scheduledAtMs, 500.25 + n * 20);
      assert.equal(t.nowMs, t.scheduledAtMs);
      assert.equal(t.caughtUp, false);
    });
  }
  // Batches: within a tick all three go out before the next tick starts.
  for (let k = 0; k < order.length; k += 3) assert.deepEqual(order.slice(k, k + 3).sort(), [0, 1, 2]);
  const snap = s.snapshot();
  assert.equal(snap.packets, 303);
  assert.equal(snap.wakeUps, 101, 'one timer wake-up per tick for all members');
  assert.equal(snap.pacingErrorMs.count, 303);
  assert.equal(snap.pacingErrorMs.max, 0);
});

test('phases spread members evenly over the interval; each member stays exactly periodic', () => {
  const clock = new FakeClock(0);
  const s = new MediaScheduler({ clock, phases: 4 });
  const members = Array.from({ length: 8 }, () => recorder());
  const phases = members.map((m) => s.register(m).phase);
  assert.deepEqual(
    [0, 1, 2, 3].map((p) => phases.filter((x) => x === p).length),
    [2, 2, 2, 2],
  );
  clock.advance(1000);
  members.forEach((m, i) => {
    const offset = phases[i]! * 5;
    assert.equal(m.ticks[0]!.scheduledAtMs, offset);
    m.ticks.forEach((t, n) => {
      assert.equal(t.tick, n);
      assert.equal(t.scheduledAtMs, offset + 20 * n);
      assert.equal(t.nowMs, t.scheduledAtMs);
    });
  });
  assert.equal(s.snapshot().wakeUps, Math.floor(1000 / 5) + 1);
});

test('a member joining mid-way is aligned to the shared grid: first packet at the next slot of its phase', () => {
  const clock = new FakeClock(100);
  const s = new MediaScheduler({ clock, phases: 1 });
  const early = recorder();
  s.register(early);
  clock.advance(33); // t = 133
  const late = recorder();
  const m = s.register(late);
  const expectedFirst = 100 + 20 * Math.ceil(33 / 20); // 140
  assert.equal(m.firstTickAtMs, expectedFirst);
  clock.advance(100);
  assert.equal(late.ticks[0]!.scheduledAtMs, expectedFirst);
  assert.equal(late.ticks[0]!.tick, 0);
  // Both members' ticks at the same instants from then on.
  const earlyTimes = new Set(early.ticks.map((t) => t.scheduledAtMs));
  for (const t of late.ticks) assert.ok(earlyTimes.has(t.scheduledAtMs), `${t.scheduledAtMs} on the shared grid`);
});

test('late timers never shift the grid; pacing error and event-loop lag go into HDR histograms', () => {
  const lateness = (call: number): number => ((call * 7919) % 10) * 0.37;
  const fake = new FakeClock(0);
  const s = new MediaScheduler({ clock: new LateClock(fake, lateness), phases: 1 });
  const a = recorder();
  const b = recorder();
  s.register(a);
  s.register(b);
  fake.advance(20 * 500 + 5);
  assert.equal(a.ticks.length, 501);
  const errors: number[] = [];
  for (const m of [a, b]) {
    m.ticks.forEach((t, n) => {
      assert.equal(t.scheduledAtMs, n * 20, 'scheduled times are exact multiples');
      errors.push(t.nowMs - t.scheduledAtMs);
    });
  }
  assert.ok(a.ticks[500]!.nowMs <= 10_000 + 9 * 0.37 + 1e-9, 'no accumulated drift after 500 ticks');
  const snap = s.snapshot();
  assert.equal(snap.pacingErrorMs.count, errors.length);
  // HDR keeps 3 significant digits: compare with the exact percentiles within 0.1 % (+1 µs rounding).
  for (const [got, p] of [
    [snap.pacingErrorMs.p50, 50],
    [snap.pacingErrorMs.p99, 99],
  ] as const) {
    const want = percentileUs(errors, p) / 1000;
    assert.ok(Math.abs(got - want) <= want * 0.001 + 0.001, `p${p} ${got} vs ${want}`);
  }
  const maxErr = Math.max(...errors);
  assert.ok(Math.abs(snap.pacingErrorMs.max - maxErr) <= maxErr * 0.001 + 0.001);
  // Both members of a tick share one wake-up: the lag is the timer's lateness, once per wake-up.
  assert.equal(snap.eventLoopLagMs.count, 501);
  assert.ok(Math.abs(snap.eventLoopLagMs.max - maxErr) <= maxErr * 0.001 + 0.001);
});

test('a wake-up several ticks late catches up every missed tick in order, flagged caughtUp', () => {
  const fake = new FakeClock(0);
  // The 6th timer (tick 5, due at 100 ms) fires 65 ms late.
  const s = new MediaScheduler({ clock: new LateClock(fake, (call) => (call === 5 ? 65 : 0)), phases: 1 });
  const m = recorder();
  s.register(m);
  fake.advance(300);
  assert.deepEqual(
    m.ticks.map((t) => t.tick),
    m.ticks.map((_, i) => i),
    'no tick lost or repeated',
  );
  const burst = m.ticks.filter((t) => t.nowMs === 165);
  assert.deepEqual(
    burst.map((t) => [t.tick, t.caughtUp]),
    [
      [5, false],
      [6, true],
      [7, true],
      [8, true],
    ],
  );
  assert.equal(s.snapshot().caughtUpSlots, 3);
  assert.deepEqual(m.ticks[9], { tick: 9, scheduledAtMs: 180, nowMs: 180, caughtUp: false });
});

test('a stall longer than maxCatchUpTicks skips the oldest ticks: the member index jumps', () => {
  const fake = new FakeClock(0);
  const s = new MediaScheduler({ clock: new LateClock(fake, (call) => (call === 1 ? 2000 : 0)), phases: 2, maxCatchUpTicks: 10 });
  const m = recorder();
  s.register(m); // phase 0
  s.register(recorder()); // phase 1
  fake.advance(2020);
  // Slot 1 (due 10 ms) fires at 2010 ms; with the 1 ms early tolerance slots 1..201 are due and
  // only the newest (10 + 1) × 2 = 22 slots are replayed.
  const lastDue = Math.floor((2010 + 1) / 10);
  const replayed = 22;
  assert.equal(s.snapshot().skippedSlots, lastDue - replayed);
  const afterStall = m.ticks.filter((t) => t.nowMs === 2010).map((t) => t.tick);
  assert.equal(afterStall.length, 11);
  // Member in phase 0 = even slots: its first replayed tick is the first even slot ≥ lastDue − 21, halved.
  assert.equal(afterStall[0], Math.ceil((lastDue - replayed + 1) / 2));
  assert.deepEqual(
    afterStall,
    afterStall.map((_, i) => afterStall[0]! + i),
  );
});

test('cancel inside a tick (own or another member) is safe; the timer stops when the last member leaves', () => {
  const clock = new FakeClock(0);
  const s = new MediaScheduler({ clock, phases: 1 });
  const seen: string[] = [];
  const memberships: Array<{ cancel(): void }> = [];
  memberships.push(
    s.register({
      mediaTick: (tick) => {
        seen.push(`a${tick}`);
        if (tick === 2) {
          memberships[0]!.cancel();
          memberships[1]!.cancel();
        }
      },
    }),
  );
  memberships.push(s.register({ mediaTick: (tick) => seen.push(`b${tick}`) }));
  const c = s.register({ mediaTick: (tick) => seen.push(`c${tick}`) });
  clock.advance(60);
  assert.deepEqual(seen, ['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'c2', 'c3']);
  assert.equal(s.members, 1);
  c.cancel();
  c.cancel();
  assert.equal(s.members, 0);
  assert.equal(clock.pendingTimers, 0);
  // Re-joining later restarts on the same grid.
  clock.advance(7);
  const again = recorder();
  assert.equal(s.register(again).firstTickAtMs, 80);
  clock.advance(20);
  assert.equal(again.ticks[0]!.scheduledAtMs, 80);
  s.stop();
  assert.equal(clock.pendingTimers, 0);
});

test('with batched I/O: each slot flushes once after its ticks, each wake-up drains after its sends, and pacing counts every packet at the end of its flush', () => {
  const clock = new FakeClock();
  const calls: string[] = [];
  const io = {
    attach: () => undefined,
    drain: () => calls.push(`drain@${clock.nowMs()}`),
    flush: () => {
      calls.push(`flush@${clock.nowMs()}`);
      clock.advance(0.25); // the batch's sends take a quarter of a millisecond
    },
    close: () => undefined,
  };
  const scheduler = new MediaScheduler({ clock, io, phases: 2 });
  const targets = [recorder(), recorder(), recorder()];
  const wrapped = targets.map((r) => ({
    mediaTick: (tick: number, scheduledAtMs: number, nowMs: number, caughtUp: boolean) => {
      calls.push(`tick@${nowMs}`);
      r.mediaTick(tick, scheduledAtMs, nowMs, caughtUp);
    },
  }));
  const memberships = wrapped.map((w) => scheduler.register(w));
  clock.advance(40);
  for (const m of memberships) m.cancel();
  // 2 phases of a 20 ms interval: slots every 10 ms; phase 0 holds two members, phase 1 one.
  assert.deepEqual(calls.slice(0, 8), ['tick@0', 'tick@0', 'flush@0', 'drain@0.25', 'tick@10', 'flush@10', 'drain@10.25', 'tick@20']);
  const snap = scheduler.snapshot();
  assert.equal(snap.packets, targets.reduce((a, r) => a + r.ticks.length, 0));
  assert.equal(snap.pacingErrorMs.count, snap.packets, 'one pacing value per packet');
  // Every packet is as late as the end of its slot's flush (0.25 ms here), not the moment it was queued.
  assert.equal(snap.pacingErrorMs.p50, 0.25);
  assert.equal(snap.pacingErrorMs.max, 0.25);
  assert.equal(calls.filter((c) => c.startsWith('flush')).length, snap.wakeUps, 'one flush per slot with packets');
});

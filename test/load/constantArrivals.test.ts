import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createArrivalProcess, type ArrivalProcess } from '../../src/load/arrivalProcess.js';
import { parseStages } from '../../src/load/parseStages.js';
import { RateProfile } from '../../src/load/rateProfile.js';

function collect(p: ArrivalProcess, untilMs: number, limit = 1e6): number[] {
  const out: number[] = [];
  for (let t = p.nextArrivalAtMs(undefined); t !== undefined && t < untilMs && out.length < limit; t = p.nextArrivalAtMs(t)) out.push(t);
  return out;
}

test('constant rate: evenly spaced from the first instant', () => {
  const p = createArrivalProcess({ kind: 'open', arrivals: 'constant', ratePerSec: 10 }, 1);
  const times = collect(p, 1000);
  assert.equal(times.length, 10);
  times.forEach((t, i) => assert.ok(Math.abs(t - i * 100) < 1e-9, `arrival ${i} at ${t}`));
  // Long runs do not drift: arrival n of a 1000/s rate is still at n ms after 100 000 arrivals.
  const fast = createArrivalProcess({ kind: 'open', arrivals: 'constant', ratePerSec: 1000 }, 1);
  const many = collect(fast, 100_000);
  assert.equal(many.length, 100_000);
  assert.ok(Math.abs((many.at(-1) ?? NaN) - 99_999) < 1e-6);
});

test('constant arrivals over a ramp 0→10/s in 10 s: 50 arrivals, each where the integral reaches its number', () => {
  const stages = parseStages('10s:10');
  const p = createArrivalProcess({ kind: 'open', arrivals: 'constant', ratePerSec: 0, stages }, 1);
  const times = collect(p, Infinity);
  // Ground truth: the area under the ramp is (0 + 10)/2 × 10 s = 50.
  assert.ok(Math.abs(times.length - 50) <= 1, `got ${times.length}`);
  // The rate is t per s (t in s), so Λ(t) = t²/2 and arrival n is at √(2n) s.
  times.forEach((t, n) => assert.ok(Math.abs(t - Math.sqrt(2 * n) * 1000) < 1e-6, `arrival ${n} at ${t}`));
});

test('constant arrivals over several stages match each stage area', () => {
  const stages = parseStages('30s:10,60s:50,30s:0');
  const p = createArrivalProcess({ kind: 'open', arrivals: 'constant', ratePerSec: 0, stages }, 1);
  const times = collect(p, Infinity);
  const area = ((0 + 10) / 2) * 30 + ((10 + 50) / 2) * 60 + ((50 + 0) / 2) * 30;
  assert.ok(Math.abs(times.length - area) <= 1, `${times.length} vs ${area}`);
  const inFirst = times.filter((t) => t < 30_000).length;
  assert.ok(Math.abs(inFirst - 150) <= 1);
  for (let i = 1; i < times.length; i++) assert.ok((times[i] ?? 0) > (times[i - 1] ?? 0));
});

test('zero-rate stretches produce no arrivals and are jumped over; a rate that stays 0 ends the process', () => {
  const stages = parseStages('5s:0,0s:2,5s:2,5s:0,10s:0');
  const p = createArrivalProcess({ kind: 'open', arrivals: 'constant', ratePerSec: 0, stages }, 1);
  const times = collect(p, Infinity);
  assert.equal(times[0], 5000);
  assert.ok(times.every((t) => t >= 5000 && t < 15_000));
  // 2/s for 5 s, then a ramp 2→0 over 5 s: 10 + 5 arrivals.
  assert.ok(Math.abs(times.length - 15) <= 1, `got ${times.length}`);
  assert.equal(createArrivalProcess({ kind: 'open', arrivals: 'constant', ratePerSec: 0 }, 1).nextArrivalAtMs(undefined), undefined);
  assert.equal(createArrivalProcess({ kind: 'open', arrivals: 'poisson', ratePerSec: 0 }, 1).nextArrivalAtMs(undefined), undefined);
});

test('RateProfile: cumulative and timeOfCount are inverse; the rate follows the stages', () => {
  const profile = RateProfile.fromStages(parseStages('10s:10,0s:4,10s:4'), 2);
  assert.equal(profile.rateAt(0), 2);
  assert.equal(profile.rateAt(5000), 6);
  assert.equal(profile.rateAt(10_000), 4);
  assert.equal(profile.rateAt(20_000), 0);
  assert.equal(profile.endMs, 20_000);
  assert.ok(Math.abs(profile.cumulative(10_000) - 60) < 1e-9);
  assert.ok(Math.abs(profile.cumulative(20_000) - 100) < 1e-9);
  for (const n of [0.5, 1, 17, 59.9, 60, 61, 99.5]) {
    const t = profile.timeOfCount(n);
    assert.ok(t !== undefined);
    assert.ok(Math.abs(profile.cumulative(t) - n) < 1e-9, `count ${n}`);
  }
  assert.equal(profile.timeOfCount(100.5), undefined);
});

test("shards of one run interleave: their constant arrivals together are the whole run's grid, not bunches", async () => {
  const { splitPlan } = await import('../../src/load/splitPlan.js');
  const whole = { model: { kind: 'open' as const, arrivals: 'constant' as const, ratePerSec: 5 }, concurrencyCap: 1_000_000, seed: 1 };
  const one = collect(createArrivalProcess(whole.model, 1), 3000);
  for (const shards of [2, 3]) {
    const merged = splitPlan(whole, shards)
      .flatMap((p) => (p.model.kind === 'open' ? collect(createArrivalProcess(p.model, p.seed), 3000) : []))
      .sort((a, b) => a - b);
    assert.equal(merged.length, one.length, `${shards} shards: ${merged.length} arrivals in 3 s at 5/s`);
    merged.forEach((t, i) => assert.ok(Math.abs(t - (one[i] ?? NaN)) < 1e-6, `${shards} shards: arrival ${i} at ${t}, the whole run's at ${one[i]}`));
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createArrivalProcess, type ArrivalProcess } from '../../src/load/arrivalProcess.js';
import { parseStages } from '../../src/load/parseStages.js';

function collect(p: ArrivalProcess, untilMs = Infinity): number[] {
  const out: number[] = [];
  for (let t = p.nextArrivalAtMs(undefined); t !== undefined && t < untilMs; t = p.nextArrivalAtMs(t)) out.push(t);
  return out;
}

/** A Poisson count with mean m has standard deviation √m: allow 5 of them (a fixed seed never flakes). */
function assertPoissonCount(count: number, mean: number, what: string): void {
  assert.ok(Math.abs(count - mean) <= 5 * Math.sqrt(mean), `${what}: ${count} arrivals, expected ${mean} ± ${5 * Math.sqrt(mean)}`);
}

test('Poisson at a constant rate: mean rate and exponential gaps (mean 1/r, coefficient of variation 1)', () => {
  const rate = 100;
  const times = collect(createArrivalProcess({ kind: 'open', arrivals: 'poisson', ratePerSec: rate }, 42), 100_000);
  assertPoissonCount(times.length, rate * 100, 'count');
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
  assert.ok(Math.abs(mean - 1000 / rate) < 0.05 * (1000 / rate), `mean gap ${mean}`);
  assert.ok(Math.abs(sd / mean - 1) < 0.05, `cv ${sd / mean}`);
  // Memorylessness: P(gap > 1/r) = e^-1.
  const longer = gaps.filter((g) => g > 1000 / rate).length / gaps.length;
  assert.ok(Math.abs(longer - Math.exp(-1)) < 0.02, `P(gap > mean) = ${longer}`);
});

test('Poisson over a ramp follows the instantaneous rate', () => {
  const stages = parseStages('100s:20');
  const times = collect(createArrivalProcess({ kind: 'open', arrivals: 'poisson', ratePerSec: 0, stages }, 7));
  // Areas under the ramp r(t) = t/5 per s: first half 250, second half 750.
  assertPoissonCount(times.filter((t) => t < 50_000).length, 250, 'first half');
  assertPoissonCount(times.filter((t) => t >= 50_000).length, 750, 'second half');
  assert.ok(times.every((t) => t >= 0 && t < 100_000));
  for (let i = 1; i < times.length; i++) assert.ok((times[i] ?? 0) >= (times[i - 1] ?? 0));
});

test('Poisson skips zero-rate stretches and ends with the stages', () => {
  const stages = parseStages('10s:0,0s:50,10s:50,0s:0,10s:0,0s:50,10s:50');
  const times = collect(createArrivalProcess({ kind: 'open', arrivals: 'poisson', ratePerSec: 0, stages }, 3));
  assert.equal(times.filter((t) => t < 10_000 || (t >= 20_000 && t < 30_000)).length, 0);
  assertPoissonCount(times.filter((t) => t >= 10_000 && t < 20_000).length, 500, 'first 50/s stretch');
  assertPoissonCount(times.filter((t) => t >= 30_000).length, 500, 'second 50/s stretch');
  assert.ok(times.every((t) => t < 40_000));
});

test('Poisson arrivals are reproducible for a seed and differ between seeds', () => {
  const model = { kind: 'open', arrivals: 'poisson', ratePerSec: 30, stages: parseStages('5s:30,5s:0') } as const;
  const a = collect(createArrivalProcess(model, 99));
  const b = collect(createArrivalProcess(model, 99));
  const c = collect(createArrivalProcess(model, 100));
  assert.ok(a.length > 0);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

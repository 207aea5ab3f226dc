import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, forkRng, normalSample } from '../../src/core/rng.js';

function draws(seed: number, n: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng());
}

test('the same seed gives the same stream; different seeds differ', () => {
  assert.deepEqual(draws(42, 1000), draws(42, 1000));
  const a = draws(1, 100);
  const b = draws(2, 100);
  assert.ok(a.some((x, i) => x !== b[i]));
  // Nearby seeds must not be shifted copies of one another.
  const shared = a.filter((x) => b.includes(x)).length;
  assert.equal(shared, 0);
});

test('uniform draws stay in [0, 1) with mean 1/2 and variance 1/12', () => {
  const n = 100_000;
  const xs = draws(7, n);
  let sum = 0;
  let sumSq = 0;
  for (const x of xs) {
    assert.ok(x >= 0 && x < 1);
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  // Standard error of the mean is sqrt(1/12/n) ≈ 0.0009: 5 SE tolerances.
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.002, `variance ${variance}`);
  // Every tenth of [0,1) gets its share (10,000 ± 5σ ≈ ±475).
  const buckets = new Array<number>(10).fill(0);
  for (const x of xs) buckets[Math.floor(x * 10)]! += 1;
  for (const count of buckets) assert.ok(Math.abs(count - n / 10) < 475, `bucket ${count}`);
});

test('large and fractional seeds are accepted and deterministic', () => {
  assert.deepEqual(draws(2 ** 40 + 3, 10), draws(2 ** 40 + 3, 10));
  assert.notDeepEqual(draws(2 ** 40 + 3, 10), draws(3, 10));
});

test('normalSample has mean 0 and variance 1 over 100k draws', () => {
  const rng = createRng(3);
  const n = 100_000;
  let sum = 0;
  let sumSq = 0;
  let within1 = 0;
  for (let i = 0; i < n; i++) {
    const z = normalSample(rng);
    assert.ok(Number.isFinite(z));
    sum += z;
    sumSq += z * z;
    if (Math.abs(z) < 1) within1++;
  }
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  assert.ok(Math.abs(mean) < 0.016, `mean ${mean}`); // SE = 0.0032
  assert.ok(Math.abs(variance - 1) < 0.03, `variance ${variance}`);
  // P(|Z| < 1) = erf(1/√2) = 0.6827
  assert.ok(Math.abs(within1 / n - 0.6827) < 0.008, `within 1σ ${within1 / n}`);
});

test('forkRng gives an independent, reproducible stream', () => {
  const parentA = createRng(9);
  const parentB = createRng(9);
  const childA = forkRng(parentA);
  const childB = forkRng(parentB);
  const xs = Array.from({ length: 50 }, () => childA());
  assert.deepEqual(xs, Array.from({ length: 50 }, () => childB()));
  assert.notDeepEqual(xs, draws(9, 50));
});

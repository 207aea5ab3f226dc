import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mannWhitneyU } from '../../src/compare/mannWhitney.js';
import { normalUpperTail } from '../../src/compare/normalCdf.js';
import { createRng, normalSample } from '../../src/core/rng.js';

const close = (actual: number, expected: number, tolerance: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

test('no ties, by hand: [1,2,3] vs [4,5,6] gives U=9, z=(4.5−0.5)/√5.25, p≈0.0809', () => {
  const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
  assert.equal(r.u, 9);
  assert.equal(r.probabilityOfSuperiority, 1);
  close(r.z, 4 / Math.sqrt(5.25), 1e-12, 'z');
  close(r.pValue, 0.0808556, 1e-6, 'p');
});

test('ties, by hand: [1,2,2,3] vs [2,3,4,5] gives average ranks, U=13.5 and the tie-corrected variance', () => {
  const r = mannWhitneyU([1, 2, 2, 3], [2, 3, 4, 5]);
  assert.equal(r.u, 13.5); // pairs b > a, ties ½
  // σ² = 16/12 · (9 − (24 + 6)/(8·7))
  const variance = (16 / 12) * (9 - 30 / 56);
  close(r.z, 5 / Math.sqrt(variance), 1e-12, 'z');
  close(r.pValue, 0.1366582, 1e-6, 'p');
});

test('the test is symmetric: swapping the samples flips z and keeps p', () => {
  const a = [3, 1, 4, 1, 5, 9, 2, 6];
  const b = [5, 3, 5, 8, 9, 7, 9, 3];
  const ab = mannWhitneyU(a, b);
  const ba = mannWhitneyU(b, a);
  assert.equal(ab.u + ba.u, a.length * b.length);
  close(ab.z, -ba.z, 1e-12, 'z');
  close(ab.pValue, ba.pValue, 1e-12, 'p');
});

test('identical samples give p≈1; all-equal values and an empty sample give p=1', () => {
  const rng = createRng(3);
  const a = Array.from({ length: 200 }, () => 800 + 100 * normalSample(rng));
  const r = mannWhitneyU(a, [...a]);
  assert.ok(r.pValue > 0.99, `p ${r.pValue}`);
  assert.equal(r.probabilityOfSuperiority, 0.5);
  assert.equal(mannWhitneyU([5, 5, 5], [5, 5]).pValue, 1);
  assert.equal(mannWhitneyU([], [1, 2]).pValue, 1);
});

test('a clearly shifted sample gives a tiny p; two draws of one distribution do not', () => {
  const rng = createRng(7);
  const base = Array.from({ length: 300 }, () => 800 + 100 * normalSample(rng));
  const slower = Array.from({ length: 300 }, () => 1.3 * (800 + 100 * normalSample(rng)));
  const same = Array.from({ length: 300 }, () => 800 + 100 * normalSample(rng));
  const shifted = mannWhitneyU(base, slower);
  assert.ok(shifted.pValue < 1e-20, `p ${shifted.pValue}`);
  assert.ok(shifted.z > 0 && shifted.probabilityOfSuperiority > 0.9);
  assert.ok(mannWhitneyU(base, same).pValue > 0.05);
});

test('normalUpperTail keeps its relative precision far out in the tail', () => {
  close(normalUpperTail(0), 0.5, 1e-7, 'Q(0)');
  close(normalUpperTail(1.959964), 0.025, 1e-7, 'Q(1.96)');
  close(normalUpperTail(-1.959964), 0.975, 1e-7, 'Q(-1.96)');
  const q8 = normalUpperTail(8); // 6.220960574e-16
  close(q8 / 6.220960574e-16, 1, 1e-6, 'Q(8) relative');
});

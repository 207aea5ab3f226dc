import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapPercentileDiff } from '../../src/compare/bootstrap.js';
import { createRng, normalSample } from '../../src/core/rng.js';

function sample(seed: number, n: number, scale = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => scale * (800 + 100 * normalSample(rng)));
}

test('the same seed gives the same interval; another seed a different one', () => {
  const a = sample(1, 200);
  const b = sample(2, 200, 1.1);
  const one = bootstrapPercentileDiff(a, b, 95, { rng: createRng(42), iterations: 500 });
  const again = bootstrapPercentileDiff(a, b, 95, { rng: createRng(42), iterations: 500 });
  const other = bootstrapPercentileDiff(a, b, 95, { rng: createRng(43), iterations: 500 });
  assert.deepEqual(one, again);
  assert.notDeepEqual(one, other);
});

test('a 30 % slower candidate: the p95 change interval lies above 0 and holds the estimate', () => {
  const ci = bootstrapPercentileDiff(sample(1, 300), sample(2, 300, 1.3), 95, { rng: createRng(1) })!;
  assert.ok(ci.low > 0, `low ${ci.low}`);
  assert.ok(ci.low <= ci.estimate && ci.estimate <= ci.high, JSON.stringify(ci));
  assert.equal(ci.level, 0.95);
  assert.equal(ci.iterations, 1000);
});

test('two draws of one distribution: the p50 change interval includes 0', () => {
  const ci = bootstrapPercentileDiff(sample(1, 300), sample(2, 300), 50, { rng: createRng(1) })!;
  assert.ok(ci.low < 0 && ci.high > 0, JSON.stringify(ci));
});

test('the estimate is the exact nearest-rank difference; constant samples give a zero-width interval; empty gives null', () => {
  const ci = bootstrapPercentileDiff([1, 2, 3, 4], [11, 12, 13, 14], 50, { rng: createRng(1), iterations: 50 })!;
  assert.equal(ci.estimate, 10);
  const flat = bootstrapPercentileDiff([5, 5, 5], [7, 7], 99, { rng: createRng(1), iterations: 20 })!;
  assert.deepEqual([flat.low, flat.estimate, flat.high], [2, 2, 2]);
  assert.equal(bootstrapPercentileDiff([], [1], 50, { rng: createRng(1) }), null);
});

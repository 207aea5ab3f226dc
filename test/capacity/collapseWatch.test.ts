import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCollapseWatch } from '../../src/capacity/collapseWatch.js';

test('the collapse watch counts only calls after the warmup and needs a few failures before a verdict', () => {
  const watch = createCollapseWatch({ fromMs: 4000, limit: 0.1 });
  // Warmup failures do not count, however many.
  assert.equal(watch({ elapsedMs: 3000, answered: 5, failed: 30 }), null);
  assert.equal(watch({ elapsedMs: 4000, answered: 8, failed: 30 }), null); // the base
  // 9 failures after the warmup, all refused: not yet a verdict.
  assert.equal(watch({ elapsedMs: 5000, answered: 8, failed: 39 }), null);
  // 10 failed, 2 answered: 83 % > 10 %.
  assert.ok(Math.abs(watch({ elapsedMs: 6000, answered: 10, failed: 40 })! - 10 / 12) < 1e-9);
});

test('failures within the limit are no collapse', () => {
  const watch = createCollapseWatch({ fromMs: 0, limit: 0.2, minFailed: 5 });
  assert.equal(watch({ elapsedMs: 0, answered: 0, failed: 0 }), null);
  assert.equal(watch({ elapsedMs: 10_000, answered: 100, failed: 10 }), null); // 9 %
  assert.ok(watch({ elapsedMs: 20_000, answered: 100, failed: 40 })! > 0.2); // 29 %
});

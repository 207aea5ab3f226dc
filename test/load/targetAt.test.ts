import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStages } from '../../src/load/parseStages.js';
import { stagesDurationMs, targetAt } from '../../src/load/targetAt.js';

const stages = parseStages('30s:10,60s:50,30s:0');

/** Linear interpolation straight from the definition: (t0, v0) → (t1, v1). */
const lerp = (t0: number, v0: number, t1: number, v1: number, t: number): number => v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);

test('targetAt ramps linearly from 0 (k6) through each stage to its target', () => {
  assert.equal(targetAt(stages, 0, 0), 0);
  for (const t of [0, 7_500, 15_000, 29_999]) assert.equal(targetAt(stages, 0, t), lerp(0, 0, 30_000, 10, t));
  for (const t of [30_000, 45_000, 89_000]) assert.equal(targetAt(stages, 0, t), lerp(30_000, 10, 90_000, 50, t));
  for (const t of [90_000, 100_000, 119_999]) assert.equal(targetAt(stages, 0, t), lerp(90_000, 50, 120_000, 0, t));
});

test('targetAt starts from startTarget, is startTarget before 0 and undefined from the end on', () => {
  assert.equal(targetAt(stages, 4, 0), 4);
  assert.equal(targetAt(stages, 4, 15_000), lerp(0, 4, 30_000, 10, 15_000));
  assert.equal(targetAt(stages, 4, -5), 4);
  assert.equal(stagesDurationMs(stages), 120_000);
  assert.equal(targetAt(stages, 0, 120_000), undefined);
  assert.equal(targetAt(stages, 0, 1e9), undefined);
});

test('a zero-length stage is a jump', () => {
  const jump = parseStages('10s:0,0s:20,10s:20');
  assert.equal(targetAt(jump, 0, 9_999), lerp(0, 0, 10_000, 0, 9_999));
  assert.equal(targetAt(jump, 0, 10_000), 20);
  assert.equal(targetAt(jump, 0, 15_000), 20);
});

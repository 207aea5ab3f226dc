import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/rng.js';
import { isVoiceloadError } from '../../../src/core/errors.js';
import { fixedLatency, lognormalFromMedianP95 } from '../../../src/agent/model/latencyDistribution.js';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

for (const [median, p95] of [
  [120, 250],
  [450, 900],
  [1000, 1500],
] as const) {
  test(`lognormal(${median}, ${p95}): empirical median, p95 and mean over 50k samples match the parameters`, () => {
    const dist = lognormalFromMedianP95(median, p95);
    const rng = createRng(median);
    const xs = Array.from({ length: 50_000 }, () => dist.sampleMs(rng));
    const sum = xs.reduce((s, x) => s + x, 0);
    xs.sort((a, b) => a - b);
    assert.ok(xs[0]! > 0);
    const within = (actual: number, expected: number, pct: number) =>
      assert.ok(Math.abs(actual - expected) / expected < pct / 100, `${actual} vs ${expected}`);
    within(quantile(xs, 0.5), median, 2);
    within(quantile(xs, 0.95), p95, 3);
    within(sum / xs.length, dist.meanMs, 2);
    assert.ok(dist.meanMs > median);
  });
}

test('p95 equal to the median gives a fixed latency', () => {
  const dist = lognormalFromMedianP95(300, 300);
  const rng = createRng(1);
  for (let i = 0; i < 10; i++) assert.equal(dist.sampleMs(rng), 300);
  assert.equal(dist.meanMs, 300);
  assert.equal(fixedLatency(0).sampleMs(rng), 0);
});

test('invalid parameters are rejected with a CONFIG error', () => {
  for (const [m, p] of [
    [0, 100],
    [-5, 100],
    [200, 100],
    [Number.NaN, 100],
    [100, Number.POSITIVE_INFINITY],
  ] as const) {
    assert.throws(
      () => lognormalFromMedianP95(m, p),
      (e: unknown) => isVoiceloadError(e) && e.code === 'CONFIG' && e.hint !== undefined,
    );
  }
  assert.throws(() => fixedLatency(-1), (e: unknown) => isVoiceloadError(e) && e.code === 'CONFIG');
});

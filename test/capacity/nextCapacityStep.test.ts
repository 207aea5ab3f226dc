import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CapacityResult, CapacitySettings, CapacityStepResult } from '../../src/capacity/capacityTypes.js';
import { nextCapacityStep } from '../../src/capacity/nextCapacityStep.js';
import { searchCapacity } from '../../src/capacity/searchCapacity.js';
import { modelSystem, slos } from './capacityModel.js';
import type { ModelStep } from './capacityModel.js';

const calm = (level: number, p95: ModelStep['p95'], failed = 0): ModelStep => ({
  p95: { invite_to_answer_ms: 40, greeting_ttfa_ms: 700, ...p95 },
  callsAttempted: level * 10,
  callsEnded: level * 10,
  failedByReason: failed === 0 ? {} : { sip_503: failed },
});

/** TTFA flat then climbing steeply; its p95 crosses 1200 ms exactly at `capacity`. */
const latencyKnee = (capacity: number) => (level: number) => calm(level, { ttfa_ms: 600 + 600 * (level / capacity) ** 4 });

/** A failure rate of 0.2 % up to C, then rising; it crosses 1 % at 1.16 C (the analytic capacity). */
const failureKnee = (capacity: number) => {
  const c = capacity / 1.16;
  return (level: number) => {
    const rate = level <= c ? 0.002 : 0.002 + (0.05 * (level - c)) / c;
    return calm(level, { ttfa_ms: 800 }, Math.round(rate * level * 10));
  };
};

const SLOS = slos('ttfa_ms: p(95)<1200', 'failure_rate: rate<0.01');
const base: Omit<CapacitySettings, 'ramp'> = { by: 'concurrency', start: 10, max: 5000, resolution: 1 };
const STEP: CapacitySettings = { ...base, ramp: { kind: 'step', step: 10 } };
const FACTOR: CapacitySettings = { ...base, ramp: { kind: 'factor', factor: 1.5 } };

function run(settings: CapacitySettings, system: (level: number) => CapacityStepResult): CapacityResult {
  const history: CapacityStepResult[] = [];
  for (let i = 0; i < 1000; i++) {
    const next = nextCapacityStep(settings, history);
    if (next.kind === 'done') return next.result;
    history.push(system(next.level));
  }
  throw new Error('the search did not end');
}

const within10pct = (result: CapacityResult, capacity: number): void => {
  assert.ok(result.effectiveCapacity !== null, 'found a capacity');
  const error = Math.abs(result.effectiveCapacity - capacity) / capacity;
  assert.ok(error <= 0.1, `capacity ${result.effectiveCapacity} vs analytic ${capacity} (${(error * 100).toFixed(1)} % off)`);
};

for (const [name, settings] of [['step', STEP], ['factor', FACTOR]] as const) {
  test(`${name} ramp + bisection lands within ±10 % of the analytic capacity of a latency knee (C = 37, 85, 240, 613)`, () => {
    for (const c of [37, 85, 240, 613]) {
      const result = run(settings, modelSystem(latencyKnee(c), SLOS));
      within10pct(result, c);
      assert.equal(result.stopReason, 'resolved');
      assert.equal(result.firstBrokenSlo?.source, 'ttfa_ms: p(95)<1200');
      assert.ok(result.breakingLevel! - result.effectiveCapacity! <= settings.resolution);
      assert.ok(result.levels.some((l) => l.phase === 'refine'), 'refined after the break');
    }
  });

  test(`${name} ramp + bisection lands within ±10 % of the analytic capacity of rising failures (C = 30, 120, 450)`, () => {
    for (const c of [30, 120, 450]) {
      const result = run(settings, modelSystem(failureKnee(c), SLOS));
      within10pct(result, c);
      assert.equal(result.firstBrokenSlo?.source, 'failure_rate: rate<0.01');
      assert.equal(result.stopReason, 'resolved');
    }
  });
}

test('factor ramp steps 10, 15, 23, 35, … and never repeats a level', () => {
  const result = run(FACTOR, modelSystem(latencyKnee(100), SLOS));
  const ramp = result.levels.filter((l) => l.phase === 'ramp').map((l) => l.level);
  assert.deepEqual(ramp.slice(0, 5), [10, 15, 23, 35, 53]);
  const all = result.levels.map((l) => l.level);
  assert.equal(new Set(all).size, all.length);
});

test('bisection stops once the bracket is within the resolution, and not before', () => {
  for (const resolution of [1, 3, 8]) {
    const result = run({ ...STEP, start: 100, resolution }, modelSystem(latencyKnee(133), SLOS));
    const gap = result.breakingLevel! - result.effectiveCapacity!;
    assert.ok(gap <= resolution, `gap ${gap} ≤ ${resolution}`);
    // One step fewer would have left the bracket wider than the resolution.
    const before = result.levels.slice(0, -1);
    const fail = Math.min(...before.filter((l) => !l.passed).map((l) => l.level));
    const pass = Math.max(...before.filter((l) => l.passed && l.level < fail).map((l) => l.level));
    assert.ok(fail - pass > resolution, `bracket ${pass}..${fail} before the last step is wider than ${resolution}`);
    const refine = result.levels.filter((l) => l.phase === 'refine').length;
    assert.ok(refine <= Math.ceil(Math.log2(10 / resolution)), `${refine} refine steps for resolution ${resolution}`);
  }
});

test('failures climbing past 5× the failure_rate SLO: a collapse; the search climbs no higher and refines below it', () => {
  // A trunk refusing every call above 45: at 50, 10 % fail (> 5 × 1 %).
  const trunk = (level: number) => calm(level, { ttfa_ms: 800 }, Math.max(0, level - 45) * 10);
  const result = run(STEP, modelSystem(trunk, SLOS));
  assert.equal(result.stopReason, 'resolved');
  assert.equal(result.effectiveCapacity, 45);
  assert.equal(result.breakingLevel, 46);
  assert.deepEqual(result.levels.map((l) => l.level), [10, 20, 30, 40, 50, 45, 47, 46]);
  assert.equal(result.levels[4]!.collapsed, true);
  assert.ok(result.levels.every((l) => l.level <= 50), 'nothing above the collapse');
  assert.equal(result.hint?.component, 'trunk or worker limits');
});

test('a collapsed start level ends the search at once', () => {
  const broken = (level: number) => calm(level, { ttfa_ms: 800 }, level * 6);
  const result = run(STEP, modelSystem(broken, SLOS));
  assert.equal(result.stopReason, 'collapsed');
  assert.deepEqual(result.levels.map((l) => l.level), [10]);
  assert.equal(result.effectiveCapacity, null);
});

test('without a failure_rate SLO, a step failing more than half its calls still collapses', () => {
  const broken = (level: number) => calm(level, { ttfa_ms: 800 }, level >= 30 ? level * 6 : 0);
  const result = run(STEP, modelSystem(broken, slos('ttfa_ms: p(95)<1200')));
  assert.equal(result.levels.find((l) => l.level === 30)?.collapsed, true);
  assert.equal(result.breakingLevel, 30);
  assert.equal(result.effectiveCapacity, 29);
  assert.equal(result.firstBrokenSlo, null, 'no SLO broke: the collapse alone failed the step');
});

test('max reached with every SLO met: capacity is max, nothing broke', () => {
  const result = run({ ...base, ramp: { kind: 'step', step: 30 }, max: 100 }, modelSystem(latencyKnee(10_000), SLOS));
  assert.deepEqual(result.levels.map((l) => l.level), [10, 40, 70, 100]);
  assert.equal(result.stopReason, 'max-reached');
  assert.equal(result.effectiveCapacity, 100);
  assert.equal(result.breakingLevel, null);
  assert.equal(result.firstBrokenSlo, null);
});

test('a start level that already breaks an SLO gives no capacity', () => {
  const result = run(STEP, modelSystem(latencyKnee(5), SLOS));
  assert.equal(result.stopReason, 'start-failed');
  assert.equal(result.effectiveCapacity, null);
  assert.equal(result.breakingLevel, 10);
  assert.deepEqual(result.levels.map((l) => l.level), [10]);
});

test('by rate keeps fractional levels (calls per second)', () => {
  const result = run({ by: 'rate', start: 0.5, ramp: { kind: 'factor', factor: 2 }, max: 100, resolution: 0.05 }, modelSystem(latencyKnee(3.3), SLOS));
  within10pct(result, 3.3);
  assert.ok(result.levels.some((l) => !Number.isInteger(l.level)));
});

test('searchCapacity drives a (possibly async) step runner to the same result and rejects bad settings', async () => {
  const system = modelSystem(latencyKnee(85), SLOS);
  const result = await searchCapacity(STEP, async (level) => system(level));
  assert.deepEqual(result, run(STEP, system));
  await assert.rejects(
    searchCapacity({ ...base, start: 0, max: 5, ramp: { kind: 'factor', factor: 1 } }, system),
    (e: Error & { code?: string }) => e.code === 'CLI_USAGE' && /--start/.test(e.message) && /--factor/.test(e.message),
  );
});

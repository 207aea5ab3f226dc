import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bottleneckHint, MIN_LATENCY_SAMPLES } from '../../src/capacity/bottleneckHint.js';
import type { BottleneckHint, CapacitySettings, CapacityStepResult } from '../../src/capacity/capacityTypes.js';
import { searchCapacity } from '../../src/capacity/searchCapacity.js';
import { growth, modelSystem, slos } from './capacityModel.js';
import type { ModelStep } from './capacityModel.js';

type Knees = Partial<Record<'setup' | 'greeting' | 'turn' | 'reject' | 'loss' | 'jitter', number>>;

/** A voice stack whose signals start degrading at their knee (Infinity: never). */
const stack = (k: Knees) => (level: number): ModelStep => {
  const knee = (name: keyof Knees): number => k[name] ?? Infinity;
  const calls = level * 20;
  const refused = level > knee('reject') ? Math.round((calls * (level - knee('reject'))) / level) : 0;
  return {
    p95: {
      invite_to_answer_ms: 60 * growth(level, knee('setup')),
      greeting_ttfa_ms: 700 * growth(level, knee('greeting')),
      ttfa_ms: 800 * growth(level, knee('turn')),
      rtp_loss_pct: level > knee('loss') ? 0.1 + (5 * (level - knee('loss'))) / knee('loss') : 0.1,
      rtp_jitter_ms: 8 * growth(level, knee('jitter')),
    },
    callsAttempted: calls,
    callsEnded: calls,
    failedByReason: refused === 0 ? {} : { sip_486: refused },
  };
};

const SLOS = slos(
  'invite_to_answer_ms: p(95)<200',
  'greeting_ttfa_ms: p(95)<1500',
  'ttfa_ms: p(95)<1600',
  'failure_rate: rate<0.02',
  'rtp_loss_pct: p(95)<2',
  'rtp_jitter_ms: p(95)<40',
);
const SETTINGS: CapacitySettings = { by: 'concurrency', start: 10, ramp: { kind: 'step', step: 10 }, max: 1000, resolution: 2 };

async function hintOf(k: Knees): Promise<BottleneckHint | null> {
  return (await searchCapacity(SETTINGS, modelSystem(stack(k), SLOS))).hint;
}

// Each case: the culprit degrades from 40; a second signal degrades later (from 70) and must not win.
const CASES: [string, Knees, BottleneckHint['component'], string][] = [
  ['setup time', { setup: 40, turn: 70 }, 'signalling or agent dispatch', 'invite_to_answer_ms'],
  ['greeting latency', { greeting: 40, setup: 70 }, 'dispatch/TTS', 'greeting_ttfa_ms'],
  ['turn latency', { turn: 40, greeting: 70 }, 'STT/LLM/TTS queueing', 'ttfa_ms'],
  ['503/486 rejections', { reject: 40, turn: 70 }, 'trunk or worker limits', 'sip_503/486'],
  ['RTP loss', { loss: 40, turn: 70 }, 'network or media path', 'rtp_loss_pct'],
  ['RTP jitter', { jitter: 40, setup: 70 }, 'network or media path', 'rtp_jitter_ms'],
];

for (const [name, knees, component, signal] of CASES) {
  test(`the hint blames ${component} when ${name} degrades first`, async () => {
    const hint = await hintOf(knees);
    assert.equal(hint?.component, component, JSON.stringify(hint));
    assert.equal(hint.signal, signal);
    assert.ok(hint.fromLevel > 40 && hint.fromLevel <= 70, `degraded from ${hint.fromLevel}`);
  });
}

test('the evidence names the metric, its growth and the levels', async () => {
  const hint = await hintOf({ turn: 40 });
  assert.match(hint!.evidence, /^ttfa_ms p95 rose \d+(\.\d)?x from level 10 to \d+( \(past 1\.5x from level \d+\))?$/);
});

test('when two signals degrade at the same level, the one further past its limit wins', () => {
  const step = (level: number, setup: number, ttfa: number): CapacityStepResult => ({
    level,
    slos: [],
    failureRate: 0,
    callsAttempted: 100,
    metrics: { invite_to_answer_ms: { p50: null, p95: setup }, ttfa_ms: { p50: null, p95: ttfa } },
    rejected503: 0,
    rejected486: 0,
  });
  const hint = bottleneckHint([step(10, 100, 800), step(20, 160, 2400)], null);
  assert.equal(hint?.signal, 'ttfa_ms');
  assert.equal(hint.evidence, 'ttfa_ms p95 rose 3x from level 10 to 20');
});

test('no hint when nothing degraded, or with a single step; steps past the breaking level are ignored', () => {
  const flat = stack({});
  const system = modelSystem(flat, SLOS);
  assert.equal(bottleneckHint([system(10), system(20), system(30)], null), null);
  assert.equal(bottleneckHint([system(10)], null), null);
  const late = modelSystem(stack({ turn: 30 }), SLOS);
  assert.equal(bottleneckHint([late(10), late(20), late(60)], 20), null);
});

test('small absolute growth is noise: 3 ms setup doubling to 6 ms is not a bottleneck', () => {
  const step = (level: number, setup: number): CapacityStepResult => ({
    level,
    slos: [],
    failureRate: 0,
    callsAttempted: 100,
    metrics: { invite_to_answer_ms: { p50: null, p95: setup } },
    rejected503: 0,
    rejected486: 0,
  });
  assert.equal(bottleneckHint([step(10, 3), step(20, 6)], null), null);
});

test('a p95 of fewer than MIN_LATENCY_SAMPLES samples names no bottleneck: one slow turn of eight is not a trend', () => {
  const step = (level: number, ttfa: number, count: number, rejected503 = 0): CapacityStepResult => ({
    level,
    slos: [],
    failureRate: 0,
    callsAttempted: 20,
    metrics: { ttfa_ms: { p50: null, p95: ttfa, count } },
    rejected503,
    rejected486: 0,
  });
  assert.equal(bottleneckHint([step(4, 1500, 4), step(8, 2900, 8)], null), null);
  // The same rise with enough samples counts; and with few samples the rejections that follow win.
  assert.equal(bottleneckHint([step(4, 1500, MIN_LATENCY_SAMPLES), step(8, 2900, MIN_LATENCY_SAMPLES)], null)?.signal, 'ttfa_ms');
  assert.equal(bottleneckHint([step(4, 1500, 4), step(8, 2900, 8), step(12, 1800, 12, 10)], 12)?.signal, 'sip_503/486');
});

test('when no signal crossed its limit, the latency SLO the breaking step failed names the component', () => {
  const slo = (actual: number, passed: boolean) => ({ source: 'ttfa_ms: avg<2083', metric: 'ttfa_ms' as const, stat: 'avg', op: '<' as const, limit: 2083, actual, passed });
  const step = (level: number, p95: number, avg: number): CapacityStepResult => ({
    level,
    slos: [slo(avg, avg < 2083)],
    failureRate: 0,
    callsAttempted: 40,
    metrics: { ttfa_ms: { p50: null, p95, count: 60 } },
    rejected503: 0,
    rejected486: 0,
  });
  // A mean that crept up 1.5x while the p95 rose only 1.3x (below LATENCY_RATIO).
  const steps = [step(13, 2900, 1420), step(21, 3800, 2900), step(17, 3700, 2150)];
  const hint = bottleneckHint(steps, 17);
  assert.equal(hint?.component, 'STT/LLM/TTS queueing', JSON.stringify(hint));
  assert.equal(hint.signal, 'ttfa_ms');
  assert.equal(hint.evidence, 'ttfa_ms avg (the SLO broken, ttfa_ms: avg<2083) rose from 1420 at level 13 to 2150 at level 17');
  // A failure-rate SLO maps to no latency component: no hint from it.
  assert.equal(bottleneckHint([step(13, 2900, 1420), { ...step(17, 3000, 1500), slos: [{ source: 'failure_rate: rate<0.01', metric: 'failure_rate', stat: 'rate', op: '<', limit: 0.01, actual: 0.2, passed: false }] }], 17), null);
});

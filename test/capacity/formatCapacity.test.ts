import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCapacityDoc } from '../../src/capacity/capacityFile.js';
import type { CapacitySettings, CapacityStepResult } from '../../src/capacity/capacityTypes.js';
import { formatCapacity, formatStepEnd } from '../../src/capacity/formatCapacity.js';
import { capacityResultSoFar, nextCapacityStep } from '../../src/capacity/nextCapacityStep.js';
import { capacityExitCode } from '../../src/cli/capacityCommand.js';

const settings: CapacitySettings = { by: 'concurrency', start: 10, ramp: { kind: 'step', step: 10 }, max: 100, resolution: 5 };

function step(level: number, p95: number): CapacityStepResult {
  return {
    level,
    slos: [{ source: 'ttfa_ms: p(95)<1200', metric: 'ttfa_ms', stat: 'p(95)', op: '<', limit: 1200, actual: p95, passed: p95 < 1200 }],
    failureRate: 0,
    callsAttempted: level * 3,
    metrics: { ttfa_ms: { p50: p95 / 2, p95 } },
    rejected503: 0,
    rejected486: 0,
  };
}

test('the summary names the capacity, where and why it broke, and tables every step with the SLO values', () => {
  const history = [step(10, 800), step(20, 900), step(30, 2000)];
  const decision = nextCapacityStep(settings, history);
  assert.equal(decision.kind, 'step');
  const result = capacityResultSoFar(settings, [...history, step(25, 1000)], 'resolved');
  const doc = buildCapacityDoc(result, { version: 't', settings, slos: ['ttfa_ms: p(95)<1200'] });
  const text = formatCapacity(doc, [...history, step(25, 1000)]);
  assert.match(text, /^effective capacity: 25 concurrent calls$/m);
  assert.match(text, /^breaking level: 30 concurrent calls$/m);
  assert.match(text, /^first SLO broken: ttfa_ms: p\(95\)<1200 \(measured 2000\)$/m);
  assert.match(text, /^stopped: resolved$/m);
  assert.match(text, /^level\s+phase\s+calls\s+failures\s+ttfa_ms: p\(95\)<1200\s+result$/m);
  assert.match(text, /^30\s+ramp\s+90\s+0\.0 %\s+2000\s+FAIL$/m);
  assert.match(text, /^25\s+refine\s+75\s+0\.0 %\s+1000\s+pass$/m);
  assert.equal(capacityExitCode(result), 0);
  const line = formatStepEnd(3, 'concurrency', 60_000, history[2]!, result.levels[2]!);
  assert.equal(line, 'step 3: 30 users for 60 s … p95 ttfa 2000 ms, failures 0.0 %, 90 calls — FAIL (ttfa_ms: p(95)<1200)');
});

test('exit codes: an interrupted search is 130, a start level that failed is 1', () => {
  assert.equal(capacityExitCode(capacityResultSoFar(settings, [step(10, 800)], 'interrupted')), 130);
  const failed = nextCapacityStep(settings, [step(10, 5000)]);
  assert.ok(failed.kind === 'done' && failed.result.stopReason === 'start-failed');
  assert.equal(capacityExitCode(failed.result), 1);
});

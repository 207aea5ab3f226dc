import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createArrivalProcess, type ArrivalProcess } from '../../src/load/arrivalProcess.js';
import type { LoadPlan } from '../../src/load/loadTypes.js';
import { parseStages } from '../../src/load/parseStages.js';
import { splitCount, splitPlan } from '../../src/load/splitPlan.js';

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

function count(p: ArrivalProcess, untilMs: number): number {
  let n = 0;
  for (let t = p.nextArrivalAtMs(undefined); t !== undefined && t < untilMs; t = p.nextArrivalAtMs(t)) n++;
  return n;
}

test('splitCount: as even as whole numbers allow, remainder on the first shards', () => {
  for (const [total, shards] of [[10, 3], [2, 5], [0, 2], [7, 1], [100, 7]] as const) {
    const parts = splitCount(total, shards);
    assert.equal(parts.length, shards);
    assert.equal(sum(parts), total);
    assert.ok(Math.max(...parts) - Math.min(...parts) <= 1);
    for (let i = 1; i < parts.length; i++) assert.ok((parts[i] ?? 0) <= (parts[i - 1] ?? 0));
  }
  assert.deepEqual(splitCount(Infinity, 2), [Infinity, Infinity]);
});

test('splitPlan (open): rates, cap and calls sum to the whole; seeds distinct and reproducible', () => {
  const plan: LoadPlan = {
    model: { kind: 'open', arrivals: 'poisson', ratePerSec: 30, stages: parseStages('10s:60,10s:0') },
    concurrencyCap: 100,
    maxCalls: 1000,
    durationMs: 20_000,
    seed: 1234,
  };
  const shards = splitPlan(plan, 3);
  assert.equal(shards.length, 3);
  assert.equal(sum(shards.map((s) => s.concurrencyCap)), 100);
  assert.equal(sum(shards.map((s) => s.maxCalls ?? NaN)), 1000);
  const rates = shards.map((s) => (s.model.kind === 'open' ? s.model.ratePerSec : NaN));
  assert.ok(Math.abs(sum(rates) - 30) < 1e-9);
  for (let i = 0; i < 2; i++) {
    const targets = shards.map((s) => s.model.stages?.[i]?.target ?? NaN);
    assert.ok(Math.abs(sum(targets) - (plan.model.stages?.[i]?.target ?? NaN)) < 1e-9);
  }
  // Every shard that can start calls gets the same rate (caps 34/33/33 differ by one call), so evenly
  // spaced schedules interleave exactly.
  rates.forEach((r) => assert.ok(Math.abs(r - 10) < 1e-12, `rate ${r}`));
  assert.ok(shards.every((s) => s.durationMs === 20_000));
  assert.equal(new Set(shards.map((s) => s.seed)).size, 3);
  assert.deepEqual(splitPlan(plan, 3), shards);
  assert.notDeepEqual(splitPlan({ ...plan, seed: 1235 }, 3).map((s) => s.seed), shards.map((s) => s.seed));
});

test('splitPlan: constant arrivals of the shards add up to the whole schedule; Poisson ones to its mean', () => {
  const whole: LoadPlan = { model: { kind: 'open', arrivals: 'constant', ratePerSec: 0, stages: parseStages('20s:50,20s:50') }, concurrencyCap: Infinity, seed: 5 };
  const wholeCount = count(createArrivalProcess(whole.model as Extract<LoadPlan['model'], { kind: 'open' }>, whole.seed), Infinity);
  const parts = splitPlan(whole, 4);
  const partCounts = parts.map((p) => (p.model.kind === 'open' ? count(createArrivalProcess(p.model, p.seed), Infinity) : NaN));
  assert.ok(Math.abs(sum(partCounts) - wholeCount) <= parts.length, `${sum(partCounts)} vs ${wholeCount}`);

  const poisson: LoadPlan = { model: { kind: 'open', arrivals: 'poisson', ratePerSec: 200 }, concurrencyCap: Infinity, seed: 9 };
  const pParts = splitPlan(poisson, 4);
  const total = sum(pParts.map((p) => (p.model.kind === 'open' ? count(createArrivalProcess(p.model, p.seed), 50_000) : NaN)));
  const mean = 200 * 50;
  assert.ok(Math.abs(total - mean) <= 5 * Math.sqrt(mean), `${total} vs ${mean}`);
});

test('splitPlan (closed): users and stage targets split into whole users; a shard may get none', () => {
  const plan: LoadPlan = { model: { kind: 'closed', users: 5, stages: parseStages('10s:10,10s:1') }, concurrencyCap: 7, maxCalls: 2, seed: 1 };
  const shards = splitPlan(plan, 3);
  const users = shards.map((s) => (s.model.kind === 'closed' ? s.model.users : NaN));
  assert.equal(sum(users), 5);
  assert.ok(users.every((u) => Number.isInteger(u)));
  for (let i = 0; i < 2; i++) assert.equal(sum(shards.map((s) => s.model.stages?.[i]?.target ?? NaN)), plan.model.stages?.[i]?.target);
  assert.equal(sum(shards.map((s) => s.concurrencyCap)), 7);
  assert.deepEqual(shards.map((s) => s.maxCalls), [1, 1, 0]);
});

test('splitPlan: a cap smaller than the shards leaves the idle shards without arrivals; one shard is the plan itself', () => {
  const plan: LoadPlan = { model: { kind: 'open', arrivals: 'constant', ratePerSec: 10 }, concurrencyCap: 1, seed: 3 };
  const shards = splitPlan(plan, 2);
  assert.deepEqual(shards.map((s) => s.concurrencyCap), [1, 0]);
  assert.deepEqual(shards.map((s) => (s.model.kind === 'open' ? s.model.ratePerSec : NaN)), [10, 0]);
  assert.deepEqual(splitPlan(plan, 1), [plan]);
  assert.throws(() => splitPlan(plan, 0));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoiceloadError } from '../../src/core/errors.js';
import { DEFAULT_CALL_SETUP } from '../../src/engine/callConfig.js';
import type { LoadPlan } from '../../src/load/loadTypes.js';
import { rtpPairCount, rtpPairPorts } from '../../src/load/portRange.js';
import { peakConcurrency, planShards, type ShardRunConfig } from '../../src/load/shardPlan.js';
import { splitPlan } from '../../src/load/splitPlan.js';

const plan: LoadPlan = { model: { kind: 'open', arrivals: 'poisson', ratePerSec: 30 }, concurrencyCap: 7, maxCalls: 100, seed: 9 };
const run = (over: Partial<ShardRunConfig> = {}): ShardRunConfig => ({
  scenarioFile: 's.yaml',
  base: { ...DEFAULT_CALL_SETUP, target: 'sip:agent@127.0.0.1:5060', auth: { username: 'u', password: 'secret' } },
  plan,
  runStartEpochMs: 1_000,
  seed: 9,
  runId: 'r',
  ...over,
});

test('planShards: one plain-data config per shard plan, SIP ports consecutive from --sip-port, RTP parts disjoint and big enough', () => {
  const plans = splitPlan(plan, 3);
  const configs = planShards(run({ rtpPorts: { first: 20000, last: 20019 }, sipPort: 5070 }), plans);
  assert.deepEqual(configs.map((c) => [c.shard, c.shards, c.sipPort]), [[0, 3, 5070], [1, 3, 5071], [2, 3, 5072]]);
  configs.forEach((c, i) => {
    assert.deepEqual(c.plan, plans[i]);
    assert.equal(c.seed, 9, 'the run seed: call streams depend on the call number only');
    assert.ok(c.rtpPorts !== undefined && rtpPairCount(c.rtpPorts) >= c.plan.concurrencyCap);
    assert.deepEqual(structuredClone(c), c, 'crosses to a worker unchanged');
  });
  const ports = configs.flatMap((c) => (c.rtpPorts === undefined ? [] : rtpPairPorts(c.rtpPorts)));
  assert.equal(new Set(ports).size, ports.length, 'no pair in two shards');

  const ephemeral = planShards(run(), splitPlan(plan, 2));
  assert.deepEqual(ephemeral.map((c) => [c.sipPort, 'rtpPorts' in c]), [[0, false], [0, false]]);
});

test('planShards: a range too small for the run is PORTS_EXHAUSTED before anything starts; an unlimited -l with a range is a usage error', () => {
  assert.throws(
    () => planShards(run({ rtpPorts: { first: 20000, last: 20009 } }), splitPlan(plan, 2)),
    (e: unknown) => e instanceof VoiceloadError && e.code === 'PORTS_EXHAUSTED' && e.message.includes('give 5 pairs; -l 7 needs 7'),
  );
  const unlimited: LoadPlan = { ...plan, concurrencyCap: Infinity };
  assert.throws(() => planShards(run({ plan: unlimited, rtpPorts: { first: 20000, last: 20099 } }), splitPlan(unlimited, 2)), (e: unknown) => e instanceof VoiceloadError && e.code === 'CLI_USAGE');
});

test('peakConcurrency: the cap in the open model; the most users (stages included) within the cap in the closed one', () => {
  assert.equal(peakConcurrency(plan), 7);
  assert.equal(peakConcurrency({ model: { kind: 'closed', users: 3 }, concurrencyCap: 10, seed: 1 }), 3);
  assert.equal(peakConcurrency({ model: { kind: 'closed', users: 0, stages: [{ durationMs: 1000, target: 8 }, { durationMs: 1000, target: 2 }] }, concurrencyCap: 10, seed: 1 }), 8);
  assert.equal(peakConcurrency({ model: { kind: 'closed', users: 50 }, concurrencyCap: 10, seed: 1 }), 10);
});

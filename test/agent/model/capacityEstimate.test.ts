import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/core/fakeClock.js';
import { createRng } from '../../../src/core/rng.js';
import { lognormalFromMedianP95 } from '../../../src/agent/model/latencyDistribution.js';
import { StageResource } from '../../../src/agent/model/stageResource.js';
import { estimateCapacity, FIXTURE_TURN } from '../../../src/agent/model/capacityEstimate.js';
import { resolveProfile } from '../../../src/agent/profile/profile.js';

const profile = resolveProfile({
  name: 'sim',
  stages: { llm: { latencyMs: { median: 1000, p95: 1500 }, concurrency: 2 } },
});

/** Advances in small steps, letting promise callbacks (the callers' next turns) run in between. */
async function run(clock: FakeClock, totalMs: number): Promise<void> {
  for (let t = 0; t < totalMs; t += 50) {
    clock.advance(50);
    await new Promise<void>((r) => setImmediate(r));
  }
}

/**
 * Ground truth for the estimate: N callers in a closed loop against the LLM stage alone, each
 * spending the rest of the turn cycle (everything but the LLM) before asking again.
 */
async function closedLoop(calls: number, simulatedMs: number): Promise<{ meanWaitMs: number; throughputRps: number }> {
  const clock = new FakeClock();
  const llm = profile.stages.llm;
  const latency = lognormalFromMedianP95(llm.latencyMs.median, llm.latencyMs.p95);
  const stage = new StageResource({ name: 'llm', clock, rng: createRng(5), latency, concurrency: llm.concurrency });
  const outsideLlmMs = estimateCapacity(profile).turnCycleMs - latency.meanMs;
  const warmupMs = simulatedMs / 5;
  let waits = 0;
  let waitSum = 0;
  let completed = 0;
  const turn = (): void => {
    void stage.request().done.then((t) => {
      if (t.enqueuedAtMs >= warmupMs) {
        waits++;
        waitSum += t.queueWaitMs;
      }
      if (t.doneAtMs >= warmupMs) completed++;
      clock.setTimer(outsideLlmMs, turn);
    });
  };
  const starts = createRng(9);
  for (let i = 0; i < calls; i++) clock.setTimer(starts() * outsideLlmMs, turn);
  await run(clock, simulatedMs);
  return { meanWaitMs: waitSum / waits, throughputRps: completed / ((simulatedMs - warmupMs) / 1000) };
}

test('the LLM-bound estimate matches a closed-loop simulation: below the bound little waiting, above it saturation', async () => {
  const est = estimateCapacity(profile);
  assert.equal(est.binding, 'llm');
  const n = est.maxConcurrentCalls;
  const few = Math.floor(n * 0.5);
  const many = Math.ceil(n * 1.6);
  const below = await closedLoop(few, 1_200_000);
  const above = await closedLoop(many, 1_200_000);
  const llmMeanMs = lognormalFromMedianP95(1000, 1500).meanMs;
  assert.ok(below.meanWaitMs < 0.25 * llmMeanMs, `below: wait ${below.meanWaitMs}`);
  // Below the bound, every caller gets one request through per cycle.
  assert.ok(Math.abs(below.throughputRps - few / (est.turnCycleMs / 1000)) / (few / (est.turnCycleMs / 1000)) < 0.1);
  // Above it the stage runs at its maximum rate and the extra calls wait in its queue:
  // closed-loop response time R = N / X − Z, so the wait ≈ N / X − cycle.
  assert.ok(Math.abs(above.throughputRps - est.stageMaxRps.llm) / est.stageMaxRps.llm < 0.05, `X ${above.throughputRps}`);
  const predictedWaitMs = (many / est.stageMaxRps.llm) * 1000 - est.turnCycleMs;
  assert.ok(Math.abs(above.meanWaitMs - predictedWaitMs) / predictedWaitMs < 0.15, `wait ${above.meanWaitMs} vs ${predictedWaitMs}`);
});

test('resources held for the whole call carry exactly their size; a rate limit caps a stage', () => {
  const p = resolveProfile({
    name: 'x',
    trunk: { channels: 7 },
    workers: { count: 3, jobsPerWorker: 4 },
    stages: { llm: { rateLimit: { requests: 60, perSeconds: 60 } } },
  });
  const est = estimateCapacity(p, { ...FIXTURE_TURN, thinkTimeMs: 1000 });
  assert.equal(est.concurrentCalls.trunk, 7);
  assert.equal(est.concurrentCalls.workers, 12);
  assert.equal(est.stageMaxRps.llm, 1);
  assert.equal(est.concurrentCalls.llm, est.turnCycleMs / 1000);
  assert.equal(est.binding, 'trunk');
  const c = p.conversation;
  const st = p.stages;
  assert.equal(est.lowLoadTtfaMs, c.endpointingMs + st.stt.latencyMs.median + st.llm.latencyMs.median + st.tts.latencyMs.median + FIXTURE_TURN.agentReplyLeadSilenceMs!);
});

test('the turn cycle counts speech, not the silences that overlap endpointing and reply-end detection', () => {
  const p = resolveProfile({ name: 'x' });
  const bare = { callerUtteranceMs: 3000, agentReplyMs: 4000, thinkTimeMs: 0 };
  const padded = { ...bare, callerTrailingSilenceMs: 200, agentReplyLeadSilenceMs: 250, agentReplyTrailingSilenceMs: 300 };
  const a = estimateCapacity(p, bare);
  const b = estimateCapacity(p, padded);
  // Trailing silences run while the agent's endpointing (or the caller's reply-end timer) already counts.
  assert.equal(a.turnCycleMs - b.turnCycleMs, 500);
  // The reply's lead silence stays in the cycle (it is part of the reply) and is added to the TTFA.
  assert.equal(b.lowLoadTtfaMs - a.lowLoadTtfaMs, 250);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateCapacity } from '../../src/agent/model/capacityEstimate.js';
import { loadProfile as loadShippedProfile } from '../../src/agent/profile/loadProfile.js';
import { startAgent } from '../../src/agent/simulatedAgent.js';
import { parseCapacityFile } from '../../src/capacity/capacityFile.js';
import { FIXTURES_DIR } from '../interop/helpers/sipp.js';
import { runCli } from '../interop/helpers/runCli.js';
import { loadProfile, runIdOf, startLoadAgent, writeScenario } from '../load/helpers/loadRun.js';

// Ground truth for `voiceload capacity`: the simulated agent (this process) with one limit, an LLM
// stage of 2 concurrent requests, ~0.8 s each; everything else has room. Calls are long
// conversations with no greeting, so a call is its turns and the analytic bound (estimateCapacity:
// LLM rate × turn cycle, the cycle from the fixtures' speech bounds) is the concurrent calls the
// agent carries before the LLM saturates.
//
// The SLO that marks saturation: a turn's mean TTFA more than one LLM request time (~0.8 s) above the
// unloaded TTFA, i.e. turns wait on average longer than one request for the LLM. Measured on this
// 2-core machine (20 s steps): mean wait +54 ms at 12 calls, +186 at 14, +591 at 16, +1042 at 18,
// +1904 at 20, against an analytic 16.0 calls: a closed loop with some variance (the two replies
// differ by 1.3 s) starts queueing before the bound, and waits about one request time just past it.

const TURNS = 25;
const CALLER = 'caller-goodbye.wav';
const REPLIES = ['agent-reply-order.wav', 'agent-reply-goodbye.wav'];
const manifest = JSON.parse(readFileSync(join(FIXTURES_DIR, 'manifest.json'), 'utf8')) as { fixtures: { file: string; durationMs: number; speechStartMs: number; speechEndMs: number }[] };
const fixture = (file: string): { durationMs: number; speechStartMs: number; speechEndMs: number } => {
  const f = manifest.fixtures.find((x) => x.file === file);
  assert.ok(f !== undefined, file);
  return f;
};
const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;

const EXTRA = {
  conversation: { greeting: false, endpointingMs: 200 },
  stages: {
    stt: { latencyMs: { median: 40, p95: 50 }, concurrency: 200 },
    llm: { latencyMs: { median: 800, p95: 900 }, concurrency: 2 },
    tts: { latencyMs: { median: 40, p95: 50 }, concurrency: 200 },
  },
};

test('the capacity search by concurrency lands within ±10 % of the analytic capacity of an LLM-bound agent', { timeout: 170_000 }, async () => {
  const profile = loadProfile(40, EXTRA);
  // The agent alternates its two replies; the caller says the same short line each turn.
  const caller = fixture(CALLER);
  const replies = REPLIES.map(fixture);
  const est = estimateCapacity(profile, {
    callerUtteranceMs: caller.durationMs,
    callerTrailingSilenceMs: caller.durationMs - caller.speechEndMs,
    agentReplyMs: mean(replies.map((r) => r.durationMs)),
    agentReplyLeadSilenceMs: mean(replies.map((r) => r.speechStartMs)),
    agentReplyTrailingSilenceMs: mean(replies.map((r) => r.durationMs - r.speechEndMs)),
    thinkTimeMs: 0,
  });
  assert.equal(est.binding, 'llm');
  const analytic = est.maxConcurrentCalls;
  const llmMeanMs = 2000 / est.stageMaxRps.llm;
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-capacity-'));
  const { agent } = await startLoadAgent(40, EXTRA);
  try {
    const steps = Array.from({ length: TURNS }, () => `  - say: { audio: ${FIXTURES_DIR}${CALLER}, reply_timeout: 10s }`);
    const scenario = writeScenario(dir, 'capacity', [...steps, '  - hangup: {}']);
    const out = join(dir, 'out');
    const sloMs = Math.round(est.lowLoadTtfaMs + llmMeanMs);
    const run = await runCli(
      ['capacity', scenario, '--target', agent.uri, '--slo', `ttfa_ms: avg<${sloMs}`, '--slo', 'failure_rate: rate<0.05', '--start', '15', '--step', '2', '--max', '25', '--resolution', '1',
        '--warmup', '7s', '--step-duration', '10s', '--out', out, '--run-id', runIdOf('cap'), '--seed', '3', '--workers', '1'],
      { deadlineMs: 160_000 },
    );
    assert.equal(run.code, 0, run.stderr.slice(-3000) + run.stdout);
    const doc = parseCapacityFile(readFileSync(join(out, 'capacity.json'), 'utf8'), 'capacity.json');
    assert.ok(doc.effectiveCapacity !== null);
    for (const l of doc.levels) assert.ok(existsSync(join(out, 'steps', `level-${l.level}`, 'summary.json')), `steps/level-${l.level}`);
    assert.match(run.stdout, /effective capacity: \d+ concurrent calls/);
    const error = (doc.effectiveCapacity - analytic) / analytic;
    process.stderr.write(`analytic ${analytic.toFixed(1)} (turn cycle ${est.turnCycleMs.toFixed(0)} ms, LLM ${est.stageMaxRps.llm.toFixed(2)}/s), SLO mean TTFA < ${sloMs} ms, found ${doc.effectiveCapacity}, breaking ${doc.breakingLevel}: ${(error * 100).toFixed(1)} %\n`);
    assert.ok(Math.abs(error) <= 0.1, `effective capacity ${doc.effectiveCapacity} vs analytic ${analytic.toFixed(1)} (${(error * 100).toFixed(1)} %)\n${run.stdout}`);
    assert.match(JSON.stringify(doc.hint), /STT\/LLM\/TTS|ttfa_ms/, `hint: ${JSON.stringify(doc.hint)}`);
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

// The limit of admission (worker slots held for a whole call) is checked by test/cli/demoCommand.interop.test.ts.

test('against the shipped trunk-bound profile (5 channels) the capacity search by concurrency finds 5: the collapse above is cut short and refined below', { timeout: 120_000 }, async () => {
  const analytic = estimateCapacity(loadShippedProfile('trunk-bound'));
  assert.equal(analytic.binding, 'trunk');
  assert.equal(analytic.maxConcurrentCalls, 5);
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-capacity-trunk-'));
  const agent = await startAgent({ port: 0, profile: 'trunk-bound' });
  try {
    // Calls of ~2.5 s (answer, 2 s of line, BYE): a sixth concurrent call is refused with 503 at once.
    const scenario = writeScenario(dir, 'capacity-trunk', ['  - silence: 2s', '  - hangup: {}']);
    const out = join(dir, 'out');
    const run = await runCli(
      ['capacity', scenario, '--target', agent.uri, '--slo', 'failure_rate: rate<0.02', '--start', '4', '--step', '2', '--max', '12', '--resolution', '1',
        '--warmup', '3s', '--step-duration', '5s', '--out', out, '--run-id', runIdOf('capt'), '--seed', '7', '--workers', '1'],
      { deadlineMs: 110_000 },
    );
    assert.equal(run.code, 0, run.stderr.slice(-3000) + run.stdout);
    const doc = parseCapacityFile(readFileSync(join(out, 'capacity.json'), 'utf8'), 'capacity.json');
    assert.equal(doc.effectiveCapacity, 5, run.stdout);
    assert.equal(doc.breakingLevel, 6, run.stdout);
    assert.equal(doc.stopReason, 'resolved');
    assert.ok(doc.levels.some((l) => l.collapsed), `a collapsed level: ${run.stdout}`);
    assert.ok(Math.max(...doc.levels.map((l) => l.level)) <= 6, 'nothing above the collapse');
    assert.match(run.stderr, /cut short .* s after the warmup: \d+ % of calls failed/);
    assert.match(JSON.stringify(doc.hint), /trunk or worker limits/, `hint: ${JSON.stringify(doc.hint)}`);
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

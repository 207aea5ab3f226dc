import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '../../src/agent/simulatedAgent.js';
import { resolveProfile } from '../../src/agent/profile/resolveProfile.js';
import { MemoryTruthSink, type TruthRecord } from '../../src/agent/truthLog.js';
import { DEFAULT_CALL_SETUP } from '../../src/engine/callConfig.js';
import type { CallResult } from '../../src/engine/callResult.js';
import type { CallRecord } from '../../src/load/loadTypes.js';
import { ShardHost } from '../../src/load/shardHost.js';
import { loadScenario } from '../../src/scenario/loadScenario.js';
import { FIXTURES_DIR } from '../interop/helpers/sipp.js';
import { runCli } from '../interop/helpers/runCli.js';

// A conversation scenario against the simulated agent on 127.0.0.1, in this process so both sides
// read one monotonic clock: the agent's truth records are the ground truth of every latency.

type Rec<T extends TruthRecord['type']> = Extract<TruthRecord, { type: T }>;
const records = <T extends TruthRecord['type']>(sink: MemoryTruthSink, type: T, callId: string): Rec<T>[] =>
  sink.records.filter((r): r is Rec<T> => r.type === type && (r as { callId?: string }).callId === callId);

function quickProfile() {
  return resolveProfile({
    name: 'test-scenario',
    signalling: { dispatchMs: { median: 80, p95: 120 }, joinMs: { median: 40, p95: 60 } },
    conversation: { bargeInStopMs: 200 },
    stages: {
      stt: { latencyMs: { median: 100, p95: 150 }, concurrency: 50 },
      llm: { latencyMs: { median: 250, p95: 400 }, concurrency: 50 },
      tts: { latencyMs: { median: 80, p95: 120 }, concurrency: 50 },
    },
  });
}

function writeScenario(dir: string, yaml: string): string {
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, yaml);
  return file;
}

const MULTI_TURN = (fixtures: string): string => `
name: multi-turn
from: "{{caller}}"
headers:
  X-Lk-Test-Id: "{{run_id}}-{{call_number}}"
data:
  file: data.csv
steps:
  - wait_greeting: { timeout: 10s }
  - say:
      audio: ${fixtures}caller-order-status.wav
  - silence: { min: 100ms, max: 300ms }
  - say:
      one_of:
        - audio: ${fixtures}caller-order-number.wav
        - text: "The order number is {{order_number}}."
  # The reply to turn 2 (agent-reply-goodbye.wav) speaks without a pause from 300 ms to about 850 ms
  # after its onset, longer than the agent takes to stop (200 ms): the caller talks over a word. (At
  # the end of a word the agent's audio would fall silent before the agent itself stopped.)
  - barge_in:
      text: "Sorry, one more thing."
      after: 300ms
  - dtmf: { digits: "1#", duration: 100ms, gap: 100ms }
  - say:
      audio: ${fixtures}caller-goodbye.wav
  - hangup: {}
`;

test('multi-turn scenario: greeting, 3 turns, a barge-in, keys and hang-up; every TTFA within ±20 ms of the truth file', { timeout: 120_000 }, async (tc) => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-scenario-'));
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: quickProfile(), truth });
  try {
    writeFileSync(join(dir, 'data.csv'), 'caller,order_number\n+15550101,4711\n+15550102,815\n');
    const file = writeScenario(dir, MULTI_TURN(FIXTURES_DIR));
    const scenario = loadScenario(file);
    // The load engine's shard, in this thread: the agent and the calls read one monotonic clock.
    const ended: CallRecord[] = [];
    const host = new ShardHost({
      config: {
        scenarioFile: file,
        base: { ...DEFAULT_CALL_SETUP, target: agent.uri },
        plan: { model: { kind: 'open', arrivals: 'constant', ratePerSec: 10 }, concurrencyCap: 2, maxCalls: 2, seed: 7 },
        runStartEpochMs: performance.timeOrigin + performance.now(),
        seed: 7,
        runId: 'mt',
      },
      shards: 1,
      inProcess: true,
      onEvent: (ev) => {
        if (ev.type === 'call_ended') ended.push(ev.record);
      },
    });
    await host.run();
    assert.equal(ended.length, 2);
    for (const { callNumber, detail } of ended) {
      const result = detail as CallResult;
      assert.equal(result.outcome, 'completed', JSON.stringify(result, null, 1));
      assert.equal(result.stepsCompleted, scenario.steps.length);
      const calls = records(truth, 'call', result.callId);
      assert.equal(calls[0]?.testId, `mt-${callNumber}`, 'the templated X-Lk-Test-Id header reached the agent');
      const [greeting] = records(truth, 'greeting', result.callId);
      assert.ok(greeting !== undefined && result.greetingTtfaMs !== null);
      assert.ok(Math.abs(result.greetingTtfaMs - greeting.ttfaMs) <= 20, `greeting ${result.greetingTtfaMs} vs truth ${greeting.ttfaMs}`);

      // say, say, barge_in, say: four caller turns, each answered; the agent saw them in order.
      const turns = records(truth, 'turn', result.callId);
      assert.deepEqual(result.turns.map((t) => [t.kind, t.outcome]), [['say', 'replied'], ['say', 'replied'], ['barge_in', 'replied'], ['say', 'replied']]);
      assert.equal(turns.length, 4, JSON.stringify(turns));
      result.turns.forEach((t, i) => {
        const truthTtfa = turns[i]?.ttfaMs ?? null;
        assert.ok(t.ttfaMs !== null && truthTtfa !== null && Math.abs(t.ttfaMs - truthTtfa) <= 20, `call ${callNumber} turn ${i + 1}: ${t.ttfaMs} vs truth ${truthTtfa}`);
      });

      // The barge-in: the agent stopped its reply; our measurement agrees with its own record.
      const interrupted = turns[1];
      assert.equal(interrupted?.outcome, 'barged_in');
      const truthStop = interrupted.bargeIn === null ? null : interrupted.bargeIn.replyStoppedAtMs - interrupted.bargeIn.callerSpeechAtMs;
      const stop = result.turns[2]?.bargeInStopMs ?? null;
      assert.ok(stop !== null && truthStop !== null && Math.abs(stop - truthStop) <= 30, `barge-in stop ${stop} vs truth ${truthStop}`);
      // It started `after` (300 ms) into the reply (on the 20 ms send grid), plus the utterance's leading silence.
      const bargeStart = result.turns[2]?.speechStartSentAtMs ?? 0;
      const replyOnset = (result.turns[1]?.speechEndSentAtMs ?? 0) + (result.turns[1]?.ttfaMs ?? 0);
      assert.ok(bargeStart - replyOnset >= 280 && bargeStart - replyOnset < 450, `barge-in started ${bargeStart - replyOnset} ms into the reply`);
      tc.diagnostic(`call ${callNumber}: barge-in stop ${stop} ms, truth ${truthStop.toFixed(2)} ms; started ${(bargeStart - replyOnset).toFixed(1)} ms into the reply; TTFA error ${result.turns.map((t, i) => ((t.ttfaMs ?? 0) - (turns[i]?.ttfaMs ?? 0)).toFixed(2)).join(', ')} ms`);

      assert.equal(calls[0]?.dtmf, '1#', 'the agent received the keys');
    }
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('voiceload run: a second run takes its speech from the cache instead of synthesising again', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-cache-'));
  const agent = await startAgent({ port: 0, profile: quickProfile() });
  try {
    const file = writeScenario(
      dir,
      // Said without waiting for a reply: the cache is what is checked, so the calls stay short.
      `target: ${agent.uri}\nsteps:\n  - say: { text: "Where is my parcel, number ${process.pid}?", expect_reply: false }\n  - hangup: {}\n`,
    );
    const args = ['run', file, '-m', '1', '--seed', '1', '--speech-cache', join(dir, 'cache')];
    const first = await runCli(args, { deadlineMs: 40_000 });
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stderr, /1 text: 1 synthesised with espeak-ng, 0 from the cache/);
    const second = await runCli(args, { deadlineMs: 40_000 });
    assert.equal(second.code, 0, second.stderr + second.stdout);
    assert.match(second.stderr, /1 text: 0 synthesised with espeak-ng, 1 from the cache/);
    assert.match(second.stdout, /calls: 1, completed 1, failed 0/);
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

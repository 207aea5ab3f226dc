import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../src/agent/simulatedAgent.js';
import { resolveProfile } from '../../src/agent/profile/resolveProfile.js';
import { MemoryTruthSink, type TruthRecord } from '../../src/agent/truthLog.js';
import { VoiceloadError } from '../../src/core/errors.js';
import { DEFAULT_CALL_SETUP } from '../../src/engine/callConfig.js';
import type { CallRecord, LoadPlan, ShardEvent } from '../../src/load/loadTypes.js';
import type { RtpPortPool } from '../../src/load/pooledRtpPorts.js';
import { ShardHost } from '../../src/load/shardHost.js';
import type { ShardRunConfig } from '../../src/load/shardPlan.js';
import { runShard } from '../../src/load/shardRunner.js';

// Shards against the simulated agent on 127.0.0.1: every call of a shard shares one SIP socket and
// takes an RTP pair from the shard's pool. The agent's truth records are the ground truth.

type CallTruth = Extract<TruthRecord, { type: 'call' }>;

function quickProfile() {
  return resolveProfile({
    name: 'test-shards',
    signalling: { dispatchMs: { median: 30, p95: 50 }, joinMs: { median: 20, p95: 30 } },
    stages: {
      stt: { latencyMs: { median: 100, p95: 150 }, concurrency: 50 },
      llm: { latencyMs: { median: 200, p95: 300 }, concurrency: 50 },
      tts: { latencyMs: { median: 80, p95: 120 }, concurrency: 50 },
    },
  });
}

/** A call that answers, keeps the line up for `holdMs` (RTP both ways) and hangs up. */
function writeScenario(dir: string, holdMs: number): string {
  const file = join(dir, `hold-${holdMs}.yaml`);
  writeFileSync(
    file,
    `name: hold\nheaders:\n  X-Lk-Test-Id: "{{run_id}}-{{call_number}}"\nsteps:\n  - silence: { min: ${holdMs}ms, max: ${holdMs}ms }\n  - hangup: {}\n`,
  );
  return file;
}

function runConfig(agent: RunningAgent, scenarioFile: string, plan: LoadPlan, runId: string): ShardRunConfig {
  return { scenarioFile, base: { ...DEFAULT_CALL_SETUP, target: agent.uri }, plan, runStartEpochMs: performance.timeOrigin + performance.now(), seed: 5, runId };
}

/** A UDP port range below Linux's ephemeral ports, spread by pid; a busy pair is skipped anyway. */
function testRange(pairs: number): { first: number; last: number } {
  const first = 21000 + (process.pid % 1000) * 8;
  return { first, last: first + 2 * pairs - 1 };
}

const callTruths = (truth: MemoryTruthSink): CallTruth[] => truth.records.filter((r): r is CallTruth => r.type === 'call');

/** The agent records a call after its media closes: wait (bounded) until it has all of them. */
async function agentCompleted(agent: RunningAgent, n: number): Promise<void> {
  const deadline = performance.now() + 5000;
  while (agent.stats().completed < n && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

const ended = (events: ShardEvent[]): CallRecord[] => events.flatMap((e) => (e.type === 'call_ended' ? [e.record] : []));

test('shards: pooled calls in one shard, in two worker threads, stopped mid-run, and a port range too small', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-shards-'));
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: quickProfile(), truth });
  const short = writeScenario(dir, 300);
  const long = writeScenario(dir, 20_000);
  try {
    await t.test('one shard in this thread: 20 calls share one SIP socket, RTP pairs come from the range and all go back', async () => {
      const range = testRange(16);
      const events: ShardEvent[] = [];
      let pool: RtpPortPool | undefined;
      const usedPorts = new Set<number>();
      let transports = 0;
      const plan: LoadPlan = { model: { kind: 'open', arrivals: 'constant', ratePerSec: 25 }, concurrencyCap: 16, maxCalls: 20, seed: 1 };
      await runShard({ ...runConfig(agent, short, plan, 'one'), shard: 0, shards: 1, rtpPorts: range }, (ev) => {
        events.push(ev);
        if (ev.type === 'call_answered') for (const p of pool?.inUseRtpPorts() ?? []) usedPorts.add(p);
      }, undefined, {
        onReady: (r) => {
          pool = r.ports;
          transports++;
        },
      });
      const records = ended(events);
      assert.equal(transports, 1);
      assert.equal(records.length, 20);
      assert.deepEqual(records.filter((r) => r.outcome !== 'completed'), [], 'every call completed');
      assert.deepEqual(events.at(-1), { type: 'shard_done', shard: 0, started: 20, dropped: 0 });
      assert.deepEqual(new Set(records.map((r) => r.callNumber)), new Set(Array.from({ length: 20 }, (_, i) => i + 1)));
      assert.equal(events.filter((e) => e.type === 'call_started').length, 20);
      assert.equal(events.filter((e) => e.type === 'call_answered').length, 20);
      for (const r of records) {
        assert.ok(r.answeredAtMs !== null && r.startedAtMs >= r.intendedStartAtMs && r.answeredAtMs > r.startedAtMs && r.endedAtMs > r.answeredAtMs);
        assert.equal(r.testId, `one-${r.callNumber}`);
        assert.ok(r.rtp !== null && r.rtp.sentPackets > 0 && r.rtp.receivedPackets > 0, 'RTP flowed both ways');
      }
      // Ground truth: the agent saw each of these calls, with our Call-IDs and test ids.
      await agentCompleted(agent, 20);
      const truthById = new Map(callTruths(truth).map((c) => [c.callId, c]));
      for (const r of records) assert.equal(truthById.get(r.callId)?.testId, r.testId);
      assert.equal(agent.stats().completed, 20);
      assert.ok(usedPorts.size > 0);
      for (const p of usedPorts) assert.ok(p % 2 === 0 && p >= range.first && p + 1 <= range.last, `RTP port ${p} in ${range.first}-${range.last}`);
      const s = pool?.stats();
      assert.equal(s?.acquired, 20);
      assert.equal(s?.released, 20);
      assert.equal(s?.inUse, 0);
      t.diagnostic(`one shard: ${usedPorts.size} distinct RTP pairs used, peak ${s?.peakInUse} at once`);
    });

    await t.test('two worker threads: events from both shards, call numbers interleaved and unique, every call at the agent', async () => {
      const before = agent.stats().completed;
      const events: ShardEvent[] = [];
      const plan: LoadPlan = { model: { kind: 'open', arrivals: 'constant', ratePerSec: 25 }, concurrencyCap: 20, maxCalls: 20, seed: 2 };
      const host = new ShardHost({ config: { ...runConfig(agent, short, plan, 'two'), rtpPorts: testRange(20) }, shards: 2, onEvent: (ev) => events.push(ev) });
      const ends = await host.run();
      assert.deepEqual(ends.map((e) => e.type), ['shard_done', 'shard_done'], JSON.stringify(ends));
      const records = ended(events);
      assert.equal(records.length, 20);
      assert.deepEqual(records.filter((r) => r.outcome !== 'completed'), []);
      assert.deepEqual(new Set(records.map((r) => r.shard)), new Set([0, 1]));
      const numbers = records.map((r) => r.callNumber).sort((a, b) => a - b);
      assert.deepEqual(numbers, Array.from({ length: 20 }, (_, i) => i + 1), 'unique, 1..20 across both shards');
      for (const r of records) assert.equal(r.callNumber % 2, r.shard === 0 ? 1 : 0, 'shard 0 odd, shard 1 even');
      await agentCompleted(agent, before + 20);
      assert.equal(agent.stats().completed - before, 20);
      const truthIds = new Set(callTruths(truth).map((c) => c.callId));
      assert.ok(records.every((r) => truthIds.has(r.callId)));
      // Run time is one base for both threads: intended starts follow the 40 ms arrival grid per shard.
      const started = events.flatMap((e) => (e.type === 'call_started' ? [e] : []));
      assert.ok(started.every((e) => e.startedAtMs >= e.intendedStartAtMs && e.startedAtMs - e.intendedStartAtMs < 1000));
    });

    await t.test('stop() mid-run: active calls end with BYE (the agent sees the caller hang up), then shard_done', async () => {
      const events: ShardEvent[] = [];
      const plan: LoadPlan = { model: { kind: 'closed', users: 4 }, concurrencyCap: 4, seed: 3 };
      let answered = 0;
      let host: ShardHost | undefined;
      host = new ShardHost({
        config: runConfig(agent, long, plan, 'stop'),
        shards: 2,
        onEvent: (ev) => {
          events.push(ev);
          if (ev.type === 'call_answered' && ++answered === 4) host?.stop();
        },
      });
      const t0 = performance.now();
      const ends = await host.run();
      const stopMs = performance.now() - t0;
      assert.deepEqual(ends.map((e) => e.type), ['shard_done', 'shard_done']);
      assert.ok(stopMs < 10_000, `stopped after ${stopMs.toFixed(0)} ms, not after the 20 s hold`);
      const records = ended(events);
      assert.equal(records.length, 4);
      assert.ok(records.every((r) => r.reason === 'aborted' && r.answeredAtMs !== null), JSON.stringify(records.map((r) => r.reason)));
      const ids = new Set(records.map((r) => r.callId));
      const deadline = performance.now() + 5000;
      let seen: CallTruth[] = [];
      while (performance.now() < deadline) {
        seen = callTruths(truth).filter((c) => ids.has(c.callId));
        if (seen.length === 4) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(seen.length, 4);
      assert.deepEqual(seen.map((c) => c.endedBy), ['caller', 'caller', 'caller', 'caller'], 'each call got our BYE');
    });

    await t.test('terminate(): the hard stop ends the workers at once; shards not done report shard_error, nothing hangs', async () => {
      // A far end that never answers (the calls ring): killing the workers leaves no call at the agent.
      const sink = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', () => resolve()));
      const events: ShardEvent[] = [];
      let started = 0;
      let terminated: Promise<void> | undefined;
      let host: ShardHost | undefined;
      const config = runConfig(agent, long, { model: { kind: 'closed', users: 2 }, concurrencyCap: 2, seed: 6 }, 'kill');
      host = new ShardHost({
        config: { ...config, base: { ...config.base, target: `sip:agent@127.0.0.1:${sink.address().port}` } },
        shards: 2,
        onEvent: (ev) => {
          events.push(ev);
          if (ev.type === 'call_started' && ++started === 2) terminated = host?.terminate();
        },
      });
      try {
        const ends = await host.run();
        await terminated;
        assert.deepEqual(ends.map((e) => e.type), ['shard_error', 'shard_error']);
        assert.ok(ends.every((e) => e.type === 'shard_error' && e.code === 'INTERNAL' && /exited/.test(e.message)), JSON.stringify(ends));
        assert.equal(ended(events).length, 0, 'no call ended: the workers were killed under them');
      } finally {
        sink.close();
      }
    });

    await t.test('a port range too small, or a bad target: a clear error before any call', async () => {
      const offered = agent.stats().offered;
      const plan: LoadPlan = { model: { kind: 'open', arrivals: 'constant', ratePerSec: 10 }, concurrencyCap: 10, maxCalls: 10, seed: 4 };
      const events: ShardEvent[] = [];
      const host = new ShardHost({ config: { ...runConfig(agent, short, plan, 'small'), rtpPorts: testRange(4) }, shards: 2, onEvent: (ev) => events.push(ev) });
      await assert.rejects(host.run(), (e: unknown) => e instanceof VoiceloadError && e.code === 'PORTS_EXHAUSTED' && /give 4 pairs; -l 10 needs 10/.test(e.message) && e.hint !== undefined);
      assert.deepEqual(events, []);

      // The same check inside a shard, and an unusable target: one shard_error each, no call.
      for (const [config, code] of [
        [{ ...runConfig(agent, short, plan, 'small'), shard: 0, shards: 1, rtpPorts: testRange(4) }, 'PORTS_EXHAUSTED'],
        [{ ...runConfig(agent, short, plan, 'bad'), base: { ...DEFAULT_CALL_SETUP, target: 'not a uri' }, shard: 0, shards: 1 }, 'CLI_USAGE'],
      ] as const) {
        const got: ShardEvent[] = [];
        await runShard(config, (ev) => got.push(ev));
        assert.equal(got.length, 1, JSON.stringify(got));
        const [ev] = got;
        assert.ok(ev?.type === 'shard_error' && ev.code === code && ev.hint !== undefined, JSON.stringify(ev));
      }
      assert.equal(agent.stats().offered, offered);
    });
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

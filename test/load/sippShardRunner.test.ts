import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeClock } from '../../src/core/fakeClock.js';
import { DEFAULT_CALL_SETUP } from '../../src/engine/callConfig.js';
import type { CallRecord, LoadPlan, ShardEvent } from '../../src/load/loadTypes.js';
import type { ShardConfig } from '../../src/load/shardConfig.js';
import { runShard } from '../../src/load/shardRunner.js';
import { splitPlan } from '../../src/load/splitPlan.js';
import { getHeader, type SipRequest } from '../../src/sip/message.js';
import { createResponse } from '../../src/sip/transaction/createResponse.js';
import { createMemoryTransportPair, type MemoryTransport } from '../../src/sip/transport/memoryTransport.js';
import { resolveSippRunOptions, type SippRunOptions } from '../../src/sipp/sippRunOptions.js';
import type { SippCallResult } from '../../src/sipp/sippResult.js';

// SIPp shards on a FakeClock, each on its own in-memory transport to a scripted UAS: the calls a
// LoadController starts are SippCalls on the shard's one transport. The UAS's log is the truth.

const CLOCK_START = 1000;
// basic-call.xml with a fixed media port: no RTP sockets in a unit test. An X-Row header carries [field0].
const BASIC = readFileSync(fileURLToPath(new URL('../../scenarios/basic-call.xml', import.meta.url)), 'utf8')
  .replaceAll('[media_port]', '6000')
  .replace('Subject: Performance Test\n      Content-Type', 'Subject: Performance Test\n      X-Row: [field0]\n      Content-Type');

interface UasLog {
  invites: { callId: string; row: string | undefined; atMs: number }[];
  ringingAtMs: Map<string, number>;
  answeredAtMs: Map<string, number>;
  byes: string[];
  cancels: string[];
}

/** Answers each INVITE with 100 and 180 at once, then 200 after `answerDelayMs`; 200 to BYE and CANCEL. */
function fakeUas(b: MemoryTransport, clock: FakeClock, answerDelayMs: number): UasLog {
  const log: UasLog = { invites: [], ringingAtMs: new Map(), answeredAtMs: new Map(), byes: [], cancels: [] };
  b.onMessage(({ message: m, source }) => {
    if (m.kind !== 'request') return;
    const callId = getHeader(m, 'Call-ID') ?? '';
    const reply = (req: SipRequest, status: number, reason: string, tag?: string): void => b.send(createResponse(req, status, reason, [], undefined, tag), source);
    if (m.method === 'INVITE') {
      log.invites.push({ callId, row: getHeader(m, 'X-Row'), atMs: clock.nowMs() });
      reply(m, 100, 'Trying');
      reply(m, 180, 'Ringing', 'uas');
      log.ringingAtMs.set(callId, clock.nowMs());
      const t = clock.setTimer(answerDelayMs, () => {
        if (log.cancels.includes(callId)) return;
        log.answeredAtMs.set(callId, clock.nowMs());
        reply(m, 200, 'OK', 'uas');
      });
      void t;
    } else if (m.method === 'BYE') {
      log.byes.push(callId);
      reply(m, 200, 'OK', 'uas');
    } else if (m.method === 'CANCEL') {
      log.cancels.push(callId);
      reply(m, 200, 'OK', 'uas');
    }
  });
  return log;
}

interface Fixture {
  clock: FakeClock;
  dir: string;
  scenarioFile: string;
  injectionFile: string;
  rows: string[];
}

function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-sipp-shard-'));
  const scenarioFile = join(dir, 'basic.xml');
  writeFileSync(scenarioFile, BASIC);
  const rows = ['alice', 'bob', 'carol', 'dave'];
  const injectionFile = join(dir, 'rows.csv');
  writeFileSync(injectionFile, `SEQUENTIAL\n${rows.join(';\n')};\n`);
  return { clock: new FakeClock(CLOCK_START), dir, scenarioFile, injectionFile, rows };
}

function shardConfig(f: Fixture, plan: LoadPlan, shard: number, shards: number, opts: Partial<SippRunOptions> = {}): ShardConfig {
  return {
    scenarioFile: f.scenarioFile,
    kind: 'sipp',
    sipp: resolveSippRunOptions({ target: '192.0.2.2:5060', localHost: '192.0.2.1', defaultPauseMs: 300, injectionFile: f.injectionFile, ...opts }),
    base: { ...DEFAULT_CALL_SETUP, target: 'sip:service@192.0.2.2:5060' },
    plan,
    shard,
    shards,
    runStartEpochMs: 0,
    seed: 9,
    runId: 'test',
  };
}

interface ShardRun {
  events: ShardEvent[];
  uas: UasLog;
  done: Promise<void>;
}

function startShard(f: Fixture, config: ShardConfig, answerDelayMs: number, signal?: AbortSignal): ShardRun {
  const [a, b] = createMemoryTransportPair({ clock: f.clock });
  const uas = fakeUas(b, f.clock, answerDelayMs);
  const events: ShardEvent[] = [];
  const done = runShard(config, (ev) => events.push(ev), signal, {
    clock: f.clock,
    toRunMs: (ms) => ms - CLOCK_START,
    createSippTransport: async () => a,
    sippFlushMs: 0,
  });
  return { events, uas, done };
}

/** Advances the fake clock in small steps, letting promise continuations (port binding, launches) run between them. */
async function runFor(clock: FakeClock, ms: number, stepMs = 10): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    await new Promise((r) => setImmediate(r));
    clock.advance(stepMs);
  }
  await new Promise((r) => setImmediate(r));
}

const records = (events: ShardEvent[]): CallRecord[] => events.flatMap((e) => (e.type === 'call_ended' ? [e.record] : []));

test('two SIPp shards share a run: global call numbers, -inf rows by call number, set-up latencies from the UAS, one warning per shard', async () => {
  const f = fixture();
  try {
    const plan: LoadPlan = { model: { kind: 'open', arrivals: 'constant', ratePerSec: 20 }, concurrencyCap: 10, maxCalls: 6, seed: 9 };
    const answerDelayMs = 120;
    const runs = splitPlan(plan, 2).map((p, i) => startShard(f, shardConfig(f, p, i, 2), answerDelayMs));
    await runFor(f.clock, 3000);
    await Promise.all(runs.map((r) => r.done));
    const all = runs.flatMap((r) => records(r.events));
    assert.deepEqual(all.map((r) => r.callNumber).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6]);
    for (const run of runs) {
      const recs = records(run.events);
      const done = run.events.find((e) => e.type === 'shard_done');
      assert.ok(done !== undefined && done.type === 'shard_done' && done.started === recs.length, JSON.stringify(run.events.slice(-2)));
      // The UAS rang first and the scenario does not expect it: said once by each shard, with a key the coordinator dedups.
      const warnings = run.events.filter((e) => e.type === 'warning');
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]!.type === 'warning' ? warnings[0]!.key : '', 'unmentioned-provisional');
      assert.equal(run.events.filter((e) => e.type === 'call_answered').length, recs.length);
      for (const rec of recs) {
        assert.equal(rec.outcome, 'completed', JSON.stringify(rec));
        const invite = run.uas.invites.find((i) => i.callId === rec.callId);
        assert.ok(invite !== undefined);
        // -inf SEQUENTIAL: the row follows the run-wide call number, whichever shard placed it.
        assert.equal(invite.row, f.rows[(rec.callNumber - 1) % f.rows.length]);
        assert.equal(rec.inviteToAnswerMs, run.uas.answeredAtMs.get(rec.callId)! - invite.atMs + Math.max(0, rec.startLagMs));
        assert.equal(rec.postDialDelayMs, run.uas.ringingAtMs.get(rec.callId)! - invite.atMs);
        assert.equal(rec.answeredAtMs, run.uas.answeredAtMs.get(rec.callId)! - CLOCK_START);
        assert.deepEqual(Object.keys((rec.detail as SippCallResult).rtdMs), ['1']);
      }
      assert.deepEqual(run.uas.byes.sort(), recs.map((r) => r.callId).sort());
    }
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('--strict: the unexpected 100 fails each call as SIPp does (unexpected_message), the ringing INVITE is cancelled, no warning', async () => {
  const f = fixture();
  try {
    const plan: LoadPlan = { model: { kind: 'open', arrivals: 'constant', ratePerSec: 10 }, concurrencyCap: 5, maxCalls: 3, seed: 9 };
    const run = startShard(f, shardConfig(f, plan, 0, 1, { strict: true }), 500);
    await runFor(f.clock, 2000);
    await run.done;
    const recs = records(run.events);
    assert.equal(recs.length, 3);
    for (const rec of recs) {
      assert.equal(rec.outcome, 'failed');
      assert.equal(rec.reason, 'unexpected_message');
      assert.match(rec.reasonText ?? '', /^unexpected message: 100 Trying/);
      assert.equal(rec.inviteToAnswerMs, null);
    }
    assert.equal(run.events.filter((e) => e.type === 'warning').length, 0);
    assert.deepEqual(run.uas.cancels.sort(), recs.map((r) => r.callId).sort());
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('stopping the shard mid-hold: no new calls, every answered call gets a BYE and ends as aborted, then shard_done', async () => {
  const f = fixture();
  try {
    const plan: LoadPlan = { model: { kind: 'open', arrivals: 'constant', ratePerSec: 10 }, concurrencyCap: 5, maxCalls: 50, seed: 9 };
    const stop = new AbortController();
    const run = startShard(f, shardConfig(f, plan, 0, 1, { defaultPauseMs: 60_000 }), 50, stop.signal);
    await runFor(f.clock, 350);
    const started = run.events.filter((e) => e.type === 'call_started').length;
    assert.ok(started >= 3, `started ${started}`);
    stop.abort();
    await runFor(f.clock, 500);
    await run.done;
    const recs = records(run.events);
    assert.equal(recs.length, started, 'every started call is reported, no call started after the stop');
    for (const rec of recs) assert.equal(rec.reason, 'aborted', JSON.stringify(rec));
    const answered = recs.filter((r) => r.answeredAtMs !== null).map((r) => r.callId);
    assert.ok(answered.length > 0);
    assert.deepEqual(run.uas.byes.sort(), answered.sort());
    assert.equal(run.events.at(-1)?.type, 'shard_done');
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('a bad -inf file is one shard_error before any call', async () => {
  const f = fixture();
  try {
    writeFileSync(f.injectionFile, 'NOT AN ORDER\nx;\n');
    const plan: LoadPlan = { model: { kind: 'open', arrivals: 'constant', ratePerSec: 10 }, concurrencyCap: 5, maxCalls: 2, seed: 9 };
    const run = startShard(f, shardConfig(f, plan, 0, 1), 50);
    await runFor(f.clock, 100);
    await run.done;
    assert.equal(run.events.length, 1);
    const ev = run.events[0]!;
    assert.ok(ev.type === 'shard_error' && ev.code === 'CONFIG' && ev.message.includes('rows.csv:1'), JSON.stringify(ev));
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

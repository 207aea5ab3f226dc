import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent } from '../../src/agent/simulatedAgent.js';
import { resolveProfile } from '../../src/agent/profile/resolveProfile.js';
import { MemoryTruthSink, type TruthRecord } from '../../src/agent/truthLog.js';
import type { CallResult } from '../../src/engine/callResult.js';
import { callAgainst } from '../interop/helpers/callAgainst.js';
import { fixture } from '../interop/helpers/fixtures.js';
import { startSippUac } from '../interop/helpers/sippUac.js';

// The simulated agent against real callers on 127.0.0.1: voiceload itself (in this process, so both
// sides read the same monotonic clock) and SIPp. Its truth records are its own timestamps.

const caller = fixture('caller-goodbye.wav');

type Rec<T extends TruthRecord['type']> = Extract<TruthRecord, { type: T }>;
const records = <T extends TruthRecord['type']>(sink: MemoryTruthSink, type: T, callId?: string): Rec<T>[] =>
  sink.records.filter((r): r is Rec<T> => r.type === type && (callId === undefined || (r as { callId?: string }).callId === callId));

/** A quick profile: short dispatch, fast stages, so a call with a turn takes about 10 s. */
function quickProfile(overrides: Record<string, unknown> = {}) {
  return resolveProfile({
    name: 'test-quick',
    signalling: { dispatchMs: { median: 80, p95: 120 }, joinMs: { median: 40, p95: 60 } },
    stages: {
      stt: { latencyMs: { median: 100, p95: 150 }, concurrency: 50 },
      llm: { latencyMs: { median: 250, p95: 400 }, concurrency: 50 },
      tts: { latencyMs: { median: 80, p95: 120 }, concurrency: 50 },
    },
    ...overrides,
  });
}

test('voiceload call against the agent: greeting and turn TTFA match the truth file within ±20 ms', { timeout: 60_000 }, async () => {
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: quickProfile(), truth });
  try {
    const result = await callAgainst(agent.uri, { say: [caller.path], header: ['X-Lk-Test-Id: accuracy-1'] });
    assert.equal(result.outcome, 'completed', JSON.stringify(result));
    const [greeting] = records(truth, 'greeting', result.callId);
    const [turn] = records(truth, 'turn', result.callId);
    assert.ok(greeting !== undefined && turn !== undefined, JSON.stringify(truth.records));
    assert.equal(greeting.testId, 'accuracy-1');
    assert.ok(result.greetingTtfaMs !== null && Math.abs(result.greetingTtfaMs - greeting.ttfaMs) <= 20, `greeting ${result.greetingTtfaMs} vs truth ${greeting.ttfaMs}`);
    const measured = result.turns[0]?.ttfaMs ?? null;
    assert.ok(measured !== null && turn.ttfaMs !== null && Math.abs(measured - turn.ttfaMs) <= 20, `turn ${measured} vs truth ${turn.ttfaMs}`);
    // The agent's pipeline explains its TTFA: endpointing, then STT → LLM → TTS, then the reply's lead-in.
    assert.ok(turn.sttDoneAtMs !== null && turn.llmFirstTokenAtMs !== null && turn.ttsFirstByteAtMs !== null && turn.firstReplyPacketSentAtMs !== null);
    assert.ok(turn.callerSpeechEndAtMs < turn.endOfUtteranceAtMs && turn.endOfUtteranceAtMs <= turn.sttDoneAtMs);
    assert.ok(turn.sttDoneAtMs <= turn.llmFirstTokenAtMs && turn.llmFirstTokenAtMs <= turn.ttsFirstByteAtMs);
    assert.ok(turn.ttsFirstByteAtMs <= turn.firstReplyPacketSentAtMs + 0.5);
    const [call] = records(truth, 'call', result.callId);
    assert.equal(call?.outcome, 'completed');
    assert.equal(call?.endedBy, 'caller');
    assert.equal(call?.codec, 'PCMU');
  } finally {
    await agent.stop();
  }
});

test('signalling like LiveKit: 100, 180 while dispatching, 200 only after dispatch + join', { timeout: 60_000 }, async () => {
  const truth = new MemoryTruthSink();
  const profile = quickProfile({ signalling: { ringingIntervalMs: 300, dispatchMs: { median: 700, p95: 700 }, joinMs: { median: 300, p95: 300 } } });
  const agent = await startAgent({ port: 0, profile, truth });
  try {
    const r = await callAgainst(agent.uri, {});
    assert.equal(r.outcome, 'completed', JSON.stringify(r));
    assert.ok(r.inviteToTryingMs !== null && r.inviteToTryingMs < 50);
    assert.ok(r.postDialDelayMs !== null && r.postDialDelayMs < 100);
    // Fixed dispatch 700 + join 300 ms.
    assert.ok(r.inviteToAnswerMs !== null && r.inviteToAnswerMs >= 1000 && r.inviteToAnswerMs < 1100, `answer after ${r.inviteToAnswerMs}`);
  } finally {
    await agent.stop();
  }
});

test('llm-bound: more callers than LLM slots queue for the LLM and their TTFA grows', { timeout: 90_000 }, async () => {
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: 'llm-bound', truth });
  try {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => callAgainst(agent.uri, { say: [caller.path], replyTimeout: '15s', header: [`X-Lk-Test-Id: llm-${i}`] })));
    for (const r of results) assert.equal(r.outcome, 'completed', JSON.stringify(r));
    const turns = records(truth, 'turn');
    assert.equal(turns.length, 6);
    const waits = turns.map((t) => t.llm?.queueWaitMs ?? 0).sort((a, b) => a - b);
    // 6 requests at once on 2 LLM slots of ~1 s: two start at once, the rest wait about 1, 1, 2, 2 s.
    assert.ok((waits[0] ?? 1) < 50 && (waits[5] ?? 0) > 1200, `LLM queue waits ${waits.map(Math.round).join(', ')}`);
    const ttfas = results.map((r: CallResult) => r.turns[0]?.ttfaMs ?? NaN).sort((a, b) => a - b);
    assert.ok((ttfas[5] ?? 0) - (ttfas[0] ?? 0) > 1000, `TTFA spread ${ttfas.map(Math.round).join(', ')}`);
  } finally {
    await agent.stop();
  }
});

test('trunk-bound: calls beyond the trunk channels get 503, counted', { timeout: 60_000 }, async () => {
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: 'trunk-bound', truth });
  try {
    const limit = agent.profile.trunk.channels;
    const results = await Promise.all(Array.from({ length: limit + 2 }, () => callAgainst(agent.uri, {})));
    const rejected = results.filter((r) => r.reason === 'sip_503');
    assert.equal(rejected.length, 2, results.map((r) => r.reason ?? r.outcome).join(', '));
    assert.equal(results.filter((r) => r.outcome === 'completed').length, limit);
    assert.equal(agent.stats().rejected['503'], 2);
    assert.equal(records(truth, 'call').filter((c) => c.outcome === 'rejected' && c.status === 503).length, 2);
  } finally {
    await agent.stop();
  }
});

test('SIPp as the caller: 50 calls at 10 calls/s all succeed', { timeout: 60_000 }, async () => {
  const agent = await startAgent({ port: 0, profile: quickProfile({ trunk: { channels: 100 } }) });
  try {
    const uac = await startSippUac({ scenario: { builtin: 'uac' }, target: agent, calls: 50, rate: 10, limit: 30, pauseMs: 500, deadlineMs: 40_000 });
    const exit = await uac.process.exited;
    assert.equal(exit.code, 0, exit.stdout.slice(-2500));
    const s = agent.stats();
    assert.equal(s.answered, 50);
    assert.deepEqual(s.rejected, {});
  } finally {
    await agent.stop();
  }
});

test('SIPp with [authentication] passes the agent\'s 407 challenge', { timeout: 60_000 }, async () => {
  const profile = quickProfile({ signalling: { auth: { realm: 'voiceload.test', username: 'voiceload' } } });
  const agent = await startAgent({ port: 0, profile, password: 'agent-secret' });
  try {
    const uac = await startSippUac({ scenario: 'uac-auth.xml', target: agent, auth: { username: 'voiceload', password: 'agent-secret' }, pauseMs: 300 });
    const exit = await uac.process.exited;
    assert.equal(exit.code, 0, exit.stdout.slice(-2500));
    assert.equal(agent.stats().answered, 1);
    // voiceload's own caller authenticates the same way; a wrong password is refused with 401.
    const ok = await callAgainst(agent.uri, { authUser: 'voiceload' }, { VOICELOAD_SIP_PASSWORD: 'agent-secret' });
    assert.equal(ok.outcome, 'completed', JSON.stringify(ok));
    assert.equal(ok.authChallenges, 1);
    const bad = await callAgainst(agent.uri, { authUser: 'voiceload' }, { VOICELOAD_SIP_PASSWORD: 'nope' });
    assert.equal(bad.reason, 'auth_failed');
    assert.equal(bad.sipStatus, 401);
  } finally {
    await agent.stop();
  }
});

test('no caller RTP for rtpTimeoutMs: the agent hangs up with BYE', { timeout: 60_000 }, async () => {
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: quickProfile({ conversation: { rtpTimeoutMs: 1500, greeting: false } }), truth });
  try {
    // SIPp sends no RTP; its scenario waits for the callee's BYE.
    const uac = await startSippUac({ scenario: 'uac-remote-bye.xml', target: agent });
    const exit = await uac.process.exited;
    assert.equal(exit.code, 0, exit.stdout.slice(-2500));
    await new Promise((r) => setTimeout(r, 100));
    const [call] = records(truth, 'call');
    assert.equal(call?.endedBy, 'agent');
    assert.ok(call !== undefined && call.answeredAtMs !== null && call.endedAtMs - call.answeredAtMs >= 1500 && call.endedAtMs - call.answeredAtMs < 3000);
  } finally {
    await agent.stop();
  }
});

test('stopping the agent mid-call ends the call with BYE and still writes its records', { timeout: 60_000 }, async () => {
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: quickProfile(), truth });
  let stopped: Promise<void> | undefined;
  const result = await callAgainst(agent.uri, { say: [caller.path] }, {}, {
    onEvent: (e) => {
      if (e.type === 'agent_speech_start' && e.turn === 'greeting') stopped = agent.stop();
    },
  });
  await stopped;
  assert.equal(result.endedBy, 'remote');
  assert.equal(result.reason, 'remote_hangup_early');
  assert.ok(result.greetingTtfaMs !== null);
  const [call] = records(truth, 'call', result.callId);
  assert.equal(call?.outcome, 'completed');
  assert.equal(call?.endedBy, 'agent');
  assert.equal(records(truth, 'greeting', result.callId).length, 1);
});

test('worker-bound: a call that waits longer than slotWaitMs for a worker gets the reject status', { timeout: 60_000 }, async () => {
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: 'worker-bound', truth });
  try {
    const { count, jobsPerWorker, slotWaitMs, rejectStatus } = agent.profile.workers;
    const slots = count * jobsPerWorker;
    const results = await Promise.all(Array.from({ length: slots + 2 }, () => callAgainst(agent.uri, {})));
    const rejected = results.filter((r) => r.reason === `sip_${rejectStatus}`);
    assert.equal(rejected.length, 2, results.map((r) => r.reason ?? r.outcome).join(', '));
    // They rang while waiting for a slot, and were refused only after slotWaitMs.
    for (const r of rejected) {
      assert.ok(r.postDialDelayMs !== null);
      const waitedMs = r.timeline.endedAtMs - r.timeline.inviteSentAtMs;
      assert.ok(waitedMs >= slotWaitMs - 5 && waitedMs < slotWaitMs + 1000, `rejected after ${waitedMs} ms`);
    }
    assert.equal(results.filter((r) => r.outcome === 'completed').length, slots);
  } finally {
    await agent.stop();
  }
});

test('a caller that CANCELs while the agent is being dispatched frees its channel and worker slot', { timeout: 60_000 }, async () => {
  const truth = new MemoryTruthSink();
  const profile = quickProfile({ trunk: { channels: 1 }, signalling: { dispatchMs: { median: 3000, p95: 3000 }, joinMs: { median: 10, p95: 10 } } });
  const agent = await startAgent({ port: 0, profile, truth });
  try {
    const r = await callAgainst(agent.uri, { ringTimeout: '500ms' });
    assert.equal(r.reason, 'timeout_ringing');
    assert.equal(r.sipStatus, 487);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(agent.stats().cancelled, 1);
    assert.equal(agent.stats().activeCalls, 0);
    const [call] = records(truth, 'call', r.callId);
    assert.equal(call?.outcome, 'cancelled');
    // The only trunk channel is free again.
    const again = await callAgainst(agent.uri, { ringTimeout: '500ms' });
    assert.equal(again.reason, 'timeout_ringing', 'the channel was not released: the second call got ' + String(again.reason));
  } finally {
    await agent.stop();
  }
});

test('a re-INVITE from SIPp is answered 200 with an SDP answer keeping the codec in use', { timeout: 60_000 }, async () => {
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: quickProfile({ conversation: { greeting: false } }), truth });
  try {
    const uac = await startSippUac({ scenario: 'uac-reinvite.xml', target: agent });
    const exit = await uac.process.exited;
    // SIPp's scenario requires a 200 whose SDP answer keeps PCMU although PCMA is offered first.
    assert.equal(exit.code, 0, exit.stdout.slice(-2500));
    await new Promise((r) => setTimeout(r, 100));
    const [call] = records(truth, 'call');
    assert.equal(call?.outcome, 'completed');
    assert.equal(call?.codec, 'PCMU');
    assert.equal(call?.endedBy, 'caller');
  } finally {
    await agent.stop();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../../src/core/clock.js';
import { DEFAULT_CALL_SETUP } from '../../src/engine/callConfig.js';
import { observeCalls } from '../../src/livekit/livekitCallObserver.js';
import type { ConnectObserver } from '../../src/livekit/observerPool.js';
import type { RoomListing } from '../../src/livekit/roomDirectory.js';
import { TEST_ID_ATTRIBUTE, type RoomObservationRecorder } from '../../src/livekit/roomObservationRecorder.js';
import { serializeVoiceloadRecord, VOICELOAD_METRICS_TOPIC } from '../../src/livekit/turnMetricsRecord.js';
import type { CallRecord } from '../../src/load/loadTypes.js';
import { startLoad } from '../../src/load/runLoad.js';
import { runIdOf, startLoadAgent, STEPS, type TurnTruth } from '../load/helpers/loadRun.js';

// `run --livekit` end to end through the load engine, at the LiveKit seam: the simulated agent (this
// process) answers the calls, and a stand-in for LiveKit plays each call's room — the room listing
// knows a room per test id, and the "observer connection" publishes on the voiceload.metrics topic
// what an agent with `voiceload/livekit-agent` would: each turn's stage times, taken from the
// simulated agent's own truth records. No LiveKit server runs here; this checks that the engine holds
// each record until its room is left, that the pool finds and joins rooms, and that the matched
// stages land on the right turns with the right values (the ground truth is the agent's timestamps).

const CALLS = 3;
const epochOf = (agentClockMs: number): number => performance.timeOrigin + agentClockMs;

test('run with a call observer: every turn of every call gets the stage breakdown the agent published, matched to the right turn', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-livekit-run-'));
  const { agent, truth } = await startLoadAgent(CALLS);
  const runId = runIdOf('lk');
  const testIds = Array.from({ length: CALLS }, (_, i) => `${runId}-${i + 1}`);
  const turnsOf = (testId: string): TurnTruth[] => truth.records.filter((r): r is TurnTruth => r.type === 'turn' && r.testId === testId);
  const listing: RoomListing = {
    listRoomNames: async () => testIds.map((id) => `vl-${id}`),
    listParticipants: async (room) => [{ identity: 'sip_caller', attributes: { [TEST_ID_ATTRIBUTE]: room.slice(3) } }],
  };
  const joined: string[] = [];
  // The room as the observer sees it: the agent is there; its records arrive as the agent finishes turns.
  const connect: ConnectObserver = async (room: string, recorder: RoomObservationRecorder) => {
    joined.push(room);
    const testId = room.slice(3);
    recorder.joined(Date.now(), [{ identity: 'agent-1', isAgent: true, attributes: {} }]);
    const sent = new Set<number>();
    const publish = (): void => {
      for (const t of turnsOf(testId)) {
        if (sent.has(t.index) || t.endOfUtteranceAtMs === null) continue;
        sent.add(t.index);
        // The agent's state attribute as LiveKit Agents sets it: thinking once the turn is committed, speaking with the reply.
        recorder.attributesChanged('agent-1', { 'lk.agent.state': 'thinking' }, epochOf(t.sttDoneAtMs ?? t.endOfUtteranceAtMs));
        if (t.firstReplyPacketSentAtMs !== null) recorder.attributesChanged('agent-1', { 'lk.agent.state': 'speaking' }, epochOf(t.firstReplyPacketSentAtMs));
        const record = serializeVoiceloadRecord({
          v: 1,
          type: 'turn_metrics',
          speechId: `speech-${testId}-${t.index}`,
          testId,
          // LiveKit's end-of-utterance delay runs to the turn's commit, final transcript included: in
          // the simulated agent (endpointing, then STT), that is when its STT is done.
          eouDelayMs: t.sttDoneAtMs === null ? null : t.sttDoneAtMs - t.callerSpeechEndAtMs,
          transcriptionDelayMs: t.sttDoneAtMs === null ? null : t.sttDoneAtMs - t.callerSpeechEndAtMs,
          sttDurationMs: t.stt?.serviceMs ?? null,
          llmTtftMs: t.llmFirstTokenAtMs === null || t.sttDoneAtMs === null ? null : t.llmFirstTokenAtMs - t.sttDoneAtMs,
          ttsTtfbMs: t.ttsFirstByteAtMs === null || t.llmFirstTokenAtMs === null ? null : t.ttsFirstByteAtMs - t.llmFirstTokenAtMs,
          e2eLatencyMs: t.ttsFirstByteAtMs === null ? null : t.ttsFirstByteAtMs - t.callerSpeechEndAtMs,
          atMs: epochOf(t.sttDoneAtMs ?? t.endOfUtteranceAtMs),
        });
        recorder.dataReceived(record, VOICELOAD_METRICS_TOPIC, Date.now());
      }
    };
    const poll = setInterval(publish, 50);
    return {
      close: async () => {
        clearInterval(poll);
        publish();
        recorder.left(Date.now());
      },
    };
  };
  const clock = new SystemClock();
  const warnings: string[] = [];
  const observer = observeCalls(listing, connect, { roomPrefix: 'vl-', maxRooms: CALLS, clock, onWarning: (m) => warnings.push(m) });
  try {
    // No X-Lk-Test-Id in the scenario: with testIdHeader (what `run --livekit` sets) every call gets
    // `<run id>-<call number>`, the key to its room.
    const scenario = join(dir, 'observed.yaml');
    writeFileSync(scenario, ['name: observed', 'steps:', ...STEPS.greetingOneTurn, ''].join('\n'));
    const ended: CallRecord[] = [];
    const handle = startLoad({
      run: { scenarioFile: scenario, base: { ...DEFAULT_CALL_SETUP, target: agent.uri, localHost: '127.0.0.1' }, userAgent: 'voiceload-test', testIdHeader: true, plan: { model: { kind: 'closed', users: CALLS }, concurrencyCap: CALLS, maxCalls: CALLS, seed: 1 }, seed: 1, runId },
      shards: 1,
      inProcess: true,
      clock,
      outDir: join(dir, 'out'),
      summaryConfig: {},
      version: 'test',
      callObserver: observer,
      onCallEnded: (r) => ended.push(r),
    });
    const outcome = await handle.done;
    assert.equal(ended.length, CALLS, JSON.stringify(outcome.summary.counters));
    assert.deepEqual(warnings, []);
    assert.deepEqual([...joined].sort(), testIds.map((id) => `vl-${id}`).sort());
    const stats = observer.stats();
    assert.equal(stats.byStatus.observed, CALLS, JSON.stringify(stats));
    for (const call of ended) {
      assert.equal(call.outcome, 'completed', call.reasonText ?? '');
      const truthTurns = turnsOf(call.testId!);
      assert.equal(call.turnStages?.length, call.ttfaMs.length, `call ${call.testId}`);
      assert.equal(call.livekitRoom?.status, 'observed');
      assert.equal(call.livekitRoom.name, `vl-${call.testId}`);
      const states = call.livekitRoom.agentStates;
      assert.deepEqual(states.map((s) => s.state), ['thinking', 'speaking']);
      assert.ok(states.every((s) => s.atMs > call.startedAtMs && s.atMs < call.endedAtMs), JSON.stringify(states));
      assert.equal(call.ttfaMs.length, 1);
      call.turnStages!.forEach((stages, i) => {
        const t = truthTurns.find((x) => x.index === i)!;
        assert.ok(stages !== null, `call ${call.testId} turn ${i}: no stages`);
        // The values the agent published, on the turn they belong to.
        assert.ok(Math.abs(stages.eouDelayMs! - (t.sttDoneAtMs! - t.callerSpeechEndAtMs)) < 0.01, `eou ${stages.eouDelayMs}`);
        assert.ok(Math.abs(stages.llmTtftMs! - (t.llmFirstTokenAtMs! - t.sttDoneAtMs!)) < 0.01, `llm ${stages.llmTtftMs}`);
        // What the stages do not explain: the reply fixture's 200 ms lead silence plus a few ms of sending and detection.
        const explained = stages.eouDelayMs! + stages.llmTtftMs! + stages.ttsTtfbMs!;
        assert.ok(Math.abs(stages.transportRemainderMs! - (call.ttfaMs[i]! - explained)) < 0.01);
        assert.ok(stages.transportRemainderMs! > 190 && stages.transportRemainderMs! < 260, `remainder ${stages.transportRemainderMs} of ttfa ${call.ttfaMs[i]}`);
      });
    }
    assert.equal(stats.turnsWithStages, CALLS);
    // The stages are metrics of the run like any other: in summary.json with every turn's sample.
    for (const m of ['eou_delay_ms', 'llm_ttft_ms', 'tts_ttfb_ms', 'transport_remainder_ms'] as const) assert.equal(outcome.summary.metrics[m]?.count, CALLS, m);
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

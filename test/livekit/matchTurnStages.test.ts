import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchTurnStages, type TurnStages } from '../../src/livekit/matchTurnStages.js';
import type { RoomObservation } from '../../src/livekit/roomObservation.js';
import { callerTurnsOf, loadObservedCall, replay } from './observedCallFixture.js';

const fx = loadObservedCall();
const B = fx.baseEpochMs;

/** What the fixture's call should come to, whatever the clock-offset method. */
function assertExpectedTurns(turns: TurnStages[]): void {
  assert.equal(turns.length, 5);
  const [t0, t1, t2, t3, t4] = turns;
  assert.deepEqual(t0, {
    turnIndex: 0,
    speechId: 'speech_t0',
    eouDelayMs: 450,
    transcriptionDelayMs: 300,
    sttMs: 0,
    llmTtftMs: 620,
    ttsTtfbMs: 180,
    agentE2eLatencyMs: 1250,
    transportRemainderMs: 270,
    bridgeDelayMs: 120,
    roomOnsetEpochMs: B + 6400,
    agentThinkingAtEpochMs: B + 5580,
    agentSpeakingAtEpochMs: B + 6390,
  });
  // The metrics record of turn 1 never came: the room still shows its states and onset.
  assert.equal(t1!.speechId, null);
  assert.equal(t1!.transportRemainderMs, null);
  assert.equal(t1!.bridgeDelayMs, 130);
  assert.equal(t1!.agentThinkingAtEpochMs, B + 10600);
  // Turn 2: the record arrived late and twice; the barge-in's false start also fell in its window.
  assert.equal(t2!.speechId, 'speech_t2');
  assert.equal(t2!.transportRemainderMs, 1560 - (400 + 700 + 200));
  assert.equal(t2!.bridgeDelayMs, 140);
  // Turn 3, the barge-in: the interrupted `thinking` before the caller finished is not its own.
  assert.equal(t3!.speechId, 'speech_t3');
  assert.equal(t3!.agentThinkingAtEpochMs, B + 18800);
  assert.equal(t3!.agentSpeakingAtEpochMs, B + 19950);
  assert.equal(t3!.transportRemainderMs, 1900 - (500 + 900 + 250));
  assert.equal(t3!.bridgeDelayMs, 140);
  // Turn 4: the agent thought but never spoke; it measured only its end-of-utterance delay.
  assert.equal(t4!.speechId, 'speech_t4');
  assert.equal(t4!.eouDelayMs, 450);
  assert.equal(t4!.llmTtftMs, null);
  assert.equal(t4!.transportRemainderMs, null);
  assert.equal(t4!.bridgeDelayMs, null);
  assert.equal(t4!.roomOnsetEpochMs, null);
  assert.equal(t4!.agentThinkingAtEpochMs, B + 25600);
  assert.equal(t4!.agentSpeakingAtEpochMs, null);
}

test('recorder: the replayed room shows the agent, its states, the records and the room-side onsets', () => {
  const obs = replay(fx);
  assert.equal(obs.agentIdentity, 'agent-AJ_7f3');
  assert.equal(obs.agentJoinedAtEpochMs, B + 400);
  assert.equal(obs.agentPresentOnJoin, false);
  assert.deepEqual(obs.stateChanges.slice(0, 3), [
    { state: 'initializing', atEpochMs: B + 400 },
    { state: 'listening', atEpochMs: B + 900 },
    { state: 'speaking', atEpochMs: B + 990 },
  ]);
  assert.equal(obs.stateChanges.length, 20);
  assert.deepEqual(obs.roomOnsetsEpochMs, [1000, 6400, 11460, 16420, 19960].map((t) => B + t));
  assert.equal(obs.turnMetrics.length, 8);
  assert.equal(obs.malformedPackets, 2);
  assert.equal(obs.observerLeftAtEpochMs, B + fx.audioEndMs);
});

test('match: turns get their stages despite skew, out-of-order and duplicate records (speech-end alignment)', () => {
  const m = matchTurnStages(callerTurnsOf(fx), replay(fx));
  assert.equal(m.agentClock.method, 'speech_end_alignment');
  // 350 ms of skew less the 120 ms caller → agent audio delay the alignment absorbs (± 20 ms VAD residual).
  assert.ok(Math.abs(m.agentClock.offsetMs - 250) <= 20, String(m.agentClock.offsetMs));
  assertExpectedTurns(m.turns);
  assert.deepEqual(m.unmatched, {
    duplicateRecords: 1,
    foreignRecords: 1,
    // The greeting's record (before any turn) and the barge-in's false start (after turn 2's reply had
    // reached the caller, before the caller finished turn 3).
    outsideWindowRecords: 2,
    ambiguousRecords: 0,
    turnsWithoutRecord: 1,
    malformedPackets: 2,
  });
});

test('match: agent_state records give the clock offset by the minimum filter', () => {
  const base = replay(fx);
  // The agent also publishes its state changes; each arrives 30-90 ms after it happened.
  const obs: RoomObservation = {
    ...base,
    agentStateRecords: base.stateChanges.map((s, i) => ({
      record: { v: 1, type: 'agent_state', state: s.state, atMs: s.atEpochMs - fx.agentClockBehindMs },
      receivedAtEpochMs: s.atEpochMs + 30 + (i % 4) * 20,
    })),
  };
  const m = matchTurnStages(callerTurnsOf(fx), obs);
  assert.deepEqual(m.agentClock, { offsetMs: fx.agentClockBehindMs + 30, method: 'state_records' });
  assertExpectedTurns(m.turns);
  assert.equal(m.unmatched.ambiguousRecords, 0);
  assert.equal(m.unmatched.outsideWindowRecords, 2);
});

test('match: a given clock offset is used as is; a wrong one leaves records outside every window', () => {
  const obs = replay(fx);
  const right = matchTurnStages(callerTurnsOf(fx), obs, { agentClockOffsetMs: 350 });
  assert.equal(right.agentClock.method, 'given');
  assertExpectedTurns(right.turns);
  const wrong = matchTurnStages(callerTurnsOf(fx), obs, { agentClockOffsetMs: -3000, toleranceMs: 300 });
  assert.ok(wrong.unmatched.outsideWindowRecords >= 3);
  assert.equal(wrong.turns[0]!.speechId, null);
});

test('match: two records in one turn: the one nearer the caller\'s speech end wins, the other is ambiguous', () => {
  const obs = replay(fx);
  const t0 = obs.turnMetrics.find((p) => p.record.speechId === 'speech_t0')!;
  // The agent's VAD ended the turn 300 ms earlier, at a pause in the caller's utterance, then the caller went on.
  const early = { ...t0, record: { ...t0.record, speechId: 'speech_t0_early', atMs: t0.record.atMs - 300, llmTtftMs: 90 } };
  const m = matchTurnStages(callerTurnsOf(fx), { ...obs, turnMetrics: [early, ...obs.turnMetrics] }, { agentClockOffsetMs: 350 });
  assert.equal(m.turns[0]!.speechId, 'speech_t0');
  assert.equal(m.unmatched.ambiguousRecords, 1);
});

test('match: the order records arrive in does not matter', () => {
  const obs = replay(fx);
  const reversed = { ...obs, turnMetrics: [...obs.turnMetrics].reverse() };
  const a = matchTurnStages(callerTurnsOf(fx), obs);
  const b = matchTurnStages(callerTurnsOf(fx), reversed);
  assert.deepEqual(b.turns, a.turns);
  assert.deepEqual(b.unmatched, a.unmatched);
});

test('match: nothing observed gives nulls for every turn, and turns without a speech end are skipped', () => {
  const turns = callerTurnsOf(fx);
  turns.push({ index: 5, speechEndEpochMs: null, replyOnsetEpochMs: null, ttfaMs: null });
  const empty: RoomObservation = { ...replay(fx), stateChanges: [], turnMetrics: [], agentStateRecords: [], roomOnsetsEpochMs: [], malformedPackets: 0 };
  const m = matchTurnStages(turns, empty);
  assert.deepEqual(m.agentClock, { offsetMs: 0, method: 'none' });
  assert.equal(m.turns.length, 6);
  for (const t of m.turns) {
    assert.equal(t.speechId, null);
    assert.equal(t.bridgeDelayMs, null);
    assert.equal(t.agentSpeakingAtEpochMs, null);
  }
  assert.equal(m.unmatched.turnsWithoutRecord, 5);
});

test('match: transport remainder is clamped at 0 when the agent reports more than the caller waited', () => {
  const obs = replay(fx);
  const turns = callerTurnsOf(fx);
  turns[0] = { ...turns[0]!, ttfaMs: 1000 };
  const m = matchTurnStages(turns, obs);
  assert.equal(m.turns[0]!.transportRemainderMs, 0);
});

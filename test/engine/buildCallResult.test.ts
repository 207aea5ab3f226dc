import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCallResult, type CallObservations, type TurnState } from '../../src/engine/buildCallResult.js';
import { silentUtterance, turnState } from './turnStateFixture.js';

const utterance = silentUtterance;

let turnCount = 0;
const turn = (t: Partial<TurnState>): TurnState => turnState(turnCount++, t);

const base: CallObservations = {
  target: 'sip:agent@127.0.0.1',
  transport: 'udp',
  nowMs: 9000,
  sip: {
    timeline: { inviteSentAtMs: 1000, tryingAtMs: 1002.004, ringingAtMs: 1010, answeredAtMs: 1500, ackSentAtMs: 1501, byeSentAtMs: 8000, endedAtMs: 8001 },
    finalStatus: 200,
    callId: 'c1',
    authChallenges: 1,
  },
  codec: 'PCMU',
  endedBy: 'local',
  firstRtpAtMs: 1520,
  greetingOnsetAtMs: 2300,
  greetingOffsetAtMs: 4100,
  turns: [
    turn({ played: true, speechEndSentAtMs: 6000, onsetAtMs: 6850.126, offsetAtMs: 7600 }),
    turn({ played: true, speechEndSentAtMs: 7700 }),
    turn({}),
  ],
  stepsCompleted: 3,
  malformedSipMessages: 0,
};

test('latencies are differences of event times, per METRICS.md, rounded to 0.01 ms', () => {
  const r = buildCallResult(base);
  assert.equal(r.outcome, 'completed');
  assert.equal(r.inviteToTryingMs, 2);
  assert.equal(r.postDialDelayMs, 10);
  assert.equal(r.inviteToAnswerMs, 500);
  assert.equal(r.greetingTtfaMs, 800); // answer → greeting onset
  assert.equal(r.greetingMs, 1800);
  assert.equal(r.talkMs, 6501);
  assert.equal(r.timeline.firstRtpReceivedAtMs, 1520);
  assert.deepEqual(
    r.turns.map((t) => [t.outcome, t.ttfaMs, t.agentReplyMs]),
    [
      ['replied', 850.13, 749.87],
      ['no_reply', null, null],
      ['not_played', null, null],
    ],
  );
});

test('a call that never got an answer has no media numbers and keeps its reason', () => {
  const r = buildCallResult({
    ...base,
    sip: { timeline: { inviteSentAtMs: 1000, endedAtMs: 33000 }, finalStatus: null, callId: 'c2', authChallenges: 0 },
    codec: null,
    endedBy: null,
    greetingOnsetAtMs: null,
    greetingOffsetAtMs: null,
    turns: [],
    failure: { reason: 'timeout_no_response', text: 'no response' },
  });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'timeout_no_response');
  assert.equal(r.reasonText, 'no response');
  assert.equal(r.inviteToAnswerMs, null);
  assert.equal(r.greetingTtfaMs, null);
  assert.equal(r.talkMs, null);
  assert.equal(r.rtp.sentPackets, 0);
  assert.equal('answeredAtMs' in r.timeline, false);
});

test("a barge-in turn measures from the caller's speech start to the end of the reply it talked over", () => {
  const said = turn({ played: true, speechEndSentAtMs: 5000, step: { kind: 'say', utterance: { label: 'bye.wav', audio: utterance, encoded: {} }, replyTimeoutMs: 1000, expectReply: false } });
  const barge = turn({
    step: { kind: 'barge_in', utterance: { label: 'wait', audio: utterance, encoded: {} }, afterMs: 800, replyTimeoutMs: 10_000 },
    played: true,
    interrupts: 0,
    speechStartSentAtMs: 6200,
    interruptedReplyEndAtMs: 6450.5,
    speechEndSentAtMs: 7000,
    onsetAtMs: 7900,
  });
  const late = turn({ ...barge, interruptedReplyEndAtMs: 6100 });
  const r = buildCallResult({ ...base, turns: [said, barge, late], failedStep: { index: 4, kind: 'dtmf', line: 12, col: 5 } });
  assert.deepEqual(
    r.turns.map((t) => [t.kind, t.outcome, t.bargeInStopMs, t.ttfaMs]),
    [
      ['say', 'said', null, null],
      ['barge_in', 'replied', 250.5, 900],
      // The reply had already ended when the caller started: nothing was interrupted.
      ['barge_in', 'replied', null, 900],
    ],
  );
  assert.deepEqual(r.failedStep, { index: 4, kind: 'dtmf', line: 12, col: 5 });
  assert.equal(r.stepsCompleted, 3);
});

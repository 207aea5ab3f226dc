import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCallResult, type CallObservations } from '../../src/engine/buildCallResult.js';
import { toCallRecord } from '../../src/load/callRecord.js';
import { silentUtterance, turnState } from '../engine/turnStateFixture.js';

const audio = silentUtterance;
const turn = turnState;

const observed: CallObservations = {
  target: 'sip:agent@127.0.0.1',
  transport: 'udp',
  nowMs: 9000,
  sip: {
    timeline: { inviteSentAtMs: 1000, ringingAtMs: 1010, answeredAtMs: 1500, ackSentAtMs: 1501, byeSentAtMs: 8000, endedAtMs: 8001 },
    finalStatus: 200,
    callId: 'c1',
    authChallenges: 0,
  },
  // Only the fields buildCallResult reads.
  media: { sentPackets: 300, receivedPackets: 290, lossPct: 1.5, jitterMs: 2.25, maxGapMs: 60, pacingErrorMs: { count: 300, mean: 0.1, max: 0.9 } } as unknown as NonNullable<CallObservations['media']>,
  codec: 'PCMU',
  endedBy: 'local',
  firstRtpAtMs: 1520,
  greetingOnsetAtMs: 2300,
  greetingOffsetAtMs: 4100,
  turns: [
    turn(0, { played: true, speechEndSentAtMs: 6000, onsetAtMs: 6850, offsetAtMs: 7600 }),
    turn(1, {
      step: { kind: 'barge_in', utterance: { label: 'b.wav', audio, encoded: {} }, afterMs: 300, replyTimeoutMs: 10_000 },
      interrupts: 0,
      played: true,
      speechStartSentAtMs: 7200,
      speechEndSentAtMs: 7700,
      interruptedReplyEndAtMs: 7400,
    }),
  ],
  stepsCompleted: 3,
  malformedSipMessages: 0,
};

test('toCallRecord: event times in run time, latencies copied, the CallResult kept as detail', () => {
  const result = buildCallResult(observed);
  // The worker's clock reads 1000 ms when the run started 40 ms ago (in run time).
  const toRunMs = (clockMs: number): number => clockMs - 960;
  const record = toCallRecord(result, { callNumber: 7, shard: 1, intendedStartAtMs: 35, startedAtMs: 38.5, toRunMs, testId: 'run-7', dataRow: 2 });
  assert.equal(record.callNumber, 7);
  assert.equal(record.shard, 1);
  assert.equal(record.callId, 'c1');
  assert.equal(record.testId, 'run-7');
  assert.equal(record.outcome, result.outcome);
  assert.equal(record.reason, null);
  assert.equal(record.startedAtMs, 38.5);
  assert.equal(record.startLagMs, 38.5 - 35);
  assert.equal(record.answeredAtMs, toRunMs(observed.sip?.timeline.answeredAtMs ?? NaN));
  assert.equal(record.endedAtMs, toRunMs(result.timeline.endedAtMs));
  // Coordinated omission: set-up counts from the intended start, so the 3.5 ms start lag is in it.
  assert.equal(record.inviteToAnswerMs, (result.inviteToAnswerMs ?? NaN) + 3.5);
  assert.equal(record.postDialDelayMs, result.postDialDelayMs);
  assert.equal(record.greetingTtfaMs, result.greetingTtfaMs);
  assert.deepEqual(record.ttfaMs, result.turns.map((t) => t.ttfaMs));
  assert.equal(record.ttfaMs.length, 2);
  // The first reply's onset (6850 on the call's clock) in run time; the barge-in turn got none.
  assert.deepEqual(record.replyOnsetAtMs, [toRunMs(6850), null]);
  assert.deepEqual(record.bargeInStopMs, result.turns.flatMap((t) => (t.bargeInStopMs === null ? [] : [t.bargeInStopMs])));
  assert.equal(record.bargeInStopMs.length, 1, 'the barge-in turn has a stop time');
  assert.deepEqual(record.agentReplyMs, result.turns.flatMap((t) => (t.agentReplyMs === null ? [] : [t.agentReplyMs])));
  assert.deepEqual(record.rtp, {
    sentPackets: result.rtp.sentPackets,
    receivedPackets: result.rtp.receivedPackets,
    lossPct: result.rtp.lossPct,
    jitterMs: result.rtp.jitterMs,
    maxGapMs: result.rtp.maxGapMs,
  });
  assert.equal(record.dataRow, 2);
  assert.equal(record.detail, result);
  assert.deepEqual(JSON.parse(JSON.stringify(record)).detail, JSON.parse(JSON.stringify(result)), 'the record is plain data');
});

test('toCallRecord: a call that failed before any answer has no answer time and no RTP numbers', () => {
  const result = buildCallResult({
    target: 'sip:agent@127.0.0.1',
    transport: 'udp',
    nowMs: 1400,
    sip: { timeline: { inviteSentAtMs: 1000, endedAtMs: 1400 }, finalStatus: 486, callId: 'c2', authChallenges: 0 },
    codec: null,
    failure: { reason: 'sip_486', text: 'Busy Here' },
    endedBy: null,
    greetingOnsetAtMs: null,
    greetingOffsetAtMs: null,
    turns: [],
    stepsCompleted: 0,
    malformedSipMessages: 0,
  });
  const record = toCallRecord(result, { callNumber: 1, shard: 0, intendedStartAtMs: 0, startedAtMs: 2, toRunMs: (ms) => ms });
  assert.equal(record.outcome, 'failed');
  assert.equal(record.reason, 'sip_486');
  assert.equal(record.reasonText, result.reasonText ?? null);
  assert.equal(record.answeredAtMs, null);
  assert.equal(record.rtp, null);
  assert.equal(record.testId, null);
  assert.equal('dataRow' in record, false);
  assert.equal(record.endedAtMs, 1400);
});

test('toCallRecord: turns that expect no reply, or were never reached, are not turns without a reply', () => {
  const result = buildCallResult({
    ...observed,
    turns: [
      turn(0, { played: true, speechEndSentAtMs: 6000, onsetAtMs: 6850, offsetAtMs: 7600 }),
      turn(1, { played: true, speechEndSentAtMs: 7700, step: { kind: 'say', utterance: { label: 'bye.wav', audio, encoded: {} }, replyTimeoutMs: 10_000, expectReply: false } }),
      turn(2, { played: true, speechEndSentAtMs: 9000 }),
      turn(3, {}),
    ],
  });
  assert.deepEqual(result.turns.map((t) => t.outcome), ['replied', 'said', 'no_reply', 'not_played']);
  const record = toCallRecord(result, { callNumber: 1, shard: 0, intendedStartAtMs: 0, startedAtMs: 0, toRunMs: (ms) => ms });
  assert.deepEqual(record.ttfaMs, [850, null]);
  assert.deepEqual(record.replyOnsetAtMs, [6850, null]);
});

test('unmeasuredCallRecord: a failed call with its times and lag, and no latencies or RTP numbers', async () => {
  const { unmeasuredCallRecord } = await import('../../src/load/callRecord.js');
  const r = unmeasuredCallRecord({
    callNumber: 4,
    shard: 1,
    callId: 'c4',
    testId: null,
    reason: 'aborted',
    reasonText: 'stopped',
    intendedStartAtMs: 100,
    startedAtMs: 102.5,
    answeredAtMs: null,
    endedAtMs: 90,
    dataRow: 3,
    detail: null,
  });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.startLagMs, 2.5);
  assert.equal(r.endedAtMs, 102.5, 'never ends before it started');
  assert.equal(r.dataRow, 3);
  assert.deepEqual([r.inviteToAnswerMs, r.greetingTtfaMs, r.ttfaMs, r.rtp], [null, null, [], null]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callerTurnsFromRecord } from '../../src/livekit/callerTurns.js';
import type { CallRecord } from '../../src/load/loadTypes.js';

const RUN_START = 1767225600000;

function record(partial: Partial<CallRecord>): CallRecord {
  return {
    callNumber: 1, shard: 0, callId: 'c1', testId: 'run1-1', outcome: 'completed', reason: null, reasonText: null,
    intendedStartAtMs: 0, startedAtMs: 0, answeredAtMs: 100, endedAtMs: 20000, startLagMs: 0,
    inviteToAnswerMs: 100, postDialDelayMs: 50, greetingTtfaMs: null, ttfaMs: [], bargeInStopMs: [], agentReplyMs: [], rtp: null,
    detail: null, ...partial,
  };
}

test('caller turns from the CallResult detail: call clock → run time → epoch, said-only turns skipped', () => {
  // The call's clock reads 1000 when the run's reads 5000 (offset +4000).
  const detail = {
    timeline: { inviteSentAtMs: 900, endedAtMs: 16000 },
    turns: [
      { outcome: 'replied', speechEndSentAtMs: 2000, ttfaMs: 1500 },
      { outcome: 'said', speechEndSentAtMs: 5000, ttfaMs: null },
      { outcome: 'no_reply', speechEndSentAtMs: 8000, ttfaMs: null },
    ],
  };
  const turns = callerTurnsFromRecord(record({ endedAtMs: 20000, ttfaMs: [1500, null], replyOnsetAtMs: [7500, null], detail }), RUN_START);
  assert.deepEqual(turns, [
    { index: 0, speechEndEpochMs: RUN_START + 6000, replyOnsetEpochMs: RUN_START + 7500, ttfaMs: 1500 },
    { index: 1, speechEndEpochMs: RUN_START + 12000, replyOnsetEpochMs: null, ttfaMs: null },
  ]);
});

test('caller turns without detail (SIPp records): speech end = onset − TTFA, unknown without a reply', () => {
  const turns = callerTurnsFromRecord(record({ ttfaMs: [900, null], replyOnsetAtMs: [3000, null], detail: { sipp: true } }), RUN_START);
  assert.deepEqual(turns, [
    { index: 0, speechEndEpochMs: RUN_START + 2100, replyOnsetEpochMs: RUN_START + 3000, ttfaMs: 900 },
    { index: 1, speechEndEpochMs: null, replyOnsetEpochMs: null, ttfaMs: null },
  ]);
});

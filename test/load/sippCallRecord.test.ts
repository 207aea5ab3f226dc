import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toSippCallRecord } from '../../src/load/sippCallRecord.js';
import type { SippCallResult } from '../../src/sipp/sippResult.js';

// Clock readings of a call as SippCall reports them; run time = clock - 5000.
const CLOCK_AT_RUN_START = 5000;
const toRunMs = (ms: number): number => ms - CLOCK_AT_RUN_START;

function answered(): SippCallResult {
  return {
    callId: '7-1-abc@127.0.0.1',
    callNumber: 7,
    outcome: 'completed',
    rtdMs: { '1': 251.5, setup: 40 },
    inviteToFinalMs: 250.25,
    inviteFinalStatus: 200,
    firstInviteSentAtMs: 6001.5,
    ringingAtMs: 6011.75,
    answeredAtMs: 6251.75,
    startedAtMs: 6000,
    endedAtMs: 9300,
    retransmissions: 1,
  };
}

test('an answered call: run times, set-up from the first INVITE plus the start lag, post-dial delay to the ringing, the result kept as detail', () => {
  const r = answered();
  const ctx = { callNumber: 7, shard: 1, intendedStartAtMs: 990, startedAtMs: 1000.5, toRunMs };
  const rec = toSippCallRecord(r, ctx);
  const lag = ctx.startedAtMs - ctx.intendedStartAtMs;
  assert.equal(rec.callNumber, 7);
  assert.equal(rec.shard, 1);
  assert.equal(rec.callId, r.callId);
  assert.equal(rec.outcome, 'completed');
  assert.equal(rec.reason, null);
  assert.equal(rec.reasonText, null);
  assert.equal(rec.startLagMs, lag);
  assert.equal(rec.answeredAtMs, r.answeredAtMs! - CLOCK_AT_RUN_START);
  assert.equal(rec.endedAtMs, r.endedAtMs - CLOCK_AT_RUN_START);
  // Coordinated omission: the scheduler's lag is part of the caller's wait for an answer.
  assert.equal(rec.inviteToAnswerMs, r.answeredAtMs! - r.firstInviteSentAtMs! + lag);
  assert.equal(rec.postDialDelayMs, r.ringingAtMs! - r.firstInviteSentAtMs!);
  assert.deepEqual(rec.ttfaMs, []);
  assert.equal(rec.greetingTtfaMs, null);
  assert.equal(rec.rtp, null);
  assert.equal(rec.detail, r);
  assert.deepEqual((rec.detail as SippCallResult).rtdMs, r.rtdMs);
});

test('a call that started early (no lag) counts set-up from its own INVITE', () => {
  const r = answered();
  const rec = toSippCallRecord(r, { callNumber: 7, shard: 0, intendedStartAtMs: 1000, startedAtMs: 1000, toRunMs });
  assert.equal(rec.inviteToAnswerMs, r.answeredAtMs! - r.firstInviteSentAtMs!);
});

test('a failed call that was never answered: short reason code, the words in reasonText, no set-up latency', () => {
  const r: SippCallResult = {
    callId: '3-1-def@127.0.0.1',
    callNumber: 3,
    outcome: 'failed',
    reason: 'unexpected message: 486 Busy Here (INVITE) (scenario line 20 waits for 200 response to INVITE)',
    reasonCode: 'unexpected_message',
    failedAtLine: 20,
    rtdMs: {},
    inviteToFinalMs: 30,
    inviteFinalStatus: 486,
    firstInviteSentAtMs: 6000,
    startedAtMs: 6000,
    endedAtMs: 6030,
    retransmissions: 0,
  };
  const rec = toSippCallRecord(r, { callNumber: 3, shard: 0, intendedStartAtMs: 1000, startedAtMs: 1000, toRunMs });
  assert.equal(rec.outcome, 'failed');
  assert.equal(rec.reason, r.reasonCode);
  assert.equal(rec.reasonText, r.reason);
  assert.equal(rec.answeredAtMs, null);
  assert.equal(rec.inviteToAnswerMs, null);
  assert.equal(rec.postDialDelayMs, null);
});

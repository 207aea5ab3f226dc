import type { CallRecord } from '../../src/load/loadTypes.js';

/** A completed call with plausible values; override any field. */
export function callRecord(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    callNumber: 1,
    shard: 0,
    callId: 'call-1@test',
    testId: 'lt-1',
    outcome: 'completed',
    reason: null,
    reasonText: null,
    intendedStartAtMs: 100,
    startedAtMs: 101.5,
    answeredAtMs: 400,
    endedAtMs: 5000,
    startLagMs: 1.5,
    inviteToAnswerMs: 298.5,
    postDialDelayMs: 40,
    greetingTtfaMs: 700,
    ttfaMs: [820, null],
    bargeInStopMs: [],
    agentReplyMs: [1500],
    rtp: { sentPackets: 200, receivedPackets: 198, lossPct: 1, jitterMs: 2.5, maxGapMs: 40 },
    detail: null,
    ...overrides,
  };
}

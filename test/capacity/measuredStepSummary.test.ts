import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measuredStepSummary } from '../../src/capacity/measuredStepSummary.js';
import type { CallRecord } from '../../src/load/loadTypes.js';
import { parseThreshold } from '../../src/results/parseThreshold.js';

function call(n: number, startedAtMs: number, endedAtMs: number, turns: [number | null, number | null][], extra: Partial<CallRecord> = {}): CallRecord {
  return {
    callNumber: n,
    shard: 0,
    callId: `c${n}`,
    testId: null,
    outcome: 'completed',
    reason: null,
    reasonText: null,
    intendedStartAtMs: startedAtMs,
    startedAtMs,
    answeredAtMs: startedAtMs + 50,
    endedAtMs,
    startLagMs: 0,
    inviteToAnswerMs: 50,
    postDialDelayMs: null,
    greetingTtfaMs: null,
    ttfaMs: turns.map((t) => t[0]),
    replyOnsetAtMs: turns.map((t) => t[1]),
    bargeInStopMs: [],
    agentReplyMs: [],
    rtp: null,
    detail: null,
    ...extra,
  };
}

const WINDOW = { fromMs: 10_000, toMs: 20_000 };
const parts = { slos: [parseThreshold('ttfa_ms: max<1000'), parseThreshold('failure_rate: rate<0.5')], version: 't', config: {}, runStartEpochMs: Date.parse('2025-01-01T00:00:00Z') };

test('only the window after the warmup counts: calls up in it (a call cut by the step end has not failed), turns whose reply began in it', () => {
  const records = [
    // Started in the warmup, cut by the step's end: its warmup turn (5000 ms) is not counted, its in-window turn (600 ms) is.
    call(1, 1000, 25_000, [[5000, 4000], [600, 12_000]], { reason: 'aborted', outcome: 'failed' }),
    // Started in the window, ended in it: counted with its turns.
    call(2, 11_000, 18_000, [[700, 13_000], [null, null]]),
    // Started in the window, failed in it.
    call(3, 12_000, 12_500, [], { outcome: 'failed', reason: 'sip_503', answeredAtMs: null, inviteToAnswerMs: null }),
    // Started in the window, cut by the step's end (BYE at toMs): not a failure.
    call(4, 15_000, 20_300, [[800, 17_000]], { outcome: 'failed', reason: 'aborted' }),
  ];
  const s = measuredStepSummary(records, WINDOW, parts);
  assert.equal(s.counters.calls_attempted, 4);
  assert.equal(s.counters.calls_failed, 1);
  assert.deepEqual(s.counters.calls_failed_by_reason, { sip_503: 1 });
  assert.equal(s.counters.turns, 4);
  assert.equal(s.counters.turns_no_reply, 1);
  assert.equal(s.rates.failure_rate, 0.25);
  assert.equal(s.metrics.ttfa_ms.count, 3);
  assert.ok(Math.abs((s.metrics.ttfa_ms.max ?? 0) - 800) < 1, 'HDR keeps 3 significant digits');
  // Set-up latency only of the calls that started in the window (call 3 was never answered).
  assert.equal(s.metrics.invite_to_answer_ms.count, 2);
  assert.equal(s.durationMs, 10_000);
  assert.equal(s.startedAt, '2025-01-01T00:00:10.000Z');
  // The warmup's 5 s turn would have broken the ttfa SLO.
  assert.deepEqual(s.thresholds.results.map((r) => r.passed), [true, true]);
});

test('a step with no call in its window has no failure rate and fails an SLO on a missing metric', () => {
  const s = measuredStepSummary([call(1, 0, 5000, [[500, 2000]])], WINDOW, parts);
  assert.equal(s.counters.calls_attempted, 0);
  assert.equal(s.rates.failure_rate, null);
  assert.equal(s.thresholds.passed, false);
});

test('stage metrics (run --livekit) follow their turn in or out of the measured window', () => {
  const stage = (llmTtftMs: number) => ({ eouDelayMs: 200, transcriptionDelayMs: null, sttMs: null, llmTtftMs, ttsTtfbMs: 100, transportRemainderMs: 50, bridgeDelayMs: null });
  const records = [
    // Started in the warmup: its warmup turn's LLM TTFT (3000) is left out, its in-window turn's (400) counted.
    call(1, 1000, 19_000, [[5000, 4000], [600, 12_000]], { turnStages: [stage(3000), stage(400)] }),
    // Started in the window: every turn in the window counts; the unobserved one adds nothing.
    call(2, 11_000, 18_000, [[700, 13_000], [800, 15_000], [900, 16_000]], { turnStages: [stage(500), null, stage(600)] }),
    // Started in the window, its last turn's reply after the window's end.
    call(3, 12_000, 25_000, [[700, 14_000], [700, 21_000]], { turnStages: [stage(450), stage(9000)] }),
  ];
  const s = measuredStepSummary(records, WINDOW, parts);
  assert.equal(s.metrics.ttfa_ms.count, 5);
  assert.equal(s.metrics.llm_ttft_ms?.count, 4);
  assert.ok(Math.abs((s.metrics.llm_ttft_ms?.max ?? 0) - 600) < 1, `max ${s.metrics.llm_ttft_ms?.max}`);
  assert.equal(s.metrics.eou_delay_ms?.count, 4);
  assert.equal('stt_ms' in s.metrics, false, 'a stage never reported is absent');
});

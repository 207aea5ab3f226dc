import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TurnStageBreakdown } from '../../src/load/loadTypes.js';
import { evaluateThresholds } from '../../src/results/evaluateThresholds.js';
import { formatCallLine, parseCallLine } from '../../src/results/formatCallLine.js';
import { formatHistogramsJson, parseHistogramsJson } from '../../src/results/histogramsFile.js';
import { MetricHistograms } from '../../src/results/metricHistograms.js';
import { STAGE_METRICS } from '../../src/results/metricNames.js';
import { parseThreshold } from '../../src/results/parseThreshold.js';
import { RunCounters } from '../../src/results/runCounters.js';
import { buildRunSummary } from '../../src/results/runSummaryDoc.js';
import { turnStageSamples } from '../../src/results/turnStageSamples.js';
import { callRecord } from './callRecordFixture.js';

function stage(over: Partial<TurnStageBreakdown> = {}): TurnStageBreakdown {
  return { eouDelayMs: 300, transcriptionDelayMs: 250, sttMs: 120, llmTtftMs: 400, ttsTtfbMs: 150, transportRemainderMs: 90, bridgeDelayMs: 35, ...over };
}

/** HDR keeps 3 significant digits: within 0.1 %. */
function near(actual: number | null | undefined, expected: number): void {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= expected * 0.001, `${actual} ≈ ${expected}`);
}

function summaryOf(histograms: MetricHistograms, thresholds: string[] = []): ReturnType<typeof buildRunSummary> {
  return buildRunSummary({ config: {}, version: 't', startedAt: '2025-03-01T10:00:00.000Z', endedAt: '2025-03-01T10:01:00.000Z', histograms, counters: new RunCounters(), thresholds: thresholds.map((t) => parseThreshold(t)) });
}

test('turnStageSamples: one sample per stage with a value, in STAGE_METRICS order; null turns and fields give none', () => {
  assert.deepEqual(turnStageSamples(stage()), [
    ['eou_delay_ms', 300],
    ['transcription_delay_ms', 250],
    ['stt_ms', 120],
    ['llm_ttft_ms', 400],
    ['tts_ttfb_ms', 150],
    ['transport_remainder_ms', 90],
    ['bridge_delay_ms', 35],
  ]);
  assert.deepEqual(turnStageSamples(stage()).map(([m]) => m), [...STAGE_METRICS]);
  assert.deepEqual(turnStageSamples(stage({ sttMs: null, bridgeDelayMs: Number.NaN })).map(([m]) => m), ['eou_delay_ms', 'transcription_delay_ms', 'llm_ttft_ms', 'tts_ttfb_ms', 'transport_remainder_ms']);
  assert.deepEqual(turnStageSamples(null), []);
  assert.deepEqual(turnStageSamples(undefined), []);
});

test('recordCall records the stage metrics of every observed turn, next to ttfa_ms', () => {
  const h = new MetricHistograms();
  h.recordCall(callRecord({ ttfaMs: [1000, 1200, null], turnStages: [stage(), null, stage({ llmTtftMs: 800, sttMs: null })] }));
  h.recordCall(callRecord({ ttfaMs: [900] }));
  assert.equal(h.count('ttfa_ms'), 3);
  assert.equal(h.count('llm_ttft_ms'), 2);
  assert.equal(h.count('stt_ms'), 1);
  near(h.stats('llm_ttft_ms').max, 800);
  near(h.stats('eou_delay_ms').p50, 300);
});

test('summary.json: stage metrics appear under metrics with samples, and not at all without', () => {
  const withStages = new MetricHistograms();
  withStages.recordCall(callRecord({ ttfaMs: [1000], turnStages: [stage({ bridgeDelayMs: null })] }));
  const doc = summaryOf(withStages);
  assert.deepEqual(doc.metrics.llm_ttft_ms, { unit: 'ms', ...withStages.stats('llm_ttft_ms') });
  near(doc.metrics.llm_ttft_ms?.p95, 400);
  for (const m of STAGE_METRICS) assert.equal(m in doc.metrics, m !== 'bridge_delay_ms', m);
  // The keys keep METRICS.md order: the stages after the other metrics.
  const keys = Object.keys(doc.metrics);
  assert.ok(keys.indexOf('eou_delay_ms') > keys.indexOf('start_lag_ms'));

  const plain = new MetricHistograms();
  plain.recordCall(callRecord());
  const plainDoc = summaryOf(plain);
  for (const m of STAGE_METRICS) assert.equal(m in plainDoc.metrics, false, m);
  assert.equal(plainDoc.metrics.barge_in_stop_ms.count, 0, 'the other empty metrics stay listed with count 0');
});

test('thresholds on stage metrics: live histograms and summary.json agree; a run without them fails with a note', () => {
  const h = new MetricHistograms();
  for (let i = 1; i <= 20; i++) h.recordCall(callRecord({ ttfaMs: [1000 + i], turnStages: [stage({ llmTtftMs: i * 50 })] }));
  const conditions = ['llm_ttft_ms: p(95)<800', 'llm_ttft_ms: p(50)<800', 'eou_delay_ms: avg<=300'];
  const live = evaluateThresholds(conditions.map((c) => parseThreshold(c)), { histograms: h });
  const doc = summaryOf(h, conditions);
  assert.deepEqual(live.map((r) => r.passed), [false, true, true]);
  assert.deepEqual(doc.thresholds.results.map((r) => [r.passed, r.actual]), live.map((r) => [r.passed, r.actual]));
  near(live[0]!.actual, 950);

  const plain = summaryOf(new MetricHistograms(), ['llm_ttft_ms: p(95)<800']);
  assert.equal(plain.thresholds.results[0]!.passed, false);
  assert.match(plain.thresholds.results[0]!.note ?? '', /llm_ttft_ms has no samples/);
  // And against the written summary.json, where the metric is absent.
  assert.deepEqual(evaluateThresholds([parseThreshold('llm_ttft_ms: p(95)<800')], plain).map((r) => r.note), ['llm_ttft_ms has no samples in this run']);
});

test('calls.ndjson keeps turnStages (nulls included): formatCallLine → parseCallLine round trip', () => {
  const record = callRecord({ ttfaMs: [1000, null], turnStages: [stage({ sttMs: null }), null] });
  const line = formatCallLine(record);
  assert.ok(!line.includes('\n'));
  assert.match(line, /"turnStages":\[\{"eouDelayMs":300,/);
  assert.deepEqual(parseCallLine(line), record);
  // A record without the breakdown has no such field.
  assert.ok(!formatCallLine(callRecord()).includes('turnStages'));
});

test('histograms.json round trip keeps the stage metrics', () => {
  const h = new MetricHistograms();
  h.recordCall(callRecord({ ttfaMs: [1000], turnStages: [stage()] }));
  const back = parseHistogramsJson(formatHistogramsJson(h)).histograms;
  for (const m of STAGE_METRICS) assert.deepEqual(back.stats(m), h.stats(m), m);
});

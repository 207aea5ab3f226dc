import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReportDir } from '../../../src/report/html/loadReportDir.js';
import { buildReportModel } from '../../../src/report/html/reportModel.js';
import { renderReportHtml } from '../../../src/report/html/renderReportHtml.js';
import { stageSection } from '../../../src/report/html/stageBreakdown.js';
import { readUplotAssets } from '../../../src/report/html/uplotAssets.js';
import { STAGE_METRICS } from '../../../src/results/metricNames.js';
import { nearestRank } from '../../../src/results/nearestRank.js';
import { writeReportDir } from './reportDirFixture.js';

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voiceload-report-stages-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const ms = (v: number | null): string => (v === null ? '–' : `${Math.round(v * 10) / 10} ms`);

test('stage section model: stacked p50/p95 bars of the additive stages, every stage in the table, per-turn medians', withDir(async (dir) => {
  writeReportDir(dir, { stages: true });
  const inputs = await loadReportDir(dir);
  const s = buildReportModel(inputs).stages;
  assert.ok(s !== null);
  assert.deepEqual(s.bars.map((b) => b.percentile), ['p50', 'p95']);
  const m = inputs.summary.metrics;
  for (const b of s.bars) {
    assert.deepEqual(b.segments.map((x) => x.metric), ['eou_delay_ms', 'llm_ttft_ms', 'tts_ttfb_ms', 'transport_remainder_ms']);
    for (const seg of b.segments) assert.equal(seg.ms, m[seg.metric]![b.percentile]);
    assert.equal(b.stackedMs, Math.round(b.segments.reduce((t, x) => t + x.ms!, 0) * 1000) / 1000);
    assert.equal(b.ttfaMs, m.ttfa_ms[b.percentile]);
  }
  // The fixture's ttfa is the sum of its stages: the p50 stack lands near ttfa_ms p50.
  assert.ok(Math.abs(s.bars[0]!.stackedMs - s.bars[0]!.ttfaMs!) < 60, `${s.bars[0]!.stackedMs} vs ${s.bars[0]!.ttfaMs}`);
  assert.deepEqual(s.rows.map((r) => r.metric), [...STAGE_METRICS]);
  // 40 calls × 2 turns, every 10th call without its second turn.
  for (const r of s.rows) assert.deepEqual([r.count, r.p50, r.p95, r.p99], [76, m[r.metric]!.p50, m[r.metric]!.p95, m[r.metric]!.p99]);
  assert.deepEqual(s.turns.map((t) => [t.turn, t.count]), [[1, 40], [2, 36]]);
  const firstTurnLlm = inputs.turnStages![0]!.map((b) => b!.llmTtftMs!).sort((a, b) => a - b);
  assert.equal(s.turns[0]!.medians.llm_ttft_ms, nearestRank(firstTurnLlm, 50));
}));

test('stage section HTML: the section is there with its numbers; a run without stages has none', withDir(async (dir) => {
  writeReportDir(join(dir, 'lk'), { stages: true });
  const model = buildReportModel(await loadReportDir(join(dir, 'lk')));
  const html = renderReportHtml(model, readUplotAssets());
  assert.ok(html.includes('<h2>Where the time goes</h2>'));
  const s = model.stages!;
  const p95 = s.bars[1]!;
  assert.ok(html.includes(`<div class="stage-bar" data-percentile="p95"><b>p95</b>: end of utterance ${ms(p95.segments[0]!.ms)} + LLM TTFT ${ms(p95.segments[1]!.ms)} + TTS TTFB ${ms(p95.segments[2]!.ms)} + transport remainder ${ms(p95.segments[3]!.ms)} = ${ms(p95.stackedMs)} (ttfa_ms p95 ${ms(p95.ttfaMs)})`));
  assert.equal(html.match(/<span class="seg seg\d" data-stage=/g)?.length, 8, 'four segments per bar');
  assert.match(html, /<span class="seg seg1" data-stage="llm_ttft_ms" style="width:[\d.]+%" title="LLM TTFT [\d.]+ ms"><\/span>/);
  for (const r of s.rows) assert.ok(html.includes(`<tr data-stage="${r.metric}"><td class="t"><code>${r.metric}</code></td><td class="t">${r.label}</td><td>${r.count}</td><td>${ms(r.p50)}</td><td>${ms(r.p95)}</td><td>${ms(r.p99)}</td></tr>`), r.metric);
  assert.match(html, /<table id="stage-turns"><tr><th>turn<\/th><th>turns<\/th><th>end of utterance p50<\/th>/);
  assert.ok(html.includes(`<tr><td>1</td><td>40</td><td>${ms(s.turns[0]!.medians.eou_delay_ms)}</td>`));
  assert.equal((html.match(/<script/g) ?? []).length, 3, 'the section adds no script');

  writeReportDir(join(dir, 'plain'));
  const plain = buildReportModel(await loadReportDir(join(dir, 'plain')));
  assert.equal(plain.stages, null);
  const plainHtml = renderReportHtml(plain, readUplotAssets());
  assert.ok(!plainHtml.includes('Where the time goes'));
  assert.ok(!plainHtml.includes('.stack {'), 'nor its styles');
}));

test('stageSection: a stage without samples leaves a gap in the stack and the table; turns without breakdowns are skipped', withDir(async (dir) => {
  writeReportDir(dir, { stages: true });
  const summary = (await loadReportDir(dir)).summary;
  const { tts_ttfb_ms: _dropped, ...rest } = summary.metrics;
  const s = stageSection({ ...summary, metrics: rest as typeof summary.metrics }, [[null, null], [{ eouDelayMs: 300, transcriptionDelayMs: null, sttMs: null, llmTtftMs: 500, ttsTtfbMs: null, transportRemainderMs: 40, bridgeDelayMs: null }]]);
  assert.ok(s !== null);
  assert.equal(s.bars[0]!.segments[2]!.ms, null);
  assert.ok(!s.rows.some((r) => r.metric === 'tts_ttfb_ms'));
  assert.deepEqual(s.turns.map((t) => [t.turn, t.count, t.medians.llm_ttft_ms, t.medians.tts_ttfb_ms]), [[2, 1, 500, null]]);
}));

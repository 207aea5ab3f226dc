import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLoadSummary } from '../../src/report/loadSummary.js';
import { MetricHistograms } from '../../src/results/metricHistograms.js';
import { RunCounters } from '../../src/results/runCounters.js';
import { buildRunSummary } from '../../src/results/runSummaryDoc.js';

function summary(h: MetricHistograms): ReturnType<typeof buildRunSummary> {
  return buildRunSummary({ config: {}, version: 't', startedAt: '2025-01-01T00:00:00Z', endedAt: '2025-01-01T00:00:01Z', histograms: h, counters: new RunCounters() });
}

test('load summary: the turn stages (run --livekit) are printed under turn TTFA; none without them', () => {
  const h = new MetricHistograms();
  h.record('ttfa_ms', 900);
  const plain = formatLoadSummary(summary(h));
  h.recordTurnStages({ eouDelayMs: 300, transcriptionDelayMs: null, sttMs: null, llmTtftMs: 400, ttsTtfbMs: 150, transportRemainderMs: 50, bridgeDelayMs: null });
  const lines = formatLoadSummary(summary(h)).split('\n');
  const at = lines.findIndex((l) => l.startsWith('  turn TTFA'));
  assert.deepEqual(lines.slice(at + 1, at + 5).map((l) => l.replace(/  p95 .*$/, '')), [
    '    EOU delay       p50 300 ms',
    '    LLM TTFT        p50 400 ms',
    '    TTS TTFB        p50 150 ms',
    '    transport rest  p50 50 ms',
  ]);
  assert.ok(!lines.some((l) => l.includes('STT')), 'stages without samples are not printed');
  assert.ok(!plain.includes('LLM TTFT'));
});

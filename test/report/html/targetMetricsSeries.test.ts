import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReportDir } from '../../../src/report/html/loadReportDir.js';
import { buildReportModel } from '../../../src/report/html/reportModel.js';
import { renderReportHtml } from '../../../src/report/html/renderReportHtml.js';
import { targetMetricsSeries } from '../../../src/report/html/targetMetricsSeries.js';
import { readUplotAssets } from '../../../src/report/html/uplotAssets.js';
import type { ScrapeRow } from '../../../src/scrape/scrapeCsv.js';
import { HOSTILE_TAG, writeReportDir } from './reportDirFixture.js';

const row = (elapsedMs: number, series: string, value: number, type: ScrapeRow['type'] = 'gauge', target = 'http://127.0.0.1:9464/metrics'): ScrapeRow => ({ elapsedMs, target, type, series, value });

test('target metrics: queue gauges first, then active ones, moving before flat; no counters or sums; at most 8', () => {
  const rows: ScrapeRow[] = [];
  for (const ms of [0, 1000, 2000]) {
    rows.push(row(ms, 'flat_other', 1));
    rows.push(row(ms, 'moving_other', ms));
    rows.push(row(ms, 'stage_active{stage="llm"}', ms / 1000));
    rows.push(row(ms, 'calls_total', ms, 'counter'));
    rows.push(row(ms, 'wait_seconds_sum', ms, 'histogram'));
    rows.push(row(ms, 'queue_depth_flat', 0));
    rows.push(row(ms, 'queue_depth{stage="llm"}', ms === 1000 ? Number.NaN : ms / 500));
  }
  const chart = targetMetricsSeries(rows)!;
  assert.deepEqual(chart.timeSec, [0, 1, 2]);
  assert.deepEqual(chart.series.map((s) => s.label), ['queue_depth{stage="llm"}', 'queue_depth_flat', 'stage_active{stage="llm"}', 'moving_other', 'flat_other']);
  assert.deepEqual(chart.series[0]!.values, [0, null, 4], 'NaN is a gap');
  assert.equal(chart.omitted, 2);
  assert.equal(targetMetricsSeries(rows, 2)!.omitted, 5);
  assert.equal(targetMetricsSeries([row(0, 'calls_total', 1, 'counter')]), null);
});

test('target metrics from two targets: labels name the host, times are the union (gaps where a target was not sampled)', () => {
  const chart = targetMetricsSeries([row(0, 'q_pending', 1, 'gauge', 'http://10.0.0.1:9464/metrics'), row(10, 'q_pending', 2, 'gauge', 'http://10.0.0.2:9464/metrics')])!;
  assert.deepEqual(chart.timeSec, [0, 0.01]);
  assert.deepEqual(chart.series, [
    { label: '10.0.0.1:9464 q_pending', values: [1, null] },
    { label: '10.0.0.2:9464 q_pending', values: [null, 2] },
  ]);
});

test('report with a scrape.csv: the model has the chart, the page its container, the hostile label stays text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-report-scrape-'));
  try {
    writeReportDir(dir, { scrape: true });
    const model = buildReportModel(await loadReportDir(dir));
    const chart = model.charts.targetMetrics!;
    assert.equal(chart.series.length, 8);
    assert.deepEqual(chart.series.slice(0, 3).map((s) => s.label), ['voiceload_agent_stage_queue_depth{stage="llm"}', 'voiceload_agent_stage_queue_depth{stage="stt"}', 'voiceload_agent_worker_queue']);
    assert.equal(chart.timeSec.length, 25);
    assert.equal(chart.series[0]!.values.at(-1), 6);
    assert.equal(chart.omitted, 3);
    const html = renderReportHtml(model, readUplotAssets());
    assert.ok(html.includes('id="chart-target-metrics"'));
    assert.ok(!html.includes(HOSTILE_TAG));
    // Without scrape.csv: no section.
    const plain = join(dir, 'plain');
    writeReportDir(plain);
    const none = buildReportModel(await loadReportDir(plain));
    assert.equal(none.charts.targetMetrics, null);
    assert.ok(!renderReportHtml(none, readUplotAssets()).includes('id="chart-target-metrics"'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

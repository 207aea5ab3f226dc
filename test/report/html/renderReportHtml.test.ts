import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embedJson, inlineRaw } from '../../../src/report/html/escapeHtml.js';
import { loadReportDir } from '../../../src/report/html/loadReportDir.js';
import { buildReportModel } from '../../../src/report/html/reportModel.js';
import { renderReportHtml } from '../../../src/report/html/renderReportHtml.js';
import { readUplotAssets } from '../../../src/report/html/uplotAssets.js';
import { writeHtmlReport } from '../../../src/report/html/writeHtmlReport.js';
import { HOSTILE_TAG, writeReportDir } from './reportDirFixture.js';

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voiceload-report-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function embeddedData(html: string): { charts: Record<string, unknown> } {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'the data block is there');
  return JSON.parse(m[1]!) as { charts: Record<string, unknown> };
}

test('report model: cards, per-turn breakdown and series come from the results directory', withDir(async (dir) => {
  writeReportDir(dir);
  const inputs = await loadReportDir(dir);
  const model = buildReportModel(inputs);
  const card = (label: string): string | undefined => model.cards.find((c) => c.label === label)?.value;
  assert.equal(card('Calls'), '40');
  assert.equal(card('Success rate'), '90 %');
  assert.equal(card('TTFA p95'), `${Math.round(inputs.summary.metrics.ttfa_ms.p95! * 10) / 10} ms`);
  assert.equal(card('Thresholds'), 'failed');
  assert.equal(model.turns.length, 2);
  assert.deepEqual(model.turns.map((t) => [t.turn, t.count, t.noReply]), [[1, 40, 0], [2, 36, 4]]);
  assert.ok(model.turns[0]!.p50Ms! > 500 && model.turns[0]!.p95Ms! >= model.turns[0]!.p50Ms!);
  assert.deepEqual(model.failureReasons, [{ reason: 'no_reply', count: 4 }]);
  assert.ok(model.charts.timeline !== null && model.charts.timeline.timeSec.length > 0);
  assert.equal(model.charts.timeline.activeCalls.length, model.charts.timeline.timeSec.length);
  const cdf = model.charts.ttfaCdf!;
  assert.ok(cdf.valuesMs.length > 10);
  assert.equal(cdf.fraction.at(-1), 1);
  for (let i = 1; i < cdf.valuesMs.length; i++) assert.ok(cdf.valuesMs[i]! > cdf.valuesMs[i - 1]!, 'CDF x strictly increasing');
  // The unsafe link is left out; the others keep their relative paths.
  assert.deepEqual(model.recordings?.map((r) => r.file), ['recordings/call-000010.wav', 'recordings/call-000003.wav']);
  assert.equal(model.capacity, null);
}));

test('report HTML: shows the cards, escapes hostile tags, embeds data, fetches nothing', withDir(async (dir) => {
  writeReportDir(dir, { capacity: true });
  const model = buildReportModel(await loadReportDir(dir));
  const html = renderReportHtml(model, readUplotAssets());
  for (const c of model.cards) assert.ok(html.includes(c.value.replace(/&/g, '&amp;')), `card ${c.label} = ${c.value}`);
  assert.ok(html.includes('ttfa_ms: p(50)&lt;10'), 'threshold sources listed');
  assert.ok(html.includes('FAIL'));
  // The hostile tag is shown as text and never appears raw: not in the page, not in the JSON block.
  assert.ok(!html.includes(HOSTILE_TAG));
  assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.equal((html.match(/<script/g) ?? []).length, 3, 'data, uPlot and the page script only');
  assert.equal((html.match(/<\/script>/g) ?? []).length, 3);
  // Self-contained: no external script, stylesheet, image or frame.
  assert.doesNotMatch(html, /<script[^>]*\ssrc=/i);
  assert.doesNotMatch(html, /<link[^>]*href=/i);
  assert.doesNotMatch(html, /(src|href)\s*=\s*["']?(https?:)?\/\//i);
  assert.doesNotMatch(html, /url\(\s*["']?(https?:)?\/\//i);
  assert.doesNotMatch(html, /javascript:/i);
  assert.ok(html.includes('href="recordings/call-000010.wav"'));
  const data = embeddedData(html);
  assert.ok(Array.isArray((data.charts['timeline'] as { timeSec: number[] }).timeSec));
  assert.deepEqual((data.charts['capacity'] as { levels: number[] }).levels, [10, 20, 30]);
  assert.equal((data.charts['capacity'] as { ttfaP95Ms: (number | null)[] }).ttfaP95Ms[0], null);
  assert.ok(typeof (data.charts['capacity'] as { ttfaP95Ms: (number | null)[] }).ttfaP95Ms[1] === 'number', 'step summary read');
  assert.ok(html.includes('id="chart-capacity"'));
}));

test('embedJson: no </script or <!-- survives, and the value parses back unchanged', () => {
  const value = { tag: '</script><!-- <SCRIPT>', line: 'a\u2028b' };
  const text = embedJson(value);
  assert.doesNotMatch(text, /</);
  assert.ok(!text.includes('\u2028'));
  assert.deepEqual(JSON.parse(text), value);
  assert.equal(inlineRaw('x="</script>";y="</SCRIPT"', 'script'), 'x="<\\/script>";y="<\\/SCRIPT"');
});

test('writeHtmlReport: writes report.html into the directory; a directory without summary.json is a CONFIG error naming it', withDir(async (dir) => {
  writeReportDir(dir);
  const path = await writeHtmlReport(dir);
  assert.equal(path, join(dir, 'report.html'));
  assert.match(readFileSync(path, 'utf8'), /^<!DOCTYPE html>/);
  const empty = join(dir, 'empty');
  await assert.rejects(writeHtmlReport(empty, join(dir, 'x.html')), (e: Error & { code?: string }) => e.code === 'CONFIG' && e.message.includes(join(empty, 'summary.json')));
}));

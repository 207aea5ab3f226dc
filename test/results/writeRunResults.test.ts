import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRunResults, RESULT_FILES } from '../../src/results/writeRunResults.js';
import { formatHistogramsJson, parseHistogramsJson } from '../../src/results/histogramsFile.js';
import { parseTimelineCsv, formatTimelineCsv } from '../../src/results/timelineCsv.js';
import { MetricHistograms } from '../../src/results/metricHistograms.js';
import { RunCounters } from '../../src/results/runCounters.js';
import { Timeline } from '../../src/results/timeline.js';
import { buildRunSummary } from '../../src/results/runSummaryDoc.js';
import { VoiceloadError } from '../../src/core/errors.js';
import { callRecord } from './callRecordFixture.js';

function parts() {
  const histograms = new MetricHistograms();
  const counters = new RunCounters();
  const timeline = new Timeline();
  for (let i = 1; i <= 20; i++) {
    const r = callRecord({ callNumber: i, startedAtMs: i * 150, answeredAtMs: i * 150 + 300, endedAtMs: i * 150 + 2000, ttfaMs: [500 + i * 13], detail: null });
    histograms.recordCall(r);
    counters.recordCall(r);
    timeline.addCall(r);
  }
  const summary = buildRunSummary({ config: { rate: 5, password: 'pw' }, version: '0.1.0', startedAt: '2025-01-01T00:00:00.000Z', endedAt: '2025-01-01T00:00:05.000Z', histograms, counters });
  return { summary, histograms, timeline: { rows: timeline.rows(), csv: { startEpochMs: Date.parse('2025-01-01T00:00:00.000Z') } } };
}

test('writes summary.json, timeline.csv and histograms.json into a new nested directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'voiceload-out-'));
  try {
    const dir = join(root, 'a', 'b');
    const p = parts();
    const paths = writeRunResults(dir, { ...p, interval: { startMs: 0, endMs: 5000 } });
    assert.deepEqual(paths, [RESULT_FILES.summary, RESULT_FILES.timeline, RESULT_FILES.histograms].map((f) => join(dir, f)));
    assert.deepEqual(readdirSync(dir).sort(), [RESULT_FILES.histograms, RESULT_FILES.summary, RESULT_FILES.timeline].sort(), 'no temporary files left');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, RESULT_FILES.summary), 'utf8')), p.summary);
    assert.equal(readFileSync(join(dir, RESULT_FILES.timeline), 'utf8'), formatTimelineCsv(p.timeline.rows, p.timeline.csv));
    assert.equal(parseTimelineCsv(readFileSync(join(dir, RESULT_FILES.timeline), 'utf8')).rows.length, p.timeline.rows.length);
    const back = parseHistogramsJson(readFileSync(join(dir, RESULT_FILES.histograms), 'utf8'));
    assert.deepEqual(back.interval, { startMs: 0, endMs: 5000 });
    for (const name of p.histograms.names()) assert.deepEqual(back.histograms.stats(name), p.histograms.stats(name));
    assert.ok(!readFileSync(join(dir, RESULT_FILES.summary), 'utf8').includes('"pw"'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a directory that cannot be created is a RESULTS_WRITE error naming the path', () => {
  const root = mkdtempSync(join(tmpdir(), 'voiceload-out-'));
  try {
    const blocker = join(root, 'file');
    writeFileSync(blocker, 'x');
    const dir = join(blocker, 'out');
    assert.throws(() => writeRunResults(dir, parts()), (e: unknown) => e instanceof VoiceloadError && e.code === 'RESULTS_WRITE' && e.message.includes(dir));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('histograms.json round trip, and clear errors for other files', () => {
  const h = new MetricHistograms();
  h.record('ttfa_ms', 812.5);
  h.record('rtp_loss_pct', 0.5);
  const back = parseHistogramsJson(formatHistogramsJson(h)).histograms;
  assert.deepEqual(back.encode(), h.encode());
  assert.equal(parseHistogramsJson(formatHistogramsJson(h)).interval, undefined);
  assert.throws(() => parseHistogramsJson('{', 'x.json'), /x\.json: not JSON/);
  assert.throws(() => parseHistogramsJson('{"schema":"other"}', 'x.json'), /x\.json: not a voiceload\.histograms\/1 file/);
  assert.throws(() => parseHistogramsJson(JSON.stringify({ schema: 'voiceload.histograms/1', valueScale: 1000, metrics: { nope_ms: 'x' } }), 'x.json'), /x\.json: unknown histogram metric "nope_ms"/);
});

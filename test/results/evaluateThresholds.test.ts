import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateThresholds } from '../../src/results/evaluateThresholds.js';
import { parseThreshold } from '../../src/results/parseThreshold.js';
import { MetricHistograms } from '../../src/results/metricHistograms.js';
import { RunCounters } from '../../src/results/runCounters.js';
import { buildRunSummary } from '../../src/results/runSummaryDoc.js';
import { callRecord } from './callRecordFixture.js';

function run() {
  const histograms = new MetricHistograms();
  for (let i = 1; i <= 200; i++) histograms.record('ttfa_ms', i * 10);
  const counters = new RunCounters();
  for (let i = 0; i < 9; i++) counters.recordCall(callRecord({ callNumber: i }));
  counters.recordCall(callRecord({ callNumber: 9, outcome: 'failed', reason: 'no_reply' }));
  return { histograms, counters };
}

test('each condition is evaluated against the live histograms and counts', () => {
  const { histograms, counters } = run();
  const p95 = histograms.percentile('ttfa_ms', 95)!;
  const counts = counters.snapshot();
  const thresholds = [
    parseThreshold(`ttfa_ms: p(95)<${p95 + 1}, p(95)<${p95}, p(95)<=${p95}`),
    parseThreshold(`ttfa_ms: avg>0, count==${histograms.count('ttfa_ms')}, max>=${histograms.stats('ttfa_ms').max}`),
    parseThreshold(`failure_rate: rate<${counts.failureRate!}, rate<=${counts.failureRate!}`),
    parseThreshold('calls_failed: count==1'),
  ];
  const results = evaluateThresholds(thresholds, { histograms, counts });
  assert.deepEqual(results.map((r) => r.passed), [true, false, true, true, true, true, false, true, true]);
  assert.equal(results[0]!.actual, p95);
  assert.equal(results[0]!.source, `ttfa_ms: p(95)<${p95 + 1}`);
  assert.equal(results[0]!.stat, 'p(95)');
  assert.equal(results[6]!.actual, counts.failureRate);
  assert.equal(results[8]!.actual, counts.callsFailed);
});

test('a metric without samples fails with a note instead of passing', () => {
  const { histograms, counters } = run();
  const results = evaluateThresholds(
    [parseThreshold('greeting_ttfa_ms: p(95)<1200, avg<1000, count<5'), parseThreshold('failure_rate: rate<0.5')],
    { histograms, counts: new RunCounters().snapshot() },
  );
  assert.deepEqual(results.map((r) => [r.passed, r.actual]), [[false, null], [false, null], [true, 0], [false, null]]);
  assert.match(results[0]!.note!, /greeting_ttfa_ms has no samples/);
  assert.match(results[3]!.note!, /no call ended/);
  const noCounts = evaluateThresholds([parseThreshold('failure_rate: rate<0.5')], { histograms });
  assert.equal(noCounts[0]!.passed, false);
  assert.match(noCounts[0]!.note!, /counts/);
  void counters;
});

test('a summary.json gives the same verdicts for the percentiles it keeps', () => {
  const { histograms, counters } = run();
  const thresholds = [parseThreshold('ttfa_ms: p(50)<1000, p(99)<1990, med<1001, min>=10'), parseThreshold('failure_rate: rate<0.2'), parseThreshold('calls_attempted: count>=10')];
  const doc = buildRunSummary({ config: {}, version: '0.0.0', startedAt: '2025-01-01T00:00:00.000Z', endedAt: '2025-01-01T00:01:00.000Z', histograms, counters });
  const live = evaluateThresholds(thresholds, { histograms, counts: counters.snapshot() });
  assert.deepEqual(evaluateThresholds(thresholds, doc), live);
  const p97 = evaluateThresholds([parseThreshold('ttfa_ms: p(97)<5000')], doc)[0]!;
  assert.equal(p97.passed, false);
  assert.match(p97.note!, /histograms\.json/);
});

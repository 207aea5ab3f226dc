import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRunSummary, SUMMARY_SCHEMA } from '../../src/results/runSummaryDoc.js';
import { redactSecrets, REDACTED } from '../../src/results/redactSecrets.js';
import { MetricHistograms } from '../../src/results/metricHistograms.js';
import { RunCounters } from '../../src/results/runCounters.js';
import { parseThreshold } from '../../src/results/parseThreshold.js';
import { HISTOGRAM_METRICS, isStageMetric } from '../../src/results/metricNames.js';
import { callRecord } from './callRecordFixture.js';

const config = {
  target: 'sip:agent@127.0.0.1:5060',
  proxy: 'sip:alice:hunter2@proxy.example.com',
  auth: { user: 'alice', password: 'hunter2' },
  authPassword: 'hunter2',
  livekit: { apiKey: 'APIxyz', apiSecret: 'sekrit', url: 'wss://lk.example.com' },
  rate: 10,
  stages: [{ durationMs: 1000, target: 5 }],
};

test('summary.json: schema, version, times, tags, counters, every metric and threshold verdicts', () => {
  const histograms = new MetricHistograms();
  const counters = new RunCounters();
  const records = [callRecord({ callNumber: 1 }), callRecord({ callNumber: 2, ttfaMs: [1300] }), callRecord({ callNumber: 3, outcome: 'failed', reason: 'sip_503', answeredAtMs: null })];
  for (const r of records) (histograms.recordCall(r), counters.recordCall(r));
  counters.recordDrop({ shard: 0, intendedStartAtMs: 3 });
  const doc = buildRunSummary({
    config,
    tags: { build: 'abc123' },
    version: '0.1.0',
    startedAt: '2025-03-01T10:00:00.000Z',
    endedAt: '2025-03-01T10:05:00.000Z',
    histograms,
    counters,
    thresholds: [parseThreshold('ttfa_ms: p(95)<1200'), parseThreshold('calls_dropped: count==1')],
  });
  assert.equal(doc.schema, SUMMARY_SCHEMA);
  assert.equal(doc.voiceloadVersion, '0.1.0');
  assert.equal(doc.durationMs, 5 * 60_000);
  assert.deepEqual(doc.tags, { build: 'abc123' });
  // The per-turn stage metrics (run --livekit) are left out of a run without them.
  const listed = HISTOGRAM_METRICS.filter((n) => !isStageMetric(n));
  assert.deepEqual(Object.keys(doc.metrics), listed);
  for (const name of listed) {
    const { unit, ...stats } = doc.metrics[name]!;
    assert.deepEqual(stats, histograms.stats(name), name);
    assert.equal(unit, name === 'rtp_loss_pct' ? '%' : 'ms');
  }
  const counts = counters.snapshot();
  assert.equal(doc.counters.calls_attempted, records.length);
  assert.equal(doc.counters.calls_dropped, counts.callsDropped);
  assert.deepEqual(doc.counters.calls_failed_by_reason, counts.failedByReason);
  assert.equal(doc.rates.failure_rate, counts.failureRate);
  assert.equal(doc.thresholds.passed, false, 'one ttfa sample is 1300 ms');
  assert.deepEqual(doc.thresholds.results.map((r) => r.passed), [false, true]);
  // The document survives JSON as it is.
  assert.deepEqual(JSON.parse(JSON.stringify(doc)), doc);
});

test('the configuration in summary.json carries no secret', () => {
  const histograms = new MetricHistograms();
  const doc = buildRunSummary({ config, version: '0.1.0', startedAt: '2025-03-01T10:00:00.000Z', endedAt: '2025-03-01T10:00:01.000Z', histograms, counters: new RunCounters() });
  const text = JSON.stringify(doc);
  for (const secret of [config.auth.password, config.livekit.apiKey, config.livekit.apiSecret]) assert.ok(!text.includes(secret), `leaked ${secret}`);
  const c = doc.config as typeof config;
  assert.equal(c.auth.password, REDACTED);
  assert.equal(c.auth.user, 'alice');
  assert.equal(c.authPassword, REDACTED);
  assert.equal(c.proxy, `sip:alice:${REDACTED}@proxy.example.com`);
  assert.equal(c.target, config.target);
  assert.equal(c.livekit.url, config.livekit.url);
  assert.deepEqual(c.stages, config.stages);
  assert.equal(doc.thresholds.passed, true, 'no thresholds: nothing failed');
});

test('redactSecrets copies without touching the input and survives cycles', () => {
  const cyclic: Record<string, unknown> = { token: 't0k', n: 1 };
  cyclic['self'] = cyclic;
  const out = redactSecrets(cyclic) as Record<string, unknown>;
  assert.deepEqual(out, { token: REDACTED, n: 1, self: '[circular]' });
  assert.equal(cyclic['token'], 't0k');
  assert.deepEqual(redactSecrets({ password: '', list: ['sip:bob@x', 'sips:bob:pw@x;transport=tls'] }), { password: '', list: ['sip:bob@x', `sips:bob:${REDACTED}@x;transport=tls`] });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricHistograms } from '../../src/results/metricHistograms.js';
import { createRng } from '../../src/core/rng.js';
import { callRecord } from './callRecordFixture.js';

/** Nearest-rank percentile of a sorted array: the ground truth HDR approximates. */
function exactPercentile(sorted: readonly number[], p: number): number {
  // The epsilon keeps 99.9 % of 5000 at rank 4995 despite float error (HDR does the same with an ulp).
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length - 1e-9) - 1)]!;
}

/** Within HDR's precision: 3 significant digits of the stored µs, plus the µs rounding itself. */
function assertClose(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null, `${what}: null`);
  const tolerance = expected * 0.001 + 0.001;
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs exact ${expected} (±${tolerance})`);
}

function samples(seed: number, n: number): number[] {
  const rng = createRng(seed);
  // Log-uniform 0.05 ms … 50 s: exercises many HDR buckets.
  return Array.from({ length: n }, () => Math.round(Math.exp(Math.log(0.05) + rng() * Math.log(1e6)) * 1000) / 1000);
}

test('percentiles, min, max and mean agree with the exact values within HDR precision', () => {
  const values = samples(1, 5000);
  const h = new MetricHistograms();
  for (const v of values) h.record('ttfa_ms', v);
  const sorted = [...values].sort((a, b) => a - b);
  const s = h.stats('ttfa_ms');
  assert.equal(s.count, values.length);
  for (const [p, key] of [[50, 'p50'], [90, 'p90'], [95, 'p95'], [99, 'p99']] as const) {
    assertClose(s[key], exactPercentile(sorted, p), key);
  }
  assertClose(s.min, sorted[0]!, 'min');
  assertClose(s.max, sorted[sorted.length - 1]!, 'max');
  const exactMean = values.reduce((a, b) => a + b, 0) / values.length;
  assertClose(s.mean, exactMean, 'mean');
  assertClose(h.percentile('ttfa_ms', 99.9), exactPercentile(sorted, 99.9), 'p99.9');
});

test('an empty metric reports nulls and no percentile', () => {
  const h = new MetricHistograms();
  assert.deepEqual(h.stats('greeting_ttfa_ms'), { count: 0, min: null, mean: null, p50: null, p90: null, p95: null, p99: null, max: null });
  assert.equal(h.percentile('greeting_ttfa_ms', 50), null);
  assert.deepEqual(h.names(), []);
});

test('merging two histograms equals recording all the samples in one', () => {
  const a = samples(2, 800);
  const b = samples(3, 1200);
  const ha = new MetricHistograms();
  const hb = new MetricHistograms();
  const all = new MetricHistograms();
  for (const v of a) (ha.record('ttfa_ms', v), all.record('ttfa_ms', v));
  for (const v of b) (hb.record('ttfa_ms', v), hb.record('invite_to_answer_ms', v), all.record('ttfa_ms', v), all.record('invite_to_answer_ms', v));
  ha.add(hb);
  assert.deepEqual(ha.stats('ttfa_ms'), all.stats('ttfa_ms'));
  assert.deepEqual(ha.stats('invite_to_answer_ms'), all.stats('invite_to_answer_ms'));
  assert.deepEqual(ha.encode(), all.encode());
});

test('encode → decode keeps every bucket', () => {
  const h = new MetricHistograms();
  for (const v of samples(4, 500)) h.record('greeting_ttfa_ms', v);
  h.record('rtp_loss_pct', 0.25);
  h.record('rtp_loss_pct', 12.5);
  const encoded = h.encode();
  assert.deepEqual(Object.keys(encoded).sort(), ['greeting_ttfa_ms', 'rtp_loss_pct']);
  const back = MetricHistograms.decode(encoded);
  for (const name of h.names()) assert.deepEqual(back.stats(name), h.stats(name), name);
  assert.deepEqual(back.encode(), encoded);
  assertClose(back.stats('rtp_loss_pct').max, 12.5, 'loss max');
});

test('decode refuses unknown metrics and text that is not a histogram', () => {
  assert.throws(() => MetricHistograms.decode({ ttfa: 'HISTFAAAAB54nJNpmSzMwMDACMXMDBAAYjNcm7yEAc4HAEvsA1s=' }), /unknown histogram metric "ttfa"/);
  assert.throws(() => MetricHistograms.decode({ ttfa_ms: 'not base64 at all' }), (e: unknown) => (e as { code?: string }).code === 'CONFIG');
});

test('negative and over-range values are clamped and counted; non-finite ones ignored', () => {
  const h = new MetricHistograms();
  h.record('start_lag_ms', -0.4);
  h.record('start_lag_ms', 5_000_000);
  h.record('start_lag_ms', Number.NaN);
  assert.equal(h.count('start_lag_ms'), 2);
  assert.equal(h.clamped, 2);
  assert.equal(h.stats('start_lag_ms').min, 0);
  assertClose(h.stats('start_lag_ms').max, 3_600_000, 'max clamped to one hour');
});

test('recordCall records every metric a call measured', () => {
  const r = callRecord({ detail: { inviteToTryingMs: 3.25 }, ttfaMs: [820, null, 910], bargeInStopMs: [120] });
  const h = new MetricHistograms();
  h.recordCall(r);
  const counts = Object.fromEntries(h.names().map((n) => [n, h.count(n)]));
  assert.deepEqual(counts, {
    invite_to_trying_ms: 1,
    post_dial_delay_ms: 1,
    invite_to_answer_ms: 1,
    greeting_ttfa_ms: 1,
    ttfa_ms: 2,
    agent_reply_ms: r.agentReplyMs.length,
    barge_in_stop_ms: 1,
    rtp_jitter_ms: 1,
    rtp_loss_pct: 1,
    start_lag_ms: 1,
  });
  assertClose(h.stats('invite_to_trying_ms').p50, 3.25, 'trying');
  assertClose(h.stats('rtp_loss_pct').p50, r.rtp!.lossPct, 'loss');
  assertClose(h.stats('ttfa_ms').max, 910, 'ttfa max');
});

test('a failed call without answer or media records only what it measured', () => {
  const h = new MetricHistograms();
  h.recordCall(callRecord({ outcome: 'failed', reason: 'sip_503', answeredAtMs: null, inviteToAnswerMs: null, greetingTtfaMs: null, ttfaMs: [], agentReplyMs: [], rtp: null }));
  assert.deepEqual(h.names(), ['post_dial_delay_ms', 'start_lag_ms']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricHistograms } from '../../src/results/metricHistograms.js';
import { RunCounters } from '../../src/results/runCounters.js';
import { Timeline } from '../../src/results/timeline.js';
import { CallsNdjsonWriter } from '../../src/results/callsNdjsonWriter.js';
import { parseCallLine } from '../../src/results/formatCallLine.js';
import { buildRunSummary } from '../../src/results/runSummaryDoc.js';
import { createRng } from '../../src/core/rng.js';
import type { CallRecord } from '../../src/load/loadTypes.js';
import { callRecord } from './callRecordFixture.js';

test('two shards merged through their encoded histograms agree with calls.ndjson and with one shard holding all', () => {
  const rng = createRng(7);
  const reasons = ['sip_503', 'no_reply', 'timeout_no_response'];
  const shards: CallRecord[][] = [[], []];
  for (let i = 0; i < 300; i++) {
    const failed = rng() < 0.15;
    const startedAtMs = rng() * 20_000;
    shards[i % 2]!.push(
      callRecord({
        callNumber: i,
        shard: i % 2,
        callId: `c${i}`,
        startedAtMs,
        answeredAtMs: startedAtMs + 200,
        endedAtMs: startedAtMs + 3000 + rng() * 2000,
        outcome: failed ? 'failed' : 'completed',
        reason: failed ? reasons[Math.floor(rng() * reasons.length)]! : null,
        ttfaMs: [300 + rng() * 2000, rng() < 0.1 ? null : 300 + rng() * 2000],
        greetingTtfaMs: 400 + rng() * 600,
        detail: null,
      }),
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-merge-'));
  try {
    const writer = new CallsNdjsonWriter(join(dir, 'calls.ndjson'));
    const merged = new MetricHistograms();
    const counters = new RunCounters();
    const timeline = new Timeline();
    const all = new MetricHistograms();
    for (const records of shards) {
      // What a worker does: its own histograms and counters, shipped as plain data.
      const h = new MetricHistograms();
      const c = new RunCounters();
      for (const r of records) (h.recordCall(r), c.recordCall(r), all.recordCall(r), writer.write(r), timeline.addCall(r));
      merged.add(MetricHistograms.decode(structuredClone(h.encode())));
      counters.add(c);
    }
    writer.close();
    const lines = readFileSync(join(dir, 'calls.ndjson'), 'utf8').trimEnd().split('\n').map((l) => parseCallLine(l));
    const doc = buildRunSummary({ config: {}, version: 'test', startedAt: '2025-01-01T00:00:00.000Z', endedAt: '2025-01-01T00:00:30.000Z', histograms: merged, counters });
    assert.equal(doc.counters.calls_attempted, lines.length);
    assert.equal(doc.counters.calls_failed, lines.filter((r) => r.outcome === 'failed').length);
    assert.equal(doc.counters.calls_completed, lines.filter((r) => r.outcome === 'completed').length);
    for (const reason of reasons) assert.equal(doc.counters.calls_failed_by_reason[reason] ?? 0, lines.filter((r) => r.reason === reason).length);
    assert.equal(doc.metrics.ttfa_ms.count, lines.flatMap((r) => r.ttfaMs).filter((t) => t !== null).length);
    assert.deepEqual(merged.encode(), all.encode());
    const rows = timeline.rows();
    assert.equal(rows.reduce((n, r) => n + r.started, 0), lines.length);
    assert.equal(rows.reduce((n, r) => n + r.failed, 0), doc.counters.calls_failed);
    assert.equal(rows.reduce((n, r) => n + r.ttfaMs.count, 0), doc.metrics.ttfa_ms.count);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

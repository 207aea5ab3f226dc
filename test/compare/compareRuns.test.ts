import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRuns } from '../../src/compare/compareRuns.js';
import { loadRunDir } from '../../src/compare/loadRunDir.js';
import { parseGates } from '../../src/compare/parseGate.js';
import { formatCompareJson } from '../../src/compare/formatCompareJson.js';
import { formatCompareMarkdown } from '../../src/compare/formatCompareMarkdown.js';
import type { LoadedRun } from '../../src/compare/loadedRun.js';
import { VoiceloadError } from '../../src/core/errors.js';
import { writeRunDir } from './runDirFixture.js';

let root: string;
let base: LoadedRun;
let slow: LoadedRun;
let same: LoadedRun;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'voiceload-compare-'));
  writeRunDir(join(root, 'base'), { seed: 1, tags: { build: 'aaa111' } });
  writeRunDir(join(root, 'slow'), { seed: 2, turnFactor: 1.3, tags: { build: 'bbb222' } });
  writeRunDir(join(root, 'same'), { seed: 3, tags: { build: 'ccc333' } });
  [base, slow, same] = await Promise.all([loadRunDir(join(root, 'base')), loadRunDir(join(root, 'slow')), loadRunDir(join(root, 'same'))]);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('loadRunDir reads tags, histograms and the per-sample values of calls.ndjson', () => {
  assert.deepEqual(base.summary.tags, { build: 'aaa111' });
  assert.equal(base.samples.ttfa_ms?.length, 400);
  assert.equal(base.histograms.count('ttfa_ms'), 400);
  assert.equal(base.samples.greeting_ttfa_ms?.length, 200);
  assert.equal(base.failures.length, 200);
});

test('a 30 % slower turn latency: ttfa_ms and agent_reply_ms change by about +30 %, significantly; set-up does not', () => {
  const c = compareRuns(base, slow);
  const ttfa = c.metrics.find((m) => m.metric === 'ttfa_ms')!;
  assert.ok(ttfa.significant && ttfa.test.pValue < 1e-10, `p ${ttfa.test.pValue}`);
  for (const s of ['p50', 'p95', 'p99', 'mean'] as const) {
    const rel = ttfa.stats[s]!.relativeChange!;
    assert.ok(rel > 0.15 && rel < 0.45, `${s} ${rel}`);
    assert.equal(ttfa.stats[s]!.change, Math.round((ttfa.stats[s]!.candidate! - ttfa.stats[s]!.baseline!) * 1e9) / 1e9);
  }
  assert.ok(c.metrics.find((m) => m.metric === 'agent_reply_ms')!.significant);
  assert.equal(c.metrics.find((m) => m.metric === 'invite_to_answer_ms')!.significant, false);
  const names = c.metrics.map((m) => m.metric);
  for (const m of ['ttfa_ms', 'greeting_ttfa_ms', 'invite_to_answer_ms', 'agent_reply_ms', 'failure_rate']) assert.ok(names.includes(m as never), m);
  assert.ok(!names.includes('barge_in_stop_ms' as never), 'metrics without samples are left out');
  assert.equal(c.schema, 'voiceload.compare/1');
});

test('gates: the 30 % slower p95 fails a 10 % limit with a CI above 0; a 50 % limit and ungated metrics pass', () => {
  const c = compareRuns(base, slow, parseGates(['ttfa_ms.p95=10%', 'ttfa_ms.p95=50%', 'invite_to_answer_ms.p99=10ms', 'failure_rate.rate=0.01']));
  assert.equal(c.passed, false);
  const [tight, loose, setup, failures] = c.gates;
  assert.equal(tight!.status, 'fail');
  assert.ok(tight!.overLimit && tight!.significant && tight!.interval!.low > 0);
  assert.match(tight!.note, /regression: ttfa_ms p95/);
  assert.equal(loose!.status, 'pass');
  assert.equal(setup!.status, 'pass');
  assert.equal(failures!.status, 'pass');
  assert.deepEqual(failures!.value, { baseline: 0, candidate: 0, change: 0, relativeChange: null });
});

test('two runs of one distribution pass even a tight gate: a noisy change is not a regression', () => {
  const gates = parseGates(['ttfa_ms.p95=0.1%', 'ttfa_ms.p50=0.1%', 'ttfa_ms.mean=0.1%', 'greeting_ttfa_ms.max=0']);
  // Both directions: whichever run is the candidate, some statistic is a little higher by chance.
  const results = [compareRuns(base, same, gates), compareRuns(same, base, gates)];
  for (const c of results) {
    assert.equal(c.passed, true);
    for (const g of c.gates) assert.equal(g.status, 'pass', g.note);
  }
  const noisy = results.flatMap((c) => c.gates).filter((g) => g.overLimit);
  assert.ok(noisy.length > 0 && noisy.every((g) => /not significant/.test(g.note)), 'gates over the limit only by noise say so');
  const p95 = results[1]!.gates[0]!;
  assert.ok(p95.overLimit && p95.value.relativeChange! > 0.02, `a noisy +${(p95.value.relativeChange! * 100).toFixed(1)} % on p95 passes`);
});

test('a higher failure rate fails a rate gate when significant; a gate on a metric with no samples is no_data, not a failure', () => {
  const c = compareRuns(base, { ...slow, failures: slow.failures.map((_, i) => (i % 4 === 0 ? 1 : 0)), summary: { ...slow.summary, rates: { ...slow.summary.rates, failure_rate: 0.25 } } }, parseGates(['failure_rate.rate=0.05', 'barge_in_stop_ms.p95=10%']));
  assert.equal(c.gates[0]!.status, 'fail', c.gates[0]!.note);
  assert.equal(c.gates[1]!.status, 'no_data');
  assert.match(c.gates[1]!.note, /no samples in the baseline and candidate/);
});

test('the same inputs and seed give byte-identical output', () => {
  const gates = parseGates(['ttfa_ms.p95=10%', 'agent_reply_ms.p99=5%']);
  assert.equal(formatCompareJson(compareRuns(base, slow, gates, { seed: 9 })), formatCompareJson(compareRuns(base, slow, gates, { seed: 9 })));
});

test('markdown: verdict, tags, a ❌ row naming the failed gate, ✅ rows, and the metric table', () => {
  const md = formatCompareMarkdown(compareRuns(base, slow, parseGates(['ttfa_ms.p95=10%', 'invite_to_answer_ms.p95=20%'])));
  assert.match(md, /^## voiceload compare: build=bbb222 vs build=aaa111/);
  assert.match(md, /❌ \*\*Regression\*\*: `ttfa_ms` p95/);
  assert.match(md, /\| ❌ \| `ttfa_ms\.p95=10%` \|/);
  assert.match(md, /\| ✅ \| `invite_to_answer_ms\.p95=20%` \|/);
  assert.match(md, /`build=aaa111`/);
  assert.match(md, /`build=bbb222`/);
  assert.match(md, /\| `ttfa_ms` \(ms\) \| p50 \|/);
  assert.match(md, /\| `failure_rate` \(ratio\) \| rate \|/);
  const passing = formatCompareMarkdown(compareRuns(base, same, parseGates(['ttfa_ms.p95=10%'])));
  assert.match(passing, /✅ \*\*No significant regression\*\*/);
  assert.doesNotMatch(passing, /❌/);
});

test('json: versioned schema, both runs with tags, metrics and gates', () => {
  const doc = JSON.parse(formatCompareJson(compareRuns(base, slow, parseGates(['ttfa_ms.p95=10%'])))) as Record<string, unknown> & {
    baseline: { tags: Record<string, string> };
    candidate: { tags: Record<string, string> };
    metrics: { metric: string }[];
    gates: { status: string; interval: { low: number } }[];
  };
  assert.equal(doc['schema'], 'voiceload.compare/1');
  assert.equal(doc['passed'], false);
  assert.equal(doc['alpha'], 0.05);
  assert.deepEqual(doc.baseline.tags, { build: 'aaa111' });
  assert.deepEqual(doc.candidate.tags, { build: 'bbb222' });
  assert.ok(doc.metrics.some((m) => m.metric === 'ttfa_ms'));
  assert.equal(doc.gates[0]!.status, 'fail');
  assert.ok(doc.gates[0]!.interval.low > 0);
});

test('missing and malformed files are CONFIG errors naming the file', async () => {
  const dir = join(root, 'broken');
  writeRunDir(dir, { seed: 5, calls: 10 });
  const expectError = async (file: string, message: RegExp): Promise<void> => {
    await assert.rejects(loadRunDir(dir), (e: unknown) => e instanceof VoiceloadError && e.code === 'CONFIG' && e.message.includes(join(dir, file)) && message.test(e.message));
  };
  writeFileSync(join(dir, 'calls.ndjson'), '{"callNumber":1}\n');
  await expectError('calls.ndjson', /:1: not a call record/);
  unlinkSync(join(dir, 'calls.ndjson'));
  await expectError('calls.ndjson', /no such file/);
  writeFileSync(join(dir, 'histograms.json'), '{"schema":"other"}');
  await expectError('histograms.json', /not a voiceload\.histograms\/1 file/);
  writeFileSync(join(dir, 'summary.json'), 'not json');
  await expectError('summary.json', /not JSON/);
  unlinkSync(join(dir, 'summary.json'));
  await expectError('summary.json', /no such file/);
});

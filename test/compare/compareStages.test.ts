import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attributeTtfa } from '../../src/compare/attributeTtfa.js';
import { compareRuns } from '../../src/compare/compareRuns.js';
import type { MetricComparison } from '../../src/compare/comparison.js';
import { formatCompareHtml } from '../../src/compare/formatCompareHtml.js';
import { formatCompareJson } from '../../src/compare/formatCompareJson.js';
import { formatCompareMarkdown } from '../../src/compare/formatCompareMarkdown.js';
import type { LoadedRun } from '../../src/compare/loadedRun.js';
import { loadRunDir } from '../../src/compare/loadRunDir.js';
import { parseGates } from '../../src/compare/parseGate.js';
import { STAGE_METRICS } from '../../src/results/metricNames.js';
import { writeRunDir } from './runDirFixture.js';

let root: string;
let base: LoadedRun;
let slowLlm: LoadedRun;
let same: LoadedRun;
let plain: LoadedRun;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'voiceload-compare-stages-'));
  writeRunDir(join(root, 'base'), { seed: 11, stages: {}, tags: { build: 'aaa111' } });
  writeRunDir(join(root, 'slow-llm'), { seed: 12, stages: { llmExtraMs: 200 }, tags: { build: 'bbb222' } });
  writeRunDir(join(root, 'same'), { seed: 13, stages: {}, tags: { build: 'ccc333' } });
  writeRunDir(join(root, 'plain'), { seed: 14 });
  const load = (d: string): Promise<LoadedRun> => loadRunDir(join(root, d));
  [base, slowLlm, same, plain] = await Promise.all([load('base'), load('slow-llm'), load('same'), load('plain')]);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('loadRunDir reads the per-turn stage samples of calls.ndjson; summary.json lists the stage metrics', () => {
  assert.equal(base.samples.llm_ttft_ms?.length, 400);
  assert.equal(base.samples.eou_delay_ms?.length, 400);
  assert.equal(base.histograms.count('llm_ttft_ms'), 400);
  for (const m of STAGE_METRICS) assert.equal(base.summary.metrics[m]?.count, 400, m);
  assert.equal(plain.samples.llm_ttft_ms, undefined);
  assert.equal('llm_ttft_ms' in plain.summary.metrics, false);
});

test('only the LLM got slower: llm_ttft_ms and ttfa_ms regress significantly, the other stages do not, and TTFA is attributed to the LLM', () => {
  const c = compareRuns(base, slowLlm);
  const metric = (name: string): MetricComparison => c.metrics.find((m) => m.metric === name)!;
  for (const m of STAGE_METRICS) assert.ok(metric(m) !== undefined, `${m} compared`);
  assert.ok(metric('llm_ttft_ms').significant && metric('llm_ttft_ms').test.z > 0);
  const llmP50 = metric('llm_ttft_ms').stats.p50!.change!;
  assert.ok(llmP50 > 170 && llmP50 < 230, `llm p50 moved ${llmP50} ms`);
  assert.ok(metric('ttfa_ms').significant);
  for (const m of ['eou_delay_ms', 'tts_ttfb_ms', 'transport_remainder_ms', 'stt_ms']) assert.ok(Math.abs(metric(m).stats.p50!.change!) < 15, `${m} p50 ${metric(m).stats.p50!.change}`);
  assert.equal(c.attribution?.direction, 'worse');
  assert.equal(c.attribution?.stage?.metric, 'llm_ttft_ms');
  assert.equal(c.attribution?.stage?.significant, true);
  assert.equal(c.attribution?.ttfa.stat, 'p95');

  const md = formatCompareMarkdown(c);
  const rel = c.attribution!.ttfa.value.relativeChange!;
  const line = md.split('\n').find((l) => l.startsWith('**Attributed to**'));
  assert.ok(line !== undefined, md);
  assert.match(line, new RegExp(`^\\*\\*Attributed to\\*\\*: ttfa_ms p95 \\+${(rel * 100).toFixed(1)}% — llm_ttft_ms p50 \\+${Math.round(llmP50 * 10) / 10} ms is the stage that moved\\.$`));
  assert.match(md, /\| `llm_ttft_ms` \(ms\) \| p50 \|/, 'the stage is in the metrics table');

  const html = formatCompareHtml(c);
  assert.match(html, /<p id="attribution" data-direction="worse" data-stage="llm_ttft_ms"><b>Attributed to<\/b>: ttfa_ms p95 \+[\d.]+% — llm_ttft_ms p50 \+[\d.]+ ms is the stage that moved\.<\/p>/);
  assert.match(html, /data-metric="llm_ttft_ms" data-stat="p50"/);
  assert.equal((JSON.parse(formatCompareJson(c)) as { attribution: { stage: { metric: string } } }).attribution.stage.metric, 'llm_ttft_ms');
});

test('a gate on a stage metric: llm_ttft_ms.p95=10% fails for the slower LLM, passes for the same one; a run without stages has no data', () => {
  const gates = parseGates(['llm_ttft_ms.p95=10%', 'eou_delay_ms.p50=10%']);
  const slow = compareRuns(base, slowLlm, gates);
  assert.equal(slow.passed, false);
  assert.equal(slow.gates[0]!.status, 'fail');
  assert.match(slow.gates[0]!.note, /regression: llm_ttft_ms p95/);
  assert.equal(slow.gates[1]!.status, 'pass');
  const steady = compareRuns(base, same, gates);
  assert.deepEqual(steady.gates.map((g) => g.status), ['pass', 'pass']);
  const noStages = compareRuns(plain, slowLlm, gates);
  assert.equal(noStages.gates[0]!.status, 'no_data');
  assert.match(noStages.gates[0]!.note, /no samples in the baseline/);
});

test('no attribution line without a significant TTFA change, or without stages in both runs', () => {
  const steady = compareRuns(base, same);
  assert.equal(steady.metrics.find((m) => m.metric === 'ttfa_ms')!.significant, false);
  assert.equal(steady.attribution, undefined);
  assert.ok(!formatCompareMarkdown(steady).includes('Attributed to'));
  assert.ok(!formatCompareHtml(steady).includes('id="attribution"'));
  const mixed = compareRuns(plain, slowLlm);
  assert.equal(mixed.metrics.some((m) => m.metric === 'llm_ttft_ms'), false, 'compared only with samples in both runs');
  assert.equal(mixed.attribution, undefined);
});

test('attributeTtfa: an improvement goes to the stage that dropped most; no stage moving the same way is said', () => {
  const change = (b: number, c: number) => ({ baseline: b, candidate: c, change: c - b, relativeChange: (c - b) / b });
  const m = (metric: MetricComparison['metric'], b: number, c: number, z: number): MetricComparison => ({
    metric,
    unit: 'ms',
    baselineCount: 100,
    candidateCount: 100,
    stats: { p50: change(b, c), p95: change(b * 1.5, c * 1.5) },
    test: { n1: 100, n2: 100, u: 0, z, pValue: Math.abs(z) > 2 ? 0.001 : 0.5, probabilityOfSuperiority: 0.5 },
    significant: Math.abs(z) > 2,
  });
  const better = attributeTtfa([m('ttfa_ms', 900, 700, -6), m('eou_delay_ms', 300, 290, -0.5), m('tts_ttfb_ms', 150, 30, -8), m('llm_ttft_ms', 350, 355, 0.3), m('stt_ms', 120, 0.5, -9)]);
  assert.equal(better?.direction, 'better');
  assert.equal(better?.stage?.metric, 'tts_ttfb_ms', 'stt_ms overlaps eou and is not a candidate');
  const none = attributeTtfa([m('ttfa_ms', 900, 1100, 6), m('eou_delay_ms', 300, 290, -0.5), m('llm_ttft_ms', 350, 340, -0.3)]);
  assert.equal(none?.stage, null);
  assert.equal(attributeTtfa([m('ttfa_ms', 900, 1100, 6)]), null, 'no stage metrics compared');
  assert.equal(attributeTtfa([m('ttfa_ms', 900, 905, 0.5), m('llm_ttft_ms', 350, 500, 6)]), null, 'ttfa_ms did not change significantly');
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../interop/helpers/runCli.js';
import { writeRunDir } from '../compare/runDirFixture.js';

let root: string;
const dir = (name: string): string => join(root, name);

before(() => {
  root = mkdtempSync(join(tmpdir(), 'voiceload-compare-cli-'));
  writeRunDir(dir('a'), { seed: 11, calls: 150, tags: { build: 'a1' } });
  writeRunDir(dir('b-slow'), { seed: 12, calls: 150, turnFactor: 1.3, tags: { build: 'b2' } });
  writeRunDir(dir('a-again'), { seed: 13, calls: 150, tags: { build: 'a1', attempt: '2' } });
});
after(() => rmSync(root, { recursive: true, force: true }));

test('compare: a 30 % slower ttfa exits 99, names the metric, and marks the gate ❌', async () => {
  const run = await runCli(['compare', dir('a'), dir('b-slow'), '--max-regression', 'ttfa_ms.p95=10%', '--max-regression', 'failure_rate.rate=0.01']);
  assert.equal(run.code, 99, run.stderr);
  assert.match(run.stdout, /❌ \*\*Regression\*\*: `ttfa_ms` p95/);
  assert.match(run.stdout, /\| ✅ \| `failure_rate\.rate=0\.01` \|/);
  assert.match(run.stdout, /`build=a1`/);
  assert.match(run.stdout, /`build=b2`/);
  assert.match(run.stderr, /ttfa_ms\.p95=10%: regression: ttfa_ms p95/);
});

test('compare: two runs of one distribution (another seed) exit 0, in markdown and JSON to --out', async () => {
  const md = await runCli(['compare', dir('a'), dir('a-again'), '--max-regression', 'ttfa_ms.p95=5%', '--max-regression', 'greeting_ttfa_ms.p99=5%']);
  assert.equal(md.code, 0, md.stderr + md.stdout);
  assert.match(md.stdout, /✅ \*\*No significant regression\*\*/);
  const out = join(root, 'compare.json');
  const json = await runCli(['compare', dir('a'), dir('a-again'), '--max-regression', 'ttfa_ms.p95=5%', '--format', 'json', '--out', out, '--seed', '7']);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stdout, '');
  const doc = JSON.parse(readFileSync(out, 'utf8')) as { schema: string; passed: boolean; seed: number; candidate: { tags: Record<string, string> } };
  assert.equal(doc.schema, 'voiceload.compare/1');
  assert.equal(doc.passed, true);
  assert.equal(doc.seed, 7);
  assert.deepEqual(doc.candidate.tags, { build: 'a1', attempt: '2' });
});

test('compare --format html: one self-contained page on stdout, still exit 99 on a regression', async () => {
  const run = await runCli(['compare', dir('a'), dir('b-slow'), '--max-regression', 'ttfa_ms.p95=10%', '--format', 'html']);
  assert.equal(run.code, 99, run.stderr);
  assert.ok(run.stdout.startsWith('<!DOCTYPE html>'), run.stdout.slice(0, 100));
  assert.match(run.stdout, /<title>voiceload compare: build=b2 vs build=a1<\/title>/);
  assert.match(run.stdout, /data-status="regressed"><div class="v">❌ REGRESSED: ttfa_ms p95/);
  assert.match(run.stdout, /<\/html>\n$/);
  assert.match(run.stderr, /ttfa_ms\.p95=10%: regression: ttfa_ms p95/);
});

test('compare: bad gate syntax and a missing results file exit 2 with a hint / the file name', async () => {
  const bad = await runCli(['compare', dir('a'), dir('b-slow'), '--max-regression', 'ttfa_ms.p95>10%']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--max-regression 'ttfa_ms\.p95>10%': expected METRIC\.STAT=LIMIT/);
  assert.match(bad.stderr, /hint: e\.g\. --max-regression 'ttfa_ms\.p95=10%'/);
  const missing = await runCli(['compare', dir('a'), join(root, 'nowhere')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, new RegExp(`${join(root, 'nowhere', 'summary.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: no such file`));
  const alpha = await runCli(['compare', dir('a'), dir('a'), '--alpha', '2']);
  assert.equal(alpha.code, 2);
});

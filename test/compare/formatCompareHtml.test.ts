import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRuns } from '../../src/compare/compareRuns.js';
import type { StatChange } from '../../src/compare/comparison.js';
import { formatCompareHtml } from '../../src/compare/formatCompareHtml.js';
import type { LoadedRun } from '../../src/compare/loadedRun.js';
import { loadRunDir } from '../../src/compare/loadRunDir.js';
import { parseGates } from '../../src/compare/parseGate.js';
import { writeRunDir } from './runDirFixture.js';

const HOSTILE_BUILD = '<script>alert(1)</script>';
const HOSTILE_NOTE = '"><img src=x onerror=alert(2)>';

let root: string;
let base: LoadedRun;
let slow: LoadedRun;
let same: LoadedRun;
let tiny: [LoadedRun, LoadedRun];

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'voiceload-compare-html-'));
  writeRunDir(join(root, 'base'), { seed: 1, tags: { build: 'aaa111' } });
  writeRunDir(join(root, 'slow'), { seed: 2, turnFactor: 1.3, tags: { build: HOSTILE_BUILD, note: HOSTILE_NOTE } });
  writeRunDir(join(root, 'same'), { seed: 3, tags: { build: 'ccc333' } });
  writeRunDir(join(root, 'tiny-a'), { seed: 4, calls: 5 });
  writeRunDir(join(root, 'tiny-b'), { seed: 5, calls: 5 });
  const load = (d: string): Promise<LoadedRun> => loadRunDir(join(root, d));
  [base, slow, same, tiny] = await Promise.all([load('base'), load('slow'), load('same'), Promise.all([load('tiny-a'), load('tiny-b')])]);
});
after(() => rmSync(root, { recursive: true, force: true }));

/** The `<tr>` whose attributes contain `attrs`. */
function row(html: string, attrs: string): string {
  const at = html.indexOf(attrs);
  assert.ok(at >= 0, `a row with ${attrs}`);
  const start = html.lastIndexOf('<tr', at);
  return html.slice(start, html.indexOf('</tr>', at) + 5);
}

const num = (v: number | null): string => (v === null ? '—' : String(Math.round(v * 1000) / 1000));

test('html: a regression shows the failed gate in the verdict and its row, every metric row with its values', () => {
  const c = compareRuns(base, slow, parseGates(['ttfa_ms.p95=10%', 'failure_rate.rate=0.01']));
  const html = formatCompareHtml(c);
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.match(html, /<div class="banner fail" id="verdict" data-status="regressed"><div class="v">❌ REGRESSED: ttfa_ms p95<\/div>1 of 2 gates failed/);
  assert.match(html, /<li><code>ttfa_ms\.p95=10%<\/code>: regression: ttfa_ms p95 is \+/);
  const tight = row(html, 'data-gate="ttfa_ms.p95=10%"');
  assert.match(tight, /data-status="fail"/);
  assert.match(tight, /❌ FAIL/);
  assert.match(tight, /class="regressed"/);
  const g = c.gates[0]!;
  for (const v of [num(g.value.baseline), num(g.value.candidate), '+10%', `[${num(g.interval!.low)}, ${num(g.interval!.high)}] ms`]) assert.ok(tight.includes(v), `${v} in ${tight}`);
  // The bar: a red fill, the interval whisker and the limit line.
  assert.match(tight, /<span class="fill worse" style="left:50%;width:[\d.]+%"><\/span><span class="ci" style="left:[\d.]+%;width:[\d.]+%"><\/span><span class="limit" style="left:[\d.]+%"><\/span>/);
  assert.match(row(html, 'data-gate="failure_rate.rate=0.01"'), /✅ pass/);
  let rows = 0;
  for (const m of c.metrics) {
    for (const [stat, v] of Object.entries(m.stats) as [string, StatChange][]) {
      const r = row(html, `data-metric="${m.metric}" data-stat="${stat}"`);
      assert.ok(r.includes(`<td>${num(v.baseline)}</td><td>${num(v.candidate)}</td>`), `${m.metric} ${stat}: ${r}`);
      rows++;
    }
  }
  assert.equal(html.match(/<tr [^>]*data-metric=/g)?.length, rows);
  // Text, not only colour: ttfa_ms is significantly worse, the set-up time is not.
  assert.match(row(html, 'data-metric="ttfa_ms" data-stat="p50"'), /class="first regressed"[\s\S]*▲ yes, worse/);
  assert.match(row(html, 'data-metric="ttfa_ms" data-stat="p95"'), /❌ FAIL<\/span> \+10%/);
  assert.match(row(html, 'data-metric="invite_to_answer_ms" data-stat="p50"'), /<span class="same">no<\/span>/);
  assert.match(row(html, 'data-metric="failure_rate" data-stat="rate"'), /✅ pass<\/span> \+0\.01/);
});

test('html: hostile tag values are escaped in the title, heading and runs table', () => {
  const html = formatCompareHtml(compareRuns(base, slow));
  assert.ok(!html.includes(HOSTILE_BUILD));
  assert.ok(!html.includes('<img'));
  assert.ok(!/<script/i.test(html), 'the page has no script at all');
  assert.ok(html.includes('<title>voiceload compare: build=&lt;script&gt;alert(1)&lt;/script&gt; vs build=aaa111</title>'));
  assert.ok(html.includes('<span class="tag">note=&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</span>'));
});

test('html: self-contained — no URL, no external script, stylesheet, image or font, and a CSP that forbids fetching', () => {
  // base vs same: slow's hostile tags would show (escaped) `src=` as text.
  const html = formatCompareHtml(compareRuns(base, same, parseGates(['ttfa_ms.p95=10%'])));
  assert.doesNotMatch(html, /https?:\/\//);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|<object|@import|url\(|\bsrc=|\bhref=/i);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';/);
});

test('html: two runs of one distribution pass; without gates the banner says so; a 50 % gate over a 30 % change passes', () => {
  const passed = formatCompareHtml(compareRuns(base, same, parseGates(['ttfa_ms.p95=5%', 'greeting_ttfa_ms.p99=5%'])));
  assert.match(passed, /data-status="passed"><div class="v">✅ PASSED: no significant regression beyond the limits<\/div>2 gates, α = 0\.05\./);
  assert.doesNotMatch(passed, /FAIL/);
  const ungated = formatCompareHtml(compareRuns(base, same));
  assert.match(ungated, /id="verdict" data-status="ungated"/);
  assert.doesNotMatch(ungated, /id="gates"/);
  assert.match(ungated, /<ul id="notes"><li>No regression gates were given/);
  const loose = formatCompareHtml(compareRuns(base, slow, parseGates(['ttfa_ms.p95=50%'])));
  assert.match(row(loose, 'data-gate="ttfa_ms.p95=50%"'), /data-status="pass"[\s\S]*<span class="fill same"/);
});

test('html: notes name too few samples and a gate without data', () => {
  const c = compareRuns(tiny[0], tiny[1], parseGates(['barge_in_stop_ms.p95=10%']));
  const html = formatCompareHtml(c);
  assert.match(html, /<code>greeting_ttfa_ms<\/code>: too few samples \(5 baseline \/ 5 candidate\)/);
  assert.match(html, /<code>barge_in_stop_ms\.p95=10%<\/code>: barge_in_stop_ms has no samples in the baseline and candidate; the gate neither passed nor failed\./);
  assert.match(html, /data-status="passed">[\s\S]*⚠ 1 gate had no data/);
  assert.match(row(html, 'data-gate="barge_in_stop_ms.p95=10%"'), /⚠ no data/);
});

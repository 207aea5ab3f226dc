import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRuns } from '../../src/compare/compareRuns.js';
import { formatCompareHtml } from '../../src/compare/formatCompareHtml.js';
import { loadRunDir } from '../../src/compare/loadRunDir.js';
import { parseGates } from '../../src/compare/parseGate.js';
import { writeRunDir } from './runDirFixture.js';
import { CHROMIUM_SKIP, withLocalPage } from '../helpers/chromiumPage.js';

test('compare html in headless Chromium: the verdict, gate and metric rows render; no console errors, no network', { skip: CHROMIUM_SKIP, timeout: 30_000 }, async (t) => {
  const outDir = mkdtempSync(join(tmpdir(), 'voiceload-compare-chromium-'));
  writeRunDir(join(outDir, 'a'), { seed: 1, calls: 120, tags: { build: 'a1' } });
  // A hostile tag: it would alert() if it ever ran as markup.
  writeRunDir(join(outDir, 'b'), { seed: 2, calls: 120, turnFactor: 1.3, tags: { build: '<script>alert(1)</script>' } });
  const c = compareRuns(await loadRunDir(join(outDir, 'a')), await loadRunDir(join(outDir, 'b')), parseGates(['ttfa_ms.p95=10%', 'failure_rate.rate=0.01']));
  const file = join(outDir, 'comparison.html');
  writeFileSync(file, formatCompareHtml(c));
  await withLocalPage(file, { width: 1300, height: 900 }, async ({ page, problems, requests }) => {
    assert.equal(await page.title(), 'voiceload compare: build=<script>alert(1)</script> vs build=a1');
    assert.match(await page.textContent('#verdict') ?? '', /REGRESSED: ttfa_ms p95/);
    // Strings, not functions: the tests compile without the DOM library.
    const metricRows = await page.evaluate<number>("document.querySelectorAll('#metrics tr[data-metric]').length");
    const expected = c.metrics.reduce((n, m) => n + Object.keys(m.stats).length, 0);
    assert.equal(metricRows, expected);
    assert.ok(metricRows >= 5);
    assert.deepEqual(
      await page.evaluate<string[]>("[...document.querySelectorAll('#gates tr[data-gate]')].map((r) => r.dataset.gate + ' ' + r.dataset.status)"),
      ['ttfa_ms.p95=10% fail', 'failure_rate.rate=0.01 pass'],
    );
    // The failed gate's bar is laid out: a visible red fill and the interval whisker.
    const bar = await page.evaluate<{ fill: number; ci: number; colour: string }>(
      "(() => { const row = document.querySelector('#gates tr[data-status=fail]'); const f = row.querySelector('.bar .fill'); return { fill: f.getBoundingClientRect().width, ci: row.querySelector('.bar .ci').getBoundingClientRect().width, colour: getComputedStyle(f).backgroundColor }; })()",
    );
    assert.ok(bar.fill > 5 && bar.ci > 0, JSON.stringify(bar));
    assert.equal(bar.colour, 'rgb(214, 39, 40)');
    const screenshot = join(outDir, 'comparison.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    t.diagnostic(`screenshot: ${screenshot}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'no request leaves the file');
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHtmlReport } from '../../../src/report/html/writeHtmlReport.js';
import { writeReportDir } from './reportDirFixture.js';
import { CHROMIUM_SKIP, withLocalPage } from '../../helpers/chromiumPage.js';

test('report in headless Chromium: renders every chart with data, no console errors, no network', { skip: CHROMIUM_SKIP, timeout: 60_000 }, async (t) => {
  const outDir = mkdtempSync(join(tmpdir(), 'voiceload-report-chromium-'));
  const dir = join(outDir, 'run');
  mkdirSync(dir);
  writeReportDir(dir, { capacity: true, scrape: true, stages: true });
  const report = await writeHtmlReport(dir);
  await withLocalPage(report, { width: 1200, height: 900 }, async ({ page, problems, requests }) => {
    // Strings, not functions: the tests compile without the DOM library.
    await page.waitForFunction("document.querySelectorAll('.chart canvas').length === document.querySelectorAll('.chart').length");
    const charts = await page.$$eval('.chart', (els) =>
      els.map((el) => {
        const canvas = el.querySelector('canvas');
        return { id: el.id, points: Number(el.getAttribute('data-points')), width: canvas?.width ?? 0, height: canvas?.height ?? 0 };
      }),
    );
    assert.deepEqual(charts.map((c) => c.id).sort(), ['chart-capacity', 'chart-greeting-cdf', 'chart-target-metrics', 'chart-timeline', 'chart-ttfa-cdf']);
    for (const c of charts) {
      assert.ok(c.points > 0, `${c.id} has data`);
      assert.ok(c.width > 0 && c.height > 0, `${c.id} canvas ${c.width}x${c.height}`);
    }
    // The data the page itself parsed: non-empty series.
    const lengths = await page.evaluate<number[]>(
      "(() => { const d = JSON.parse(document.getElementById('report-data').textContent); return [d.charts.timeline.timeSec.length, d.charts.ttfaCdf.valuesMs.length, d.charts.capacity.levels.length]; })()",
    );
    assert.equal(lengths.length, 3);
    assert.ok(lengths.every((n) => n > 0));
    assert.match(await page.title(), /build abc123/);
    // "Where the time goes": two stacked bars of four laid-out segments each, inside the bar's width.
    const stacks = await page.$$eval('.stack', (els) => els.map((el) => ({ width: (el as unknown as { clientWidth: number }).clientWidth, segs: Array.from(el.querySelectorAll('.seg')).map((s) => (s as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width) })));
    assert.equal(stacks.length, 2);
    for (const st of stacks) {
      assert.equal(st.segs.length, 4);
      assert.ok(st.segs.every((w) => w > 0), `segments ${st.segs.join(', ')}`);
      assert.ok(st.segs.reduce((a, b) => a + b, 0) <= st.width + 1, 'the stack fits its bar');
    }
    const screenshot = join(outDir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    t.diagnostic(`screenshot: ${screenshot}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'no request leaves the file');
  });
});

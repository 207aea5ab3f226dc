import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeHtmlReport } from '../../../src/report/html/writeHtmlReport.js';
import { writeReportDir } from './reportDirFixture.js';

const CHROMIUM = '/usr/bin/chromium';
// No network of any kind: the report must not need it, and Chromium must not phone home.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('report in headless Chromium: renders every chart with data, no console errors, no network', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (Debian package chromium)`, timeout: 60_000 }, async (t) => {
  const outDir = mkdtempSync(join(tmpdir(), 'voiceload-report-chromium-'));
  const dir = join(outDir, 'run');
  mkdirSync(dir);
  writeReportDir(dir, { capacity: true, scrape: true });
  const report = await writeHtmlReport(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('request', (r) => requests.push(r.url()));
    // The fixture's hostile tag value would alert(1) if it ever ran as script.
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
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
    const screenshot = join(outDir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    t.diagnostic(`screenshot: ${screenshot}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'no request leaves the file');
  } finally {
    await browser.close();
  }
});

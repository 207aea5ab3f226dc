import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

/** Debian's chromium (installed by .ci/run); `npx playwright install` cannot download here. */
export const CHROMIUM = '/usr/bin/chromium';
/** For `test(..., { skip })`: false when Chromium is there, else the reason. */
export const CHROMIUM_SKIP: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (Debian package chromium)`;
// No network of any kind: a self-contained page must not need it, and Chromium must not phone home.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface OpenedPage {
  page: Page;
  /** Console errors and warnings, page errors, failed requests and dialogs (a hostile value that ran as script would alert). */
  problems: string[];
  /** Every URL the page requested (the file itself included). */
  requests: string[];
}

/**
 * Opens a local HTML file in headless Chromium with watchers for everything that would mean the
 * page is broken or not self-contained, runs `check`, and closes the browser.
 */
export async function withLocalPage(file: string, viewport: { width: number; height: number }, check: (opened: OpenedPage) => Promise<void>): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await check({ page, problems, requests });
  } finally {
    await browser.close();
  }
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCapacityConfig } from '../../src/cli/capacityOptions.js';
import { buildRunConfig } from '../../src/cli/runOptions.js';
import { isVoiceloadError } from '../../src/core/errors.js';
import { checkScrapeUrl } from '../../src/scrape/checkScrapeUrl.js';

test('--scrape takes absolute http:// URLs only', () => {
  assert.equal(checkScrapeUrl('http://127.0.0.1:9464/metrics'), undefined);
  assert.equal(checkScrapeUrl('http://agent.internal/metrics?x=1'), undefined);
  assert.match(checkScrapeUrl('127.0.0.1:9464/metrics')!, /only http:\/\/ URLs|not a URL/);
  assert.match(checkScrapeUrl('metrics')!, /is not a URL/);
  assert.match(checkScrapeUrl('https://127.0.0.1/metrics')!, /only http:\/\/ URLs are scraped, not https:/);
  assert.match(checkScrapeUrl('ftp://127.0.0.1/metrics')!, /only http:\/\//);
  assert.match(checkScrapeUrl('http://user:secret@127.0.0.1/metrics')!, /credentials/);
});

test('run and capacity: every bad --scrape URL is a usage problem (exit 2); run needs --out', () => {
  const usage = (fn: () => unknown, re: RegExp): void =>
    assert.throws(fn, (e: unknown) => isVoiceloadError(e) && e.code === 'CLI_USAGE' && re.test(e.message), String(re));
  usage(() => buildRunConfig('s.yaml', undefined, { scrape: ['nope', 'https://h/metrics'], out: 'dir' }, {}), /--scrape "nope" is not a URL[\s\S]*only http:\/\/ URLs are scraped, not https:/);
  usage(() => buildRunConfig('s.yaml', undefined, { scrape: ['http://127.0.0.1:1/metrics'] }, {}), /--scrape writes what it samples to --out DIR\/scrape\.csv: give --out/);
  const run = buildRunConfig('s.yaml', undefined, { scrape: ['http://127.0.0.1:1/metrics', 'http://127.0.0.1:2/metrics'], out: 'dir' }, {});
  assert.deepEqual(run.scrapeUrls, ['http://127.0.0.1:1/metrics', 'http://127.0.0.1:2/metrics']);
  assert.equal(buildRunConfig('s.yaml', undefined, {}, {}).scrapeUrls, undefined);
  usage(() => buildCapacityConfig('s.yaml', '127.0.0.1:5060', { slo: ['ttfa_ms: p(95)<1200'], scrape: ['ftp://h/metrics'] }, {}), /only http:\/\//);
  const capacity = buildCapacityConfig('s.yaml', '127.0.0.1:5060', { slo: ['ttfa_ms: p(95)<1200'], scrape: ['http://127.0.0.1:1/metrics'] }, {});
  assert.deepEqual(capacity.scrapeUrls, ['http://127.0.0.1:1/metrics']);
});

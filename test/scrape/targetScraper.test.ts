import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/core/fakeClock.js';
import type { ScrapeRow } from '../../src/scrape/scrapeCsv.js';
import { TargetScraper, type TargetScraperOptions } from '../../src/scrape/targetScraper.js';

type FetchFn = NonNullable<TargetScraperOptions['fetch']>;

const A = 'http://127.0.0.1:9001/metrics';
const B = 'http://127.0.0.1:9002/metrics';
const C = 'http://127.0.0.1:9003/metrics';

/** Lets the fake fetch's promises and the scraper's awaits run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** An agent-like exposition whose queue depth is `depth`. */
function exposition(depth: number): string {
  return [
    '# HELP q_depth Requests waiting',
    '# TYPE q_depth gauge',
    `q_depth{stage="llm",pool="a"} ${depth}`,
    '# TYPE calls_total counter',
    `calls_total{outcome="completed"} ${depth * 10}`,
    '# TYPE wait_seconds histogram',
    'wait_seconds_bucket{le="0.1"} 1',
    'wait_seconds_bucket{le="+Inf"} 2',
    `wait_seconds_sum ${depth / 2}`,
    'wait_seconds_count 2',
    'wait_seconds_created 1700000000',
    '# TYPE lat summary',
    'lat{quantile="0.5"} 0.2',
    'lat_sum 4',
    'lat_count 8',
    'loose 1',
    '',
  ].join('\n');
}

function scraperWith(fetchFn: FetchFn, extra: Partial<TargetScraperOptions> = {}): { scraper: TargetScraper; clock: FakeClock; warnings: string[] } {
  const clock = new FakeClock(10_000);
  const warnings: string[] = [];
  const scraper = new TargetScraper({ urls: [A], intervalMs: 1000, clock, fetch: fetchFn, onWarning: (m) => warnings.push(m), ...extra });
  return { scraper, clock, warnings };
}

const at = (rows: Iterable<ScrapeRow>, series: string): [number, number][] => [...rows].filter((r) => r.series === series).map((r) => [r.elapsedMs, r.value]);

test('scrapes every interval on the injected clock: gauges, counters and untyped as they are, histograms and summaries as _sum and _count', async () => {
  let depth = 0;
  const seen: string[] = [];
  const { scraper, clock, warnings } = scraperWith(async (url, init) => {
    seen.push(`${url} ${init.headers['accept']?.split(';')[0]}`);
    return new Response(exposition(depth++));
  });
  scraper.start();
  await settle();
  for (let i = 0; i < 3; i++) {
    clock.advance(1000);
    await settle();
  }
  await scraper.stop();
  assert.equal(seen.length, 4);
  assert.equal(seen[0], `${A} text/plain`);
  // Time 0 of the run is 500 ms after the scraper started: the first scrape (at -500) is left out.
  const rows = [...scraper.rows(10_500)];
  assert.deepEqual(at(rows, 'q_depth{pool="a",stage="llm"}'), [[500, 1], [1500, 2], [2500, 3]], 'labels sorted by name in the key');
  assert.deepEqual(at(rows, 'calls_total{outcome="completed"}'), [[500, 10], [1500, 20], [2500, 30]]);
  assert.deepEqual(at(rows, 'wait_seconds_sum'), [[500, 0.5], [1500, 1], [2500, 1.5]]);
  assert.deepEqual(at(rows, 'lat_count'), [[500, 8], [1500, 8], [2500, 8]]);
  assert.deepEqual([...new Set(rows.map((r) => `${r.type} ${r.series}`))].sort(), [
    'counter calls_total{outcome="completed"}',
    'gauge q_depth{pool="a",stage="llm"}',
    'histogram wait_seconds_count',
    'histogram wait_seconds_sum',
    'summary lat_count',
    'summary lat_sum',
    'untyped loose',
  ]);
  assert.ok(rows.every((r) => r.target === A));
  assert.deepEqual(warnings, []);
  assert.deepEqual(scraper.stats(), [{ url: A, scrapes: 4, failures: 0, malformedLines: 0, series: 7, samplesDropped: 0 }]);
  clock.advance(5000);
  await settle();
  assert.equal(seen.length, 4, 'no scrape after stop');
  assert.equal(clock.pendingTimers, 0);
});

test('a failing or unreachable target is counted and said once; the others go on', async () => {
  const refused = (): never => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9001'), { code: 'ECONNREFUSED' });
    throw new TypeError('fetch failed', { cause });
  };
  const { scraper, clock, warnings } = scraperWith(
    async (url) => {
      if (url === A) refused();
      if (url === B) return new Response('oops', { status: 500, statusText: 'Internal Server Error' });
      return new Response('up 1\n');
    },
    { urls: [A, B, C] },
  );
  scraper.start();
  await settle();
  for (let i = 0; i < 4; i++) {
    clock.advance(1000);
    await settle();
  }
  await scraper.stop();
  assert.deepEqual(warnings, [
    `scrape ${A} failed: fetch failed: ECONNREFUSED; the run goes on (failed scrapes are counted)`,
    `scrape ${B} failed: HTTP 500 Internal Server Error; the run goes on (failed scrapes are counted)`,
  ]);
  const stats = scraper.stats();
  assert.deepEqual(stats.map((s) => [s.url, s.scrapes, s.failures]), [
    [A, 0, 5],
    [B, 0, 5],
    [C, 5, 0],
  ]);
  assert.equal([...scraper.rows(10_000)].length, 5);
});

test('a target that does not answer times out after one interval and is scraped again at the next tick', async () => {
  let calls = 0;
  const { scraper, clock, warnings } = scraperWith(
    (_url, init) =>
      new Promise<Response>((resolve, reject) => {
        calls++;
        if (calls >= 3) resolve(new Response('up 1\n'));
        else init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      }),
  );
  scraper.start();
  await settle();
  clock.advance(1000);
  await settle();
  clock.advance(1000);
  await settle();
  await scraper.stop();
  assert.equal(calls, 3);
  assert.deepEqual(warnings, [`scrape ${A} failed: no answer within 1000 ms; the run goes on (failed scrapes are counted)`]);
  assert.deepEqual(scraper.stats().map((s) => [s.scrapes, s.failures]), [[1, 2]]);
  assert.deepEqual(at(scraper.rows(10_000), 'up'), [[2000, 1]]);
});

test('stop() abandons a request in flight without counting it as failed', async () => {
  const { scraper, warnings } = scraperWith((_url, init) => new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted')))));
  scraper.start();
  await settle();
  await scraper.stop();
  assert.deepEqual(warnings, []);
  assert.deepEqual(scraper.stats().map((s) => [s.scrapes, s.failures]), [[0, 0]]);
});

test('bounded: series past the cap are dropped (said once), a body past the size cap fails the scrape', async () => {
  const many = Array.from({ length: 6 }, (_, i) => `g{i="${i}"} ${i}`).join('\n');
  const capped = scraperWith(async () => new Response(many), { maxSeriesPerTarget: 4 });
  capped.scraper.start();
  await settle();
  capped.clock.advance(1000);
  await settle();
  await capped.scraper.stop();
  assert.deepEqual(capped.warnings, [`scrape ${A}: more than 4 series; keeping the first 4`]);
  assert.deepEqual(capped.scraper.stats().map((s) => [s.series, s.samplesDropped]), [[4, 4]]);
  assert.deepEqual([...new Set([...capped.scraper.rows(0)].map((r) => r.series))], ['g{i="0"}', 'g{i="1"}', 'g{i="2"}', 'g{i="3"}']);

  const big = scraperWith(async () => new Response('x'.repeat(5000)), { maxBodyBytes: 1000 });
  big.scraper.start();
  await settle();
  await big.scraper.stop();
  assert.deepEqual(big.warnings, [`scrape ${A} failed: the body is larger than 1000 bytes; the run goes on (failed scrapes are counted)`]);
});

test('malformed lines in a scrape are skipped and said once with the first line number', async () => {
  const { scraper, clock, warnings } = scraperWith(async () => new Response('up 1\nthis is not metrics\nq{a="1"} 2\n'));
  scraper.start();
  await settle();
  clock.advance(1000);
  await settle();
  await scraper.stop();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^scrape http:\/\/127\.0\.0\.1:9001\/metrics: skipped 1 malformed line \(line 2: /);
  assert.deepEqual(scraper.stats().map((s) => [s.scrapes, s.malformedLines, s.series]), [[2, 2, 2]]);
});

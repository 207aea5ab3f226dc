import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVoiceloadError } from '../../src/core/errors.js';
import { formatScrapeCsv, parseScrapeCsv, SCRAPE_FILE, type ScrapeRow } from '../../src/scrape/scrapeCsv.js';
import { seriesMeans } from '../../src/scrape/seriesMeans.js';
import { writeScrapeCsv } from '../../src/scrape/writeScrapeCsv.js';

const ROWS: ScrapeRow[] = [
  { elapsedMs: 0, target: 'http://127.0.0.1:9464/metrics', type: 'gauge', series: 'voiceload_agent_stage_queue_depth{stage="llm"}', value: 0 },
  { elapsedMs: 0, target: 'http://127.0.0.1:9464/metrics', type: 'counter', series: 'voiceload_agent_calls_total{outcome="completed"}', value: 12 },
  { elapsedMs: 1000, target: 'http://127.0.0.1:9464/metrics', type: 'gauge', series: 'voiceload_agent_stage_queue_depth{stage="llm"}', value: 3.25 },
  { elapsedMs: 1000, target: 'http://127.0.0.1:9464/metrics', type: 'histogram', series: 'voiceload_agent_stage_queue_wait_seconds_sum{stage="llm"}', value: 0.1 + 0.2 },
  { elapsedMs: 1001, target: 'http://127.0.0.1:9465/metrics?a=1,b=2', type: 'untyped', series: 'odd{q="say \\"hi\\", twice",nl="a\\nb"}', value: Number.NaN },
  { elapsedMs: 2000, target: 'http://127.0.0.1:9465/metrics?a=1,b=2', type: 'gauge', series: 'up', value: Infinity },
  { elapsedMs: 2000, target: 'http://127.0.0.1:9465/metrics?a=1,b=2', type: 'gauge', series: 'down', value: -Infinity },
  { elapsedMs: 3000, target: 'http://127.0.0.1:9465/metrics?a=1,b=2', type: 'gauge', series: 'tiny', value: 1e-300 },
];

test('scrape.csv round trip: format then parse gives the rows back (quotes, commas, NaN, ±Inf, exact doubles)', () => {
  const text = formatScrapeCsv(ROWS);
  assert.equal(text.split('\n')[0], 'elapsed_ms,target,type,series,value');
  assert.equal(text.split('\n')[1], '0,http://127.0.0.1:9464/metrics,gauge,"voiceload_agent_stage_queue_depth{stage=""llm""}",0');
  assert.deepEqual(parseScrapeCsv(text, SCRAPE_FILE), ROWS);
  assert.deepEqual(parseScrapeCsv(formatScrapeCsv([]), SCRAPE_FILE), []);
});

test('scrape.csv written in pieces reads back the same, and CRLF is read too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-scrape-csv-'));
  try {
    const many = Array.from({ length: 5000 }, (_, i): ScrapeRow => ({ elapsedMs: i * 10, target: 'http://h/metrics', type: 'gauge', series: `g{i="${i % 7}"}`, value: i / 3 }));
    const path = writeScrapeCsv(dir, many);
    assert.equal(path, join(dir, SCRAPE_FILE));
    const text = readFileSync(path, 'utf8');
    assert.equal(text, formatScrapeCsv(many));
    assert.deepEqual(parseScrapeCsv(text.replace(/\n/g, '\r\n'), path), many);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed scrape.csv is a CONFIG error naming the file and line', () => {
  const header = 'elapsed_ms,target,type,series,value';
  const cases: [string, RegExp][] = [
    ['elapsed,target\n', /x\.csv:1: expected the header/],
    [`${header}\n1,t,gauge,s\n`, /x\.csv:2: expected 5 fields/],
    [`${header}\n1,t,gauge,s,1\nsoon,t,gauge,s,1\n`, /x\.csv:3: elapsed_ms "soon"/],
    [`${header}\n1,t,meter,s,1\n`, /x\.csv:2: type "meter"/],
    [`${header}\n1,t,gauge,s,lots\n`, /x\.csv:2: value "lots"/],
    [`${header}\n1,t,gauge,"s,1\n`, /x\.csv:2: expected 5 fields/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseScrapeCsv(text, 'x.csv'), (e: unknown) => isVoiceloadError(e) && e.code === 'CONFIG' && message.test(e.message), text);
  }
});

test('series means over a window: per target and series, NaN and ±Inf left out, window end excluded', () => {
  const means = seriesMeans(ROWS, { fromMs: 1000, toMs: 3000 });
  assert.deepEqual(means, [
    { target: 'http://127.0.0.1:9464/metrics', series: 'voiceload_agent_stage_queue_depth{stage="llm"}', type: 'gauge', mean: 3.25, samples: 1 },
    { target: 'http://127.0.0.1:9464/metrics', series: 'voiceload_agent_stage_queue_wait_seconds_sum{stage="llm"}', type: 'histogram', mean: 0.1 + 0.2, samples: 1 },
  ]);
  const all = seriesMeans(ROWS, { fromMs: 0, toMs: Infinity });
  assert.equal(all.find((m) => m.series === 'voiceload_agent_stage_queue_depth{stage="llm"}')?.mean, 1.625);
  assert.equal(all.find((m) => m.series === 'tiny')?.samples, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '../../src/agent/simulatedAgent.js';
import { MemoryTruthSink } from '../../src/agent/truthLog.js';
import { parseScrapeCsv, SCRAPE_FILE } from '../../src/scrape/scrapeCsv.js';
import { runCli } from '../interop/helpers/runCli.js';
import { loadProfile, readResults, STEPS, writeScenario, type GreetingTruth } from '../load/helpers/loadRun.js';

// `voiceload run --scrape` in a child process against the simulated agent's /metrics on 127.0.0.1:
// what scrape.csv says the agent had in service is what the agent's own records say it had.

const CALLS = 3;
const INTERVAL_MS = 250;
/** A sample this close to a TTS start or end may see either side of it (scrape and SIP delays). */
const EDGE_MS = 150;

test('run --scrape: scrape.csv has the agent\'s gauges on the run\'s time axis; stage_active{tts} matches the agent\'s greeting TTS spans', { timeout: 40_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-scrape-'));
  // A slow greeting TTS (≈1.5 s per call) so several scrapes see it in service.
  const profile = loadProfile(CALLS, {
    stages: {
      stt: { latencyMs: { median: 100, p95: 150 }, concurrency: 50 },
      llm: { latencyMs: { median: 200, p95: 300 }, concurrency: 50 },
      tts: { latencyMs: { median: 1500, p95: 1700 }, concurrency: 50 },
    },
  });
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile, truth, metricsPort: 0 });
  try {
    const port = agent.metricsPort;
    assert.ok(port !== undefined && port > 0, 'the agent serves /metrics');
    const scenario = writeScenario(dir, 'scrape', STEPS.greetingOnly);
    const out = join(dir, 'out');
    const url = `http://127.0.0.1:${port}/metrics`;
    const run = await runCli(['run', scenario, '--target', agent.uri, '-m', String(CALLS), '-l', String(CALLS), '-r', '20', '--workers', '0', '--interval', `${INTERVAL_MS}ms`, '--run-id', 'scrape', '--scrape', url, '--out', out], { deadlineMs: 30_000 });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stderr, /wrote .*scrape\.csv/);
    assert.doesNotMatch(run.stderr, /warning: scrape/);

    const rows = parseScrapeCsv(readFileSync(join(out, SCRAPE_FILE), 'utf8'), SCRAPE_FILE);
    assert.ok(rows.every((r) => r.target === url && r.elapsedMs >= 0));
    const series = (key: string): { elapsedMs: number; value: number }[] => rows.filter((r) => r.series === key);
    const active = series('voiceload_agent_active_calls');
    assert.ok(active.length >= 10, `${active.length} scrapes`);
    assert.ok(Math.max(...active.map((r) => r.value)) === CALLS, 'all calls up at once at some scrape');
    assert.ok(active.every((r) => r.value <= CALLS));
    for (const stage of ['stt', 'llm', 'tts']) assert.ok(series(`voiceload_agent_stage_active{stage="${stage}"}`).length > 0, stage);
    // Histograms keep only _sum and _count; counters as they are.
    assert.ok(rows.some((r) => r.series === 'voiceload_agent_stage_queue_wait_seconds_count{stage="tts"}' && r.type === 'histogram'));
    assert.ok(!rows.some((r) => r.series.includes('_bucket')));
    const completed = series('voiceload_agent_calls_total{outcome="completed"}').map((r) => r.value);
    assert.ok(completed.every((v, i) => v <= CALLS && (i === 0 || v >= completed[i - 1]!)), 'a counter only grows');

    // The agent's greeting TTS spans (its clock), moved onto run time by each call's answer: the
    // caller's answeredAtMs (run time) against the agent's (its clock) for the same test id.
    const { calls } = readResults(out);
    const greetings = truth.records.filter((r): r is GreetingTruth => r.type === 'greeting' && (r.testId ?? '').startsWith('scrape-'));
    assert.equal(greetings.length, CALLS);
    const offsets = greetings.map((g) => {
      const call = calls.find((c) => c.testId === g.testId);
      assert.ok(call?.answeredAtMs !== null && call?.answeredAtMs !== undefined, `call ${g.testId} answered`);
      return call.answeredAtMs - g.answeredAtMs;
    });
    const offset = [...offsets].sort((a, b) => a - b)[1]!;
    const spans = greetings.map((g) => ({ from: g.answeredAtMs + g.tts.queueWaitMs + offset, to: g.answeredAtMs + g.tts.queueWaitMs + g.tts.serviceMs + offset }));
    const tts = series('voiceload_agent_stage_active{stage="tts"}');
    const clear = tts.filter((r) => spans.every((s) => Math.abs(r.elapsedMs - s.from) > EDGE_MS && Math.abs(r.elapsedMs - s.to) > EDGE_MS));
    const expected = (atMs: number): number => spans.filter((s) => atMs >= s.from && atMs < s.to).length;
    assert.ok(clear.some((r) => expected(r.elapsedMs) > 0), `some scrape fell inside a TTS span: ${JSON.stringify({ spans, tts })}`);
    for (const r of clear) assert.equal(r.value, expected(r.elapsedMs), `stage_active{tts} at ${r.elapsedMs} ms: ${JSON.stringify(spans)}`);
    t.diagnostic(`stage_active{tts}: ${tts.length} scrapes, ${clear.length} clear of a TTS start/end, ${clear.filter((r) => r.value > 0).length} of them in service (max ${Math.max(...tts.map((r) => r.value))})`);

    // The report charts them.
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /id="chart-target-metrics"/);
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

// `capacity --scrape` end to end (each step's scrape.csv, the queue that rose in the hint) is checked by
// test/cli/demoCommand.interop.test.ts, which scrapes the demo agent.

test('a bad --scrape URL is exit 2 with the reason, for run and capacity', { timeout: 20_000 }, async () => {
  const run = await runCli(['run', 'scenario.yaml', '--target', 'sip:a@127.0.0.1:5', '--scrape', 'https://127.0.0.1:9/metrics', '--out', join(tmpdir(), 'never-written')], { deadlineMs: 15_000 });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /--scrape "https:\/\/127\.0\.0\.1:9\/metrics": only http:\/\/ URLs are scraped/);
  const capacity = await runCli(['capacity', 'scenario.yaml', '127.0.0.1:5', '--slo', 'ttfa_ms: p(95)<1200', '--scrape', 'not a url'], { deadlineMs: 15_000 });
  assert.equal(capacity.code, 2, capacity.stderr);
  assert.match(capacity.stderr, /--scrape "not a url" is not a URL/);
});

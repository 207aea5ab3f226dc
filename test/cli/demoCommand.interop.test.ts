import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateCapacity } from '../../src/agent/model/capacityEstimate.js';
import { loadProfile } from '../../src/agent/profile/loadProfile.js';
import { parseCapacityFile } from '../../src/capacity/capacityFile.js';
import { runCli } from '../interop/helpers/runCli.js';

// `npm start` (= `voiceload demo`) end to end, and the capacity search's ground truth for a limit of
// admission: the demo's agent is the shipped worker-bound profile, 2 workers × 4 jobs, so it carries
// exactly 8 calls (a call holds its slot for its whole life); a ninth rings up to 2 s, then gets 503.

test('voiceload demo: the capacity search against the worker-bound simulated agent finds its analytic 8 calls, names the rejections, and writes the report', { timeout: 150_000 }, async () => {
  const analytic = estimateCapacity(loadProfile('worker-bound'));
  assert.equal(analytic.binding, 'workers');
  assert.equal(analytic.maxConcurrentCalls, 8);
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-demo-'));
  try {
    const out = join(dir, 'demo');
    const run = await runCli(['demo', '--out', out], { deadlineMs: 140_000 });
    assert.equal(run.code, 0, run.stderr.slice(-3000) + run.stdout);
    assert.match(run.stdout, /known limit: 8 concurrent calls \(workers\); the search found: 8 concurrent calls/);
    const doc = parseCapacityFile(readFileSync(join(out, 'capacity.json'), 'utf8'), 'capacity.json');
    assert.equal(doc.effectiveCapacity, 8, run.stdout);
    assert.ok(doc.breakingLevel !== null && doc.breakingLevel > 8, `breaking level ${doc.breakingLevel}`);
    assert.match(JSON.stringify(doc.hint), /worker|trunk|503/i, `hint: ${JSON.stringify(doc.hint)}`);
    // The demo scrapes the agent's /metrics: every step has its scrape.csv, and the worker queue that
    // rose past the limit is in the hint.
    for (const l of doc.levels) assert.ok(existsSync(join(out, 'steps', `level-${l.level}`, 'scrape.csv')), `steps/level-${l.level}/scrape.csv`);
    assert.match(doc.hint?.targetEvidence ?? doc.hint?.evidence ?? '', /voiceload_agent_worker_queue\S* rose from 0\.0 at level \d+/, JSON.stringify(doc.hint));
    const report = join(out, 'report.html');
    assert.ok(existsSync(report));
    assert.ok(run.stdout.includes(`HTML report: ${report}`), run.stdout);
    // The report of a capacity directory shows the step at the effective capacity.
    assert.match(readFileSync(report, 'utf8'), /measured window \(after warmup\) of the step at level 8/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

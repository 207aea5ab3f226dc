import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../src/agent/simulatedAgent.js';
import { resolveProfile } from '../../src/agent/profile/resolveProfile.js';
import { compareRuns } from '../../src/compare/compareRuns.js';
import { loadRunDir } from '../../src/compare/loadRunDir.js';
import { parseGates } from '../../src/compare/parseGate.js';
import { runCli, type CliRun } from '../interop/helpers/runCli.js';
import { FIXTURES_DIR } from '../interop/helpers/sipp.js';
import { readResults, runIdOf, writeScenario } from '../load/helpers/loadRun.js';

// Build-vs-build on real runs: `voiceload run` (child processes) against simulated agents in this
// process whose profiles differ only in LLM latency. compare must find the slower build (exit 99)
// and let two runs of the same build pass (exit 0). The three runs go at once, so each sees the same
// machine load: on two shared cores, a run made later could be slower for reasons of its own.

/** Closed model: USERS calls up, CALLS in all, TURNS timed turns each → CALLS × TURNS ttfa_ms samples a run. */
const USERS = 15;
const CALLS = 15;
const TURNS = 4;
const GATE = 'ttfa_ms.p95=10%';

/**
 * The agent with room for every call (nothing queues or is refused), no greeting (shorter calls: the
 * turns are what is measured), and the LLM latency of the build under test.
 */
function buildProfile(llmMedianMs: number, seed: number) {
  const room = 3 * USERS + 20;
  return resolveProfile({
    name: `llm-${llmMedianMs}ms`,
    seed,
    trunk: { channels: room },
    signalling: { dispatchMs: { median: 40, p95: 60 }, joinMs: { median: 20, p95: 30 } },
    workers: { count: Math.ceil(room / 10), jobsPerWorker: 10 },
    conversation: { greeting: false },
    stages: {
      stt: { latencyMs: { median: 100, p95: 150 }, concurrency: room },
      // A lone median keeps the default spread (p95 = 2 × median), as a profile file giving only it would.
      llm: { latencyMs: { median: llmMedianMs }, concurrency: room },
      tts: { latencyMs: { median: 80, p95: 120 }, concurrency: room },
    },
  });
}

const say = `  - say: { audio: ${FIXTURES_DIR}caller-goodbye.wav, reply_timeout: 10s }`;

test(`compare on real runs: LLM 150 → 300 ms fails '${GATE}' (exit 99); two runs of one build pass (exit 0)`, { timeout: 150_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-compare-e2e-'));
  const agents: RunningAgent[] = [];
  try {
    const scenario = writeScenario(dir, 'turns', [...Array<string>(TURNS).fill(say), '  - hangup: {}']);
    const builds = [
      { name: 'baseline', profile: buildProfile(150, 1), tag: 'build=a1' },
      { name: 'baseline-again', profile: buildProfile(150, 2), tag: 'build=a1' },
      { name: 'candidate', profile: buildProfile(300, 1), tag: 'build=b2' },
    ];
    for (const b of builds) agents.push(await startAgent({ port: 0, profile: b.profile }));
    const started = performance.now();
    const runs = await Promise.all(
      builds.map((b, i) =>
        runCli(
          ['run', scenario, '--target', agents[i]!.uri, '--users', String(USERS), '--calls', String(CALLS), '--workers', '1', '--seed', String(i + 1), '--run-id', runIdOf(b.name.replace('-', '')), '--tag', b.tag, '--out', join(dir, b.name)],
          { deadlineMs: 100_000 },
        ),
      ),
    );
    t.diagnostic(`three runs at once took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    runs.forEach((run, i) => assertRunOk(run, builds[i]!.name, join(dir, builds[i]!.name)));
    const [baselineDir, againDir, candidateDir] = builds.map((b) => join(dir, b.name)) as [string, string, string];

    // (a) The slower build: over the limit, significant (Mann–Whitney and the bootstrap CI), a failed gate.
    const gates = parseGates([GATE]);
    const slower = compareRuns(await loadRunDir(baselineDir), await loadRunDir(candidateDir), gates);
    const g = slower.gates[0]!;
    t.diagnostic(`baseline vs candidate: ${g.note}`);
    assert.equal(g.status, 'fail', g.note);
    assert.equal(g.overLimit, true);
    assert.equal(g.significant, true);
    assert.ok(g.interval !== null && g.interval.low > 0, `CI of the p95 change: ${JSON.stringify(g.interval)}`);
    assert.ok((g.value.relativeChange ?? 0) > 0.1, `ttfa_ms p95 ${g.value.baseline} → ${g.value.candidate} ms`);
    assert.equal(slower.passed, false);
    const ttfa = slower.metrics.find((m) => m.metric === 'ttfa_ms');
    assert.ok(ttfa?.significant === true && (ttfa.stats.p50?.change ?? 0) > 0, 'the median moved up too');
    assert.deepEqual(slower.candidate.tags, { build: 'b2' });

    // (b) Two runs of the same build: no failed gate.
    const same = compareRuns(await loadRunDir(baselineDir), await loadRunDir(againDir), gates);
    t.diagnostic(`baseline vs baseline-again: ${same.gates[0]!.note}`);
    assert.equal(same.gates[0]!.status, 'pass', same.gates[0]!.note);
    assert.equal(same.passed, true);

    // The CLI path users take in CI: the same verdicts as exit codes, markdown on stdout.
    const [cliSlower, cliSame] = await Promise.all([
      runCli(['compare', baselineDir, candidateDir, '--max-regression', GATE]),
      runCli(['compare', baselineDir, againDir, '--max-regression', GATE]),
    ]);
    assert.equal(cliSlower.code, 99, cliSlower.stderr + cliSlower.stdout);
    assert.match(cliSlower.stdout, /❌ \*\*Regression\*\*: `ttfa_ms` p95/);
    assert.match(cliSlower.stderr, /ttfa_ms\.p95=10%: regression: ttfa_ms p95/);
    assert.equal(cliSame.code, 0, cliSame.stderr + cliSame.stdout);
    assert.match(cliSame.stdout, /✅ \*\*No significant regression\*\*/);
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Every call of the run completed with every turn timed: the comparison sees CALLS × TURNS samples. */
function assertRunOk(run: CliRun, name: string, out: string): void {
  assert.equal(run.code, 0, `${name}: ${run.stderr.slice(-3000)}${run.stdout.slice(-2000)}`);
  const r = readResults(out);
  const c = r.summary.counters;
  assert.equal(c.calls_attempted, CALLS, `${name}: calls attempted`);
  assert.equal(c.calls_completed, CALLS, `${name}: ${JSON.stringify(c.calls_failed_by_reason)}`);
  assert.equal(r.summary.metrics.ttfa_ms.count, CALLS * TURNS, `${name}: timed turns`);
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord } from '../../src/load/loadTypes.js';
import { runCli } from '../interop/helpers/runCli.js';
import { agentCallsOf, maxOverlap, readResults, runIdOf, startLoadAgent, STEPS, turnTruths, writeScenario, type RunResults } from './helpers/loadRun.js';

// `voiceload run` in a child process (two worker threads, as users run it) against the simulated agent
// in this process: the counts in the --out files must agree with each other and with the agent's
// truth records, call by call (no call lost, none counted twice).

/** Worker threads of every run here: the default on this 2-core box, pinned so the split is known. */
const WORKERS = 2;

/** Each shard's intended starts, sorted. */
function byShard(calls: readonly CallRecord[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const c of calls) m.set(c.shard, [...(m.get(c.shard) ?? []), c.intendedStartAtMs]);
  for (const v of m.values()) v.sort((a, b) => a - b);
  return m;
}

/** When each shard's schedule began, in run time (the workers start it once they are ready). */
const describeOrigins = (shards: Map<number, number[]>): string =>
  `schedules began at ${[...shards].sort((a, b) => a[0] - b[0]).map(([s, v]) => `${(v[0] ?? 0).toFixed(0)} ms (shard ${s})`).join(', ')} of run time`;

const number = (row: Record<string, string>, column: string): number => Number(row[column] ?? Number.NaN);
const sum = (rows: readonly Record<string, string>[], column: string): number => rows.reduce((t, r) => t + number(r, column), 0);

/** summary.json == calls.ndjson, and timeline.csv's rows tile the run and add up to the same counts. */
function assertFilesAgree(r: RunResults): void {
  const c = r.summary.counters;
  assert.equal(c.calls_attempted, r.calls.length, 'summary: one attempted call per calls.ndjson line');
  assert.equal(new Set(r.calls.map((x) => x.callId)).size, r.calls.length, 'no Call-ID twice in calls.ndjson');
  assert.equal(c.calls_completed, r.calls.filter((x) => x.outcome === 'completed').length);
  assert.equal(c.calls_failed, r.calls.filter((x) => x.outcome === 'failed').length);
  assert.equal(c.calls_answered, r.calls.filter((x) => x.answeredAtMs !== null).length);
  assert.equal(c.turns, r.calls.reduce((t, x) => t + x.ttfaMs.length, 0));
  assert.equal(r.summary.metrics.ttfa_ms.count, r.calls.reduce((t, x) => t + x.ttfaMs.filter((v) => v !== null).length, 0));
  assert.equal(r.summary.metrics.greeting_ttfa_ms.count, r.calls.filter((x) => x.greetingTtfaMs !== null).length);

  // The timeline: consecutive intervals from the run's start to its end, per-interval counts summing to the totals.
  const rows = r.timeline;
  assert.ok(rows.length > 0);
  for (let i = 1; i < rows.length; i++) assert.equal(rows[i]?.['LastResetTime'], rows[i - 1]?.['CurrentTime'], `row ${i + 1} starts where row ${i} ended`);
  assert.equal(rows[0]?.['LastResetTime'], rows[0]?.['StartTime']);
  const [h, m, s, ms] = (rows.at(-1)?.['ElapsedTime(C)'] ?? '').split(':').map(Number);
  const coveredMs = (((h ?? 0) * 60 + (m ?? 0)) * 60 + (s ?? 0)) * 1000 + (ms ?? 0);
  assert.ok(Math.abs(coveredMs - r.summary.durationMs) <= 2, `timeline covers ${coveredMs} ms of a ${r.summary.durationMs} ms run`);
  assert.equal(rows.length, Math.ceil(r.summary.durationMs / 1000), 'one row per started second');
  assert.equal(sum(rows, 'OutgoingCall(P)'), c.calls_attempted, 'OutgoingCall(P) adds up to the calls attempted');
  assert.equal(number(rows.at(-1) ?? {}, 'OutgoingCall(C)'), c.calls_attempted);
  assert.equal(sum(rows, 'SuccessfulCall(P)'), c.calls_completed);
  assert.equal(sum(rows, 'FailedCall(P)'), c.calls_failed);
  assert.equal(sum(rows, 'AnsweredCall(P)'), c.calls_answered);
  assert.equal(sum(rows, 'Dropped(P)'), c.calls_dropped);
  assert.equal(sum(rows, 'TTFA_count(P)'), r.summary.metrics.ttfa_ms.count);
  assert.equal(number(rows.at(-1) ?? {}, 'CurrentCall'), 0, 'no call up when the run ended');
}

/** The agent's truth: exactly the calls of calls.ndjson, by Call-ID, each once. */
async function assertTruthAgrees(calls: readonly CallRecord[], truth: Awaited<ReturnType<typeof startLoadAgent>>['truth'], runId: string): Promise<void> {
  const seen = await agentCallsOf(truth, runId, calls.length);
  assert.equal(seen.length, calls.length, `the agent recorded ${seen.length} calls of this run, calls.ndjson has ${calls.length}`);
  assert.deepEqual(new Set(seen.map((c) => c.callId)), new Set(calls.map((c) => c.callId)), 'the same Call-IDs');
  assert.equal(new Set(seen.map((c) => c.callId)).size, seen.length, 'no call twice at the agent');
  const byId = new Map(seen.map((c) => [c.callId, c]));
  for (const c of calls) {
    assert.equal(byId.get(c.callId)?.testId, c.testId, 'the X-Lk-Test-Id header reached the agent');
    assert.equal(byId.get(c.callId)?.outcome, c.outcome === 'completed' ? 'completed' : byId.get(c.callId)?.outcome);
  }
  // Every reply we timed is a turn the agent answered (and the agent answered no turn we did not time).
  const ids = new Set(calls.map((c) => c.callId));
  const turns = turnTruths(truth).filter((t) => ids.has(t.callId) && t.ttfaMs !== null);
  assert.equal(turns.length, calls.reduce((t, c) => t + c.ttfaMs.filter((v) => v !== null).length, 0), 'timed turns == the agent\'s replied turns');
}

test('voiceload run against the simulated agent: open model, closed model, stages, drops', { timeout: 170_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-loadrun-'));
  const { agent, truth } = await startLoadAgent(60);
  try {
    await t.test('open model -r 5 --duration 6s -l 50: rate × duration calls, summary == calls.ndjson == truth == timeline', async () => {
      const scenario = writeScenario(dir, 'open', STEPS.greetingOneTurn);
      const out = join(dir, 'open-out');
      const runId = runIdOf('open');
      const rate = 5;
      const durationMs = 6000;
      const run = await runCli(['run', scenario, '--target', agent.uri, '-r', String(rate), '--duration', '6s', '-l', '50', '--out', out, '--run-id', runId, '--seed', '1', '--workers', String(WORKERS)], { deadlineMs: 60_000 });
      assert.equal(run.code, 0, run.stderr + run.stdout);
      const r = readResults(out);
      assertFilesAgree(r);
      const expected = (rate * durationMs) / 1000;
      const c = r.summary.counters;
      assert.ok(Math.abs(c.calls_attempted - expected) <= 1, `${c.calls_attempted} calls for ${rate}/s over ${durationMs} ms`);
      assert.equal(c.calls_completed, c.calls_attempted, JSON.stringify(c.calls_failed_by_reason));
      assert.equal(c.calls_dropped, 0);
      // The schedule: the workers start together at run time 0 and their shares of the rate interleave,
      // so all arrivals together lie on the whole run's grid (k / rate), all before --duration.
      const shards = byShard(r.calls);
      assert.equal(shards.size, WORKERS);
      const all = r.calls.map((x) => x.intendedStartAtMs).sort((a, b) => a - b);
      all.forEach((at, k) => assert.ok(Math.abs(at - (k * 1000) / rate) < 1, `arrival ${k} at ${at.toFixed(1)} ms of run time, the grid says ${(k * 1000) / rate}`));
      assert.ok((all.at(-1) ?? Infinity) < durationMs);
      await assertTruthAgrees(r.calls, truth, runId);
      const lag = r.summary.metrics.start_lag_ms;
      t.diagnostic(
        `open: ${c.calls_attempted} calls (expected ${expected}), ${c.turns} turns, ${r.timeline.length} timeline rows over ${r.summary.durationMs} ms; ` +
          `start lag p50 ${lag.p50} max ${lag.max} ms; ttfa p50 ${r.summary.metrics.ttfa_ms.p50} ms; peak calls up ${Math.max(...r.timeline.map((row) => number(row, 'CurrentCall')))}; ${describeOrigins(shards)}`,
      );
    });

    await t.test('closed model --users 4 --duration 8s: never more than 4 calls up, ended calls replaced, summary == calls.ndjson == truth', async () => {
      const scenario = writeScenario(dir, 'closed', STEPS.greetingOnly);
      const out = join(dir, 'closed-out');
      const runId = runIdOf('closed');
      const users = 4;
      let peakAtAgent = 0;
      const poll = setInterval(() => (peakAtAgent = Math.max(peakAtAgent, agent.stats().activeCalls)), 10);
      let run;
      try {
        run = await runCli(['run', scenario, '--target', agent.uri, '--users', String(users), '--duration', '8s', '--out', out, '--run-id', runId, '--seed', '2', '--workers', String(WORKERS)], { deadlineMs: 60_000 });
      } finally {
        clearInterval(poll);
      }
      assert.equal(run.code, 0, run.stderr + run.stdout);
      const r = readResults(out);
      assertFilesAgree(r);
      const c = r.summary.counters;
      assert.ok(c.calls_completed > users, `${c.calls_completed} calls completed: ended calls were replaced`);
      assert.equal(c.calls_failed, 0, JSON.stringify(c.calls_failed_by_reason));
      assert.ok(r.calls.every((x) => x.intendedStartAtMs < 8000), 'no call started after --duration');
      await assertTruthAgrees(r.calls, truth, runId);
      const seen = await agentCallsOf(truth, runId, r.calls.length);
      const atAgent = maxOverlap(seen.map((x) => ({ from: x.answeredAtMs ?? x.inviteAtMs, to: x.endedAtMs })));
      const atCaller = maxOverlap(r.calls.map((x) => ({ from: x.startedAtMs, to: x.endedAtMs })));
      assert.ok(atAgent <= users, `the agent's records show ${atAgent} calls up at once`);
      assert.ok(atCaller <= users, `calls.ndjson shows ${atCaller} calls up at once`);
      assert.ok(peakAtAgent <= users, `agent.stats() showed ${peakAtAgent} active calls`);
      assert.equal(atCaller, users, 'the users were all up at once');
      t.diagnostic(`closed: ${c.calls_completed} calls by ${users} users in ${r.summary.durationMs} ms; most up at once: ${atAgent} (agent truth), ${atCaller} (calls.ndjson), ${peakAtAgent} (agent.stats polled)`);
    });

    await t.test("stages '3s:4,3s:0': arrivals follow the ramp (count = its area ±1) and the run ends by itself", async () => {
      const scenario = writeScenario(dir, 'stages', STEPS.hold(1000));
      const out = join(dir, 'stages-out');
      const runId = runIdOf('stages');
      const stages = [
        { ms: 3000, target: 4 },
        { ms: 3000, target: 0 },
      ];
      // Λ(t): expected arrivals by t under the linear ramp from 0 calls/s (k6's start rate).
      const area = (tMs: number): number => {
        let from = 0;
        let start = 0;
        let total = 0;
        for (const s of stages) {
          const dt = Math.max(0, Math.min(tMs, start + s.ms) - start);
          total += ((from + (from + ((s.target - from) * dt) / s.ms)) / 2) * (dt / 1000);
          from = s.target;
          start += s.ms;
        }
        return total;
      };
      const stagesMs = stages.reduce((t, s) => t + s.ms, 0);
      const run = await runCli(['run', scenario, '--target', agent.uri, '--stages', stages.map((s) => `${s.ms / 1000}s:${s.target}`).join(','), '--out', out, '--run-id', runId, '--seed', '3', '--workers', String(WORKERS)], { deadlineMs: 40_000 });
      assert.equal(run.code, 0, run.stderr + run.stdout);
      const r = readResults(out);
      assertFilesAgree(r);
      const c = r.summary.counters;
      const expected = area(stagesMs);
      assert.ok(Math.abs(c.calls_attempted - expected) <= 1, `${c.calls_attempted} calls, the ramp's area is ${expected}`);
      // The ramp's shape, not only its total: the workers start together at run time 0 and interleave,
      // so arrival k (0-based, all workers) comes where the ramp's area reaches k.
      const shards = byShard(r.calls);
      assert.equal(shards.size, WORKERS);
      const all = r.calls.map((x) => x.intendedStartAtMs).sort((a, b) => a - b);
      all.forEach((at, k) => assert.ok(Math.abs(area(at) - k) < 0.01, `arrival ${k} at ${at.toFixed(1)} ms of run time, where the area is ${area(at).toFixed(3)}`));
      assert.ok((all.at(-1) ?? Infinity) < stagesMs);
      const firstHalf = all.filter((at) => at < stages[0]!.ms).length;
      assert.ok(Math.abs(firstHalf - area(stages[0]!.ms)) <= 1, `${firstHalf} arrivals in the first stage, its area is ${area(stages[0]!.ms)}`);
      await assertTruthAgrees(r.calls, truth, runId);
      // It ended on its own: the last arrival, its 1 s call, then the results.
      const origin = Math.min(...r.calls.map((x) => x.intendedStartAtMs));
      const lastEnd = Math.max(...r.calls.map((x) => x.endedAtMs));
      assert.ok(lastEnd - origin < stagesMs + 2500, `the last call ended ${(lastEnd - origin).toFixed(0)} ms after the first arrival`);
      assert.ok(r.summary.durationMs - lastEnd < 1500, `the run ended ${(r.summary.durationMs - lastEnd).toFixed(0)} ms after its last call`);
      t.diagnostic(
        `stages: ${c.calls_attempted} arrivals (area ${expected}), ${firstHalf} in the ramp up; last call ended ${(lastEnd - origin).toFixed(0)} ms after the first arrival, ` +
          `run ${r.summary.durationMs} ms, process ${run.elapsedMs} ms; ${describeOrigins(shards)}`,
      );
    });

    await t.test('-r 10 -l 2 --duration 3s with 5 s calls: arrivals beyond the cap are dropped and counted, only started calls in calls.ndjson', async () => {
      const scenario = writeScenario(dir, 'drops', STEPS.hold(5000));
      const out = join(dir, 'drops-out');
      const runId = runIdOf('drops');
      const run = await runCli(['run', scenario, '--target', agent.uri, '-r', '10', '-l', '2', '--duration', '3s', '--out', out, '--run-id', runId, '--seed', '4', '--workers', String(WORKERS)], { deadlineMs: 40_000 });
      assert.equal(run.code, 0, run.stderr + run.stdout);
      const r = readResults(out);
      assertFilesAgree(r);
      const c = r.summary.counters;
      const arrivals = 10 * 3;
      assert.equal(c.calls_attempted, 2, 'the cap: two calls, both longer than the run');
      assert.ok(Math.abs(c.calls_dropped - (arrivals - 2)) <= 1, `${c.calls_dropped} dropped of ${arrivals} arrivals`);
      assert.ok(r.calls.every((x) => x.outcome === 'completed'));
      await assertTruthAgrees(r.calls, truth, runId);
      assert.match(run.stdout, new RegExp(`dropped ${c.calls_dropped} \\(the concurrency cap was full\\)`), run.stdout);
      t.diagnostic(`drops: ${c.calls_attempted} started, ${c.calls_dropped} dropped of ${arrivals} arrivals; stdout: ${run.stdout.split('\n')[0]}`);
    });
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

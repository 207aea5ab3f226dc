import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummaryDoc } from '../../src/results/index.js';
import { runCli } from '../interop/helpers/runCli.js';
import { agentCallsOf, callTruths, readResults, resultFilesIn, runIdOf, startLoadAgent, STEPS, writeScenario } from './helpers/loadRun.js';

// How a `voiceload run` ends when it does not end by itself: Ctrl-C (once: BYE for every active call,
// results written; twice: stop now, still write), and thresholds deciding the exit code.

const RESULT_FILES = ['summary.json', 'calls.ndjson', 'timeline.csv', 'histograms.json'];

test('voiceload run: Ctrl-C mid-run, a second Ctrl-C, and thresholds', { timeout: 150_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-stop-'));
  const { agent, truth } = await startLoadAgent(60);
  try {
    await t.test('SIGINT while calls are up: exit 130, every started call ends with our BYE at the agent, all files hold every started call', async () => {
      const scenario = writeScenario(dir, 'long', STEPS.hold(20_000));
      const out = join(dir, 'sigint-out');
      const runId = runIdOf('sigint');
      let killedAt = 0;
      let upAtKill = 0;
      const run = await runCli(['run', scenario, '--target', agent.uri, '-r', '5', '--duration', '30s', '--out', out, '--run-id', runId, '--seed', '6', '--workers', '2'], {
        deadlineMs: 60_000,
        onSpawn: (kill) => {
          const poll = setInterval(() => {
            // Several calls up (answered, media flowing) and more arriving: stop in the middle of it.
            if (callTruths(truth, runId).length === 0 && agent.stats().activeCalls >= 6) {
              clearInterval(poll);
              upAtKill = agent.stats().activeCalls;
              killedAt = performance.now();
              kill('SIGINT');
            }
          }, 20);
          setTimeout(() => clearInterval(poll), 40_000);
        },
      });
      const exitAfterKillMs = performance.now() - killedAt;
      assert.ok(killedAt > 0, 'the calls came up');
      assert.equal(run.code, 130, run.stderr + run.stdout);
      assert.match(run.stderr, /stopping: no new calls, ending active calls with BYE/);
      assert.deepEqual(resultFilesIn(out), RESULT_FILES);
      const r = readResults(out);
      const c = r.summary.counters;
      assert.equal(c.calls_attempted, r.calls.length);
      assert.ok(c.calls_attempted >= upAtKill, `${c.calls_attempted} calls reported, ${upAtKill} were up at the agent`);
      assert.equal(r.timeline.reduce((n, row) => n + Number(row['OutgoingCall(P)']), 0), c.calls_attempted, 'timeline.csv has every started call');
      assert.ok(r.calls.every((x) => x.reason === 'aborted' || x.outcome === 'completed'), JSON.stringify(r.calls.map((x) => x.reason)));
      // The agent's truth: the same calls, every one ended by the caller (our BYE, or CANCEL while ringing).
      const seen = await agentCallsOf(truth, runId, r.calls.length);
      assert.deepEqual(new Set(seen.map((x) => x.callId)), new Set(r.calls.map((x) => x.callId)), 'the agent saw exactly the reported calls');
      assert.deepEqual(
        seen.filter((x) => x.endedBy !== 'caller').map((x) => `${x.callId}: ${x.outcome} endedBy ${x.endedBy}`),
        [],
        'every call ended by the caller',
      );
      const byOutcome = seen.reduce<Record<string, number>>((m, x) => ({ ...m, [x.outcome]: (m[x.outcome] ?? 0) + 1 }), {});
      // The BYEs went out within the 2 s grace: the agent saw every call end soon after the signal.
      const latestEnd = Math.max(...seen.map((x) => x.endedAtMs));
      assert.ok(latestEnd - killedAt < 2500, `the last call ended ${(latestEnd - killedAt).toFixed(0)} ms after SIGINT`);
      t.diagnostic(
        `SIGINT with ${upAtKill} calls up at the agent: ${c.calls_attempted} started calls reported, agent outcomes ${JSON.stringify(byOutcome)}; ` +
          `last call ended ${(latestEnd - killedAt).toFixed(0)} ms after SIGINT; process exited ${exitAfterKillMs.toFixed(0)} ms after it`,
      );
    });

    await t.test('a second SIGINT right after the first: stop at once (no 2 s grace), exit 130, summary.json still written', async () => {
      // A far end that never answers (hence --no-probe: it ignores the OPTIONS check too): the first
      // Ctrl-C CANCELs calls that then wait for a 487 that never comes, so only the second Ctrl-C (or
      // the 2 s grace) ends the run.
      const sink = dgram.createSocket('udp4');
      const invites = new Set<string>();
      sink.on('message', (m) => {
        const text = m.toString('latin1');
        if (text.startsWith('INVITE ')) invites.add(/^Call-ID:\s*(\S+)/im.exec(text)?.[1] ?? '');
      });
      await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', () => resolve()));
      const scenario = writeScenario(dir, 'ring', STEPS.hold(1000));
      const out = join(dir, 'sigint2-out');
      let firstAt = 0;
      let secondAt = 0;
      try {
        const run = await runCli(['run', scenario, '--target', `sip:agent@127.0.0.1:${sink.address().port}`, '-r', '5', '--duration', '30s', '--out', out, '--seed', '7', '--workers', '2', '--no-probe'], {
          deadlineMs: 60_000,
          onSpawn: (kill) => {
            const poll = setInterval(() => {
              if (invites.size >= 3) {
                clearInterval(poll);
                firstAt = performance.now();
                kill('SIGINT');
                setTimeout(() => {
                  secondAt = performance.now();
                  kill('SIGINT');
                }, 200);
              }
            }, 20);
            setTimeout(() => clearInterval(poll), 40_000);
          },
        });
        const exitAfterFirstMs = performance.now() - firstAt;
        assert.ok(firstAt > 0 && secondAt > 0, 'both signals were sent');
        assert.equal(run.code, 130, run.stderr + run.stdout);
        assert.match(run.stderr, /stopping: no new calls/);
        assert.match(run.stderr, /stopping now; writing what was measured/);
        assert.ok(exitAfterFirstMs < 1800, `exited ${exitAfterFirstMs.toFixed(0)} ms after the first SIGINT: the second cut the 2 s grace short`);
        assert.ok(existsSync(join(out, 'summary.json')), `summary.json written (${resultFilesIn(out).join(', ')})`);
        const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummaryDoc;
        assert.equal(summary.schema, 'voiceload.summary/1');
        const lines = existsSync(join(out, 'calls.ndjson')) ? readFileSync(join(out, 'calls.ndjson'), 'utf8').split('\n').filter((l) => l !== '').length : -1;
        assert.equal(summary.counters.calls_attempted, lines, 'summary.json counts what calls.ndjson holds');
        const outgoing = readResults(out).timeline.reduce((n, row) => n + Number(row['OutgoingCall(P)']), 0);
        // Calls whose worker was stopped at once still count: every INVITE sent is a call in every file.
        assert.equal(summary.counters.calls_attempted, invites.size, 'summary.json counts every call that sent an INVITE');
        assert.equal(outgoing, invites.size, 'timeline.csv too');
        assert.equal(summary.counters.calls_failed_by_reason['aborted'], invites.size);
        t.diagnostic(
          `double SIGINT: ${invites.size} INVITEs reached the silent far end; exit ${run.code} ${exitAfterFirstMs.toFixed(0)} ms after the first signal (${(performance.now() - secondAt).toFixed(0)} ms after the second); ` +
            `files ${resultFilesIn(out).join(', ')}; summary counts ${summary.counters.calls_attempted} calls (calls.ndjson ${lines}, timeline.csv OutgoingCall ${outgoing})`,
        );
      } finally {
        sink.close();
      }
    });

    await t.test("thresholds: 'ttfa_ms: p(95)<1' exits 99 and names it; a passing one exits 0; the scenario's thresholds count too", async () => {
      const failing = 'ttfa_ms: p(95)<1';
      const passing = 'ttfa_ms: p(95)<60000';
      const plain = writeScenario(dir, 'turn', STEPS.greetingOneTurn);
      const withThreshold = writeScenario(dir, 'turn-threshold', STEPS.greetingOneTurn, ['thresholds:', `  - "${failing}"`]);
      const args = (scenario: string, out: string, extra: string[]): string[] => ['run', scenario, '--target', agent.uri, '-m', '1', '--out', join(dir, out), '--seed', '8', '--workers', '1', ...extra];
      // One call each, at the same time: the three runs take as long as one.
      const [bad, good, inFile] = await Promise.all([
        runCli(args(plain, 'th-bad', ['--threshold', failing, '--run-id', runIdOf('thbad')]), { deadlineMs: 60_000 }),
        runCli(args(plain, 'th-good', ['--threshold', passing, '--run-id', runIdOf('thgood')]), { deadlineMs: 60_000 }),
        runCli(args(withThreshold, 'th-file', ['--run-id', runIdOf('thfile')]), { deadlineMs: 60_000 }),
      ]);
      const summaryOf = (out: string): RunSummaryDoc => JSON.parse(readFileSync(join(dir, out, 'summary.json'), 'utf8')) as RunSummaryDoc;

      assert.equal(bad.code, 99, bad.stderr + bad.stdout);
      assert.match(bad.stderr, /thresholds failed: ttfa_ms: p\(95\)<1\b/);
      const badSummary = summaryOf('th-bad');
      assert.equal(badSummary.counters.calls_completed, 1, 'the call itself completed: only the threshold failed');
      assert.equal(badSummary.thresholds.passed, false);
      const [result] = badSummary.thresholds.results;
      assert.equal(result?.source, failing);
      assert.equal(result?.passed, false);
      assert.equal(result?.actual, badSummary.metrics.ttfa_ms.p95, 'evaluated on the run\'s own p95');

      assert.equal(good.code, 0, good.stderr + good.stdout);
      const goodSummary = summaryOf('th-good');
      assert.equal(goodSummary.thresholds.passed, true);
      assert.deepEqual(goodSummary.thresholds.results.map((x) => [x.source, x.passed]), [[passing, true]]);

      assert.equal(inFile.code, 99, inFile.stderr + inFile.stdout);
      assert.match(inFile.stderr, /thresholds failed: ttfa_ms: p\(95\)<1\b/);
      assert.equal(summaryOf('th-file').thresholds.passed, false);
      t.diagnostic(`thresholds: ttfa p95 ${badSummary.metrics.ttfa_ms.p95} ms → '${failing}' exit ${bad.code}, '${passing}' exit ${good.code}, scenario file exit ${inFile.code}; stderr: ${bad.stderr.trim().split('\n').at(-1)}`);
    });
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

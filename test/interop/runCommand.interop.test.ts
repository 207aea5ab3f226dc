import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startAgent } from '../../src/agent/simulatedAgent.js';
import { resolveProfile } from '../../src/agent/profile/resolveProfile.js';
import { MemoryTruthSink } from '../../src/agent/truthLog.js';
import { runCli } from './helpers/runCli.js';

// `voiceload run` as users type it, in a child process, against the simulated agent on 127.0.0.1.

const BASIC = fileURLToPath(new URL('../../scenarios/basic-call.xml', import.meta.url));

const quick = () =>
  resolveProfile({
    name: 'test-run',
    signalling: { dispatchMs: { median: 80, p95: 120 }, joinMs: { median: 40, p95: 60 } },
    stages: { stt: { latencyMs: { median: 100, p95: 150 } }, llm: { latencyMs: { median: 200, p95: 300 } }, tts: { latencyMs: { median: 80, p95: 120 } } },
  });

test('the SIPp tutorial command line (-sf … -l -r -d -trace_stat) runs basic-call.xml: every call completes', { timeout: 60_000 }, async () => {
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: quick(), truth });
  try {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const out = mkdtempSync(join(tmpdir(), 'voiceload-sf-'));
    const run = await runCli(['run', '-sf', BASIC, `127.0.0.1:${agent.port}`, '-m', '4', '-l', '2', '-r', '4', '-d', '300', '-trace_stat', '--out', out], { deadlineMs: 40_000 });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    // -trace_stat's statistics, in SIPp's layout.
    const csv = readFileSync(join(out, 'timeline.csv'), 'utf8');
    assert.match(csv.split('\n')[0] ?? '', /^StartTime;LastResetTime;CurrentTime;/);
    rmSync(out, { recursive: true, force: true });
    // The agent rings first; the scenario does not expect it: absorbed, and said once.
    assert.equal(run.stderr.match(/SIPp would fail/g)?.length ?? 0, 1, run.stderr);
    const s = agent.stats();
    assert.equal(s.answered, 4);
    assert.equal(truth.records.filter((r) => r.type === 'call' && r.outcome === 'completed').length, 4);
  } finally {
    await agent.stop();
  }
});

test('voiceload run --json on the shipped order-status scenario: one record per call, a summary, exit 0', { timeout: 120_000 }, async () => {
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: quick(), truth });
  try {
    const scenario = fileURLToPath(new URL('../../scenarios/order-status.yaml', import.meta.url));
    const run = await runCli(['run', scenario, '--target', agent.uri, '-m', '2', '--seed', '3', '--run-id', 'nightly', '--json'], { deadlineMs: 90_000 });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const calls = lines.filter((l) => l['type'] === 'call');
    const summary = lines.find((l) => l['type'] === 'summary') as { seed: number; counters: { calls_completed: number } } | undefined;
    assert.equal(calls.length, 2);
    assert.equal(summary?.counters.calls_completed, 2);
    assert.equal(summary?.seed, 3);
    // The CSV rows and templates reached the agent as the X-Lk-Test-Id header.
    const testIds = truth.records.flatMap((r) => (r.type === 'call' ? [r.testId] : [])).sort();
    assert.deepEqual(testIds, ['nightly-1', 'nightly-2']);
  } finally {
    await agent.stop();
  }
});

test('Ctrl-C during a run: no new calls, active calls end with BYE, every started call is reported, exit 130', { timeout: 60_000 }, async () => {
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: quick(), truth });
  try {
    const scenario = fileURLToPath(new URL('../../scenarios/order-status.yaml', import.meta.url));
    const run = await runCli(['run', scenario, '--target', agent.uri, '-m', '50', '-l', '2', '--json'], {
      deadlineMs: 40_000,
      onSpawn: (kill) => {
        const poll = setInterval(() => {
          // Both calls are up (the agent answered them) and into their greetings.
          if (agent.stats().answered >= 2) {
            clearInterval(poll);
            setTimeout(() => kill('SIGINT'), 500);
          }
        }, 20);
        setTimeout(() => clearInterval(poll), 30_000);
      },
    });
    assert.equal(run.code, 130, run.stderr);
    type Line = { type: string; reason?: string; detail?: { endedBy: string }; stoppedBy?: string; counters?: { calls_attempted: number } };
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    const calls = lines.filter((l) => l.type === 'call');
    assert.equal(calls.length, 2, 'both started calls are reported, and no call started after Ctrl-C');
    for (const c of calls) {
      assert.equal(c.reason, 'aborted');
      assert.equal(c.detail?.endedBy, 'local');
    }
    const summary = lines.find((l) => l.type === 'summary');
    assert.equal(summary?.stoppedBy, 'interrupted');
    assert.equal(summary?.counters?.calls_attempted, 2);
    // The agent saw both calls end with our BYE.
    const ended = truth.records.filter((r) => r.type === 'call');
    assert.equal(ended.length, 2);
    for (const r of ended) assert.equal(r.type === 'call' ? r.endedBy : '', 'caller');
  } finally {
    await agent.stop();
  }
});

test('--record slowest:2 keeps the agent audio of the two slowest turns as WAV files with an index', { timeout: 90_000 }, async () => {
  const { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { readWav } = await import('../../src/audio/readWav.js');
  const { FIXTURES_DIR } = await import('./helpers/sipp.js');
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-record-'));
  const agent = await startAgent({ port: 0, profile: quick() });
  try {
    const scenario = join(dir, 's.yaml');
    writeFileSync(scenario, `steps:\n  - wait_greeting: {}\n  - say: { audio: ${FIXTURES_DIR}caller-goodbye.wav }\n  - hangup: {}\n`);
    const out = join(dir, 'out');
    const run = await runCli(['run', scenario, '--target', agent.uri, '-m', '4', '-r', '4', '--out', out, '--record', 'failed,slowest:2', '--workers', '2'], { deadlineMs: 60_000 });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const calls = readFileSync(join(out, 'calls.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { callNumber: number; ttfaMs: number[] });
    const slowest = calls.map((c) => ({ n: c.callNumber, ttfa: c.ttfaMs[0] ?? 0 })).sort((a, b) => b.ttfa - a.ttfa).slice(0, 2).map((c) => c.n).sort();
    const index = JSON.parse(readFileSync(join(out, 'recordings.json'), 'utf8')) as { recordings: { callNumber: number; file: string }[] };
    assert.deepEqual(index.recordings.map((r) => r.callNumber).sort(), slowest, 'the two slowest turns across both workers');
    assert.equal(readdirSync(join(out, 'recordings')).length, 2, 'the other calls left no file behind');
    for (const r of index.recordings) {
      const wav = readWav(join(out, r.file));
      assert.equal(wav.sampleRate, 8000);
      // The agent spoke (greeting and reply): the recording is not silence.
      assert.ok(wav.samples.some((v) => Math.abs(v) > 1000), `${r.file} holds speech`);
      assert.ok(wav.samples.length > 8000 * 3, `${r.file} is ${wav.samples.length / 8000} s`);
    }
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreachable target is one clear error before the first call (exit 2), not a run of timeouts', { timeout: 30_000 }, async () => {
  const { mkdtempSync, existsSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { freePort } = await import('./helpers/ports.js');
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-probe-'));
  try {
    const port = await freePort();
    const scenario = fileURLToPath(new URL('../../scenarios/order-status.yaml', import.meta.url));
    const run = await runCli(['run', scenario, '--target', `sip:agent@127.0.0.1:${port}`, '-m', '5', '--out', join(dir, 'out')], { deadlineMs: 20_000 });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /did not answer an OPTIONS request within 4 s, so no call was placed/);
    assert.match(run.stderr, /hint: check the address and port/);
    assert.equal(existsSync(join(dir, 'out', 'calls.ndjson')), false, 'no run started');
    assert.ok(run.elapsedMs < 15_000, `took ${run.elapsedMs} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scenario with auth_user passes the agent\'s 407 challenge; the password (from the environment) appears in no output', { timeout: 60_000 }, async () => {
  const { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { FIXTURES_DIR } = await import('./helpers/sipp.js');
  const secret = 'pw-' + process.pid + '-agent';
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-auth-'));
  const agent = await startAgent({
    port: 0,
    password: secret,
    profile: resolveProfile({
      name: 'test-auth',
      signalling: { dispatchMs: { median: 80, p95: 120 }, joinMs: { median: 40, p95: 60 }, auth: { realm: 'voiceload.test', username: 'voiceload' } },
    }),
  });
  try {
    const scenario = join(dir, 's.yaml');
    writeFileSync(scenario, `auth_user: voiceload\nsteps:\n  - wait_greeting: {}\n  - say: { audio: ${FIXTURES_DIR}caller-goodbye.wav }\n  - hangup: {}\n`);
    const out = join(dir, 'out');
    const run = await runCli(['run', scenario, '--target', agent.uri, '-m', '2', '--out', out, '--json'], { deadlineMs: 45_000, env: { VOICELOAD_SIP_PASSWORD: secret } });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const calls = readFileSync(join(out, 'calls.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { outcome: string; detail: { authChallenges: number } });
    assert.deepEqual(calls.map((c) => [c.outcome, c.detail.authChallenges]), [['completed', 1], ['completed', 1]]);
    const written = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    assert.ok(!written.includes(secret) && !run.stdout.includes(secret) && !run.stderr.includes(secret), 'the password leaked into results or output');
    // Without the password the run refuses to start, saying where it comes from.
    const missing = await runCli(['run', scenario, '--target', agent.uri, '-m', '1'], { deadlineMs: 20_000, env: { VOICELOAD_SIP_PASSWORD: '' } });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /VOICELOAD_SIP_PASSWORD/);
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgent } from '../../src/agent/simulatedAgent.js';
import { resolveProfile } from '../../src/agent/profile/resolveProfile.js';
import { MemoryTruthSink, type TruthRecord } from '../../src/agent/truthLog.js';
import { ExitCode } from '../../src/cli/exitCodes.js';
import { buildRunConfig, normalizeSippArgs, type RawRunOptions } from '../../src/cli/runOptions.js';
import { runSippLoad } from '../../src/cli/runSippCommand.js';
import type { CallRecord } from '../../src/load/loadTypes.js';
import { SIPP_COLUMNS, type RunSummaryDoc } from '../../src/results/index.js';
import { PeerProcess } from './helpers/peerProcess.js';
import { freeEvenPortPair, freePort, waitUntilListening } from './helpers/ports.js';

// The command users copy from SIPp tutorials (`-sf scenario.xml HOST:PORT -m -l -r -d -trace_stat`),
// run through the load engine (worker threads, one SIP socket per shard) against SIPp's own UAS and
// the simulated agent. The far ends' own counts are the truth the results files must agree with.

const BASIC = fileURLToPath(new URL('../../scenarios/basic-call.xml', import.meta.url));

/**
 * SIPp's command-line words as `voiceload run` receives them: SIPp's single-dash flags normalised
 * (normalizeSippArgs), then read into RawRunOptions the way commander's declarations name them.
 */
function tutorialArgs(argv: string[]): { scenario: string | undefined; remote: string | undefined; raw: RawRunOptions } {
  const words = normalizeSippArgs(argv);
  const names: Record<string, keyof RawRunOptions> = {
    '--sf': 'sf',
    '-m': 'calls',
    '-l': 'concurrency',
    '-r': 'rate',
    '-d': 'd',
    '--out': 'out',
    '--users': 'users',
    '--stages': 'stages',
    '--duration': 'duration',
    '--threshold': 'threshold',
    '--workers': 'workers',
    '--interval': 'interval',
  };
  const raw: Record<string, unknown> = {};
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--trace-stat') raw['traceStat'] = true;
    else if (w === '--json') raw['json'] = true;
    else if (names[w] !== undefined) {
      const key = names[w]!;
      const value = words[++i]!;
      raw[key] = key === 'threshold' ? [...((raw[key] as string[] | undefined) ?? []), value] : value;
    } else positional.push(w);
  }
  return { scenario: positional[0], remote: positional[1], raw: raw as RawRunOptions };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function voiceloadRun(argv: string[], cwd?: string): Promise<Run> {
  const { scenario, remote, raw } = tutorialArgs(argv);
  const out: string[] = [];
  const err: string[] = [];
  const config = buildRunConfig(scenario, remote, raw, {});
  const code = await runSippLoad(config, 'test', { stdout: (s) => out.push(s), stderr: (s) => err.push(s), ...(cwd === undefined ? {} : { cwd }) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const readNdjson = (file: string): CallRecord[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as CallRecord);

/** SIPp's `-trace_stat` file: `;`-separated, a header line, one row per dump. */
function lastStatRow(file: string): Record<string, string> {
  const lines = readFileSync(file, 'latin1').trim().split('\n');
  const header = lines[0]!.split(';');
  const row = lines[lines.length - 1]!.split(';');
  return Object.fromEntries(header.map((h, i) => [h, row[i] ?? '']));
}

const quick = () =>
  resolveProfile({
    name: 'test-sipp-load',
    signalling: { dispatchMs: { median: 60, p95: 90 }, joinMs: { median: 30, p95: 50 } },
    stages: { stt: { latencyMs: { median: 100, p95: 150 } }, llm: { latencyMs: { median: 200, p95: 300 } }, tts: { latencyMs: { median: 80, p95: 120 } } },
  });

test('the SIPp tutorial command line with --out against SIPp -sn uas: summary.json, calls.ndjson and SIPp\'s own count agree; timeline.csv has SIPp\'s columns', { timeout: 40_000 }, async () => {
  const CALLS = 8;
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-sipp-load-'));
  const port = await freePort();
  const mediaPort = await freeEvenPortPair();
  const uasStats = join(dir, 'uas_stat.csv');
  const sipp = new PeerProcess(
    'sipp',
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort), '-t', 'u1', '-m', String(CALLS), '-timeout', '30s', '-nostdin', '-trace_stat', '-stf', uasStats, '-fd', '1'],
    { cwd: dir, deadlineMs: 35_000 },
  );
  try {
    await waitUntilListening(port, 'udp', sipp);
    const outDir = join(dir, 'out');
    const run = await voiceloadRun(['-sf', BASIC, `127.0.0.1:${port}`, '-m', String(CALLS), '-l', '5', '-r', '4', '-d', '300', '-trace_stat', '--out', outDir]);
    assert.equal(run.code, ExitCode.ok, run.stderr + run.stdout);
    // SIPp's uas rings first: absorbed, and said once for the run (both workers saw it).
    assert.equal(run.stderr.match(/SIPp would fail/g)?.length ?? 0, 1, run.stderr);

    const exit = await sipp.exited;
    assert.equal(exit.code, 0, exit.stdout + exit.stderr); // SIPp counted every call as successful
    const sippRow = lastStatRow(uasStats);
    const sippSuccessful = Number(sippRow['SuccessfulCall(C)']);
    assert.equal(Number(sippRow['FailedCall(C)']), 0);

    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as RunSummaryDoc;
    const calls = readNdjson(join(outDir, 'calls.ndjson'));
    const completed = calls.filter((c) => c.outcome === 'completed');
    assert.equal(summary.counters.calls_attempted, calls.length);
    assert.equal(summary.counters.calls_completed, completed.length);
    assert.equal(summary.counters.calls_failed, calls.length - completed.length);
    assert.equal(summary.counters.calls_completed, sippSuccessful);
    assert.equal(sippSuccessful, CALLS);
    // Every call once: distinct numbers and Call-IDs, from both shards.
    assert.deepEqual(calls.map((c) => c.callNumber).sort((a, b) => a - b), Array.from({ length: CALLS }, (_, i) => i + 1));
    assert.equal(new Set(calls.map((c) => c.callId)).size, CALLS);
    assert.deepEqual([...new Set(calls.map((c) => c.shard))].sort(), [0, 1]);
    // Set-up latency per answered call, and the histogram holds all of them.
    assert.equal(summary.metrics.invite_to_answer_ms.count, calls.filter((c) => c.inviteToAnswerMs !== null).length);
    assert.equal(summary.metrics.invite_to_answer_ms.count, CALLS);

    const timeline = readFileSync(join(outDir, 'timeline.csv'), 'utf8').trim().split('\n');
    const header = timeline[0]!.split(';');
    for (const col of SIPP_COLUMNS) assert.ok(header.includes(col), `timeline.csv lacks ${col}`);
    const last = Object.fromEntries(header.map((h, i) => [h, timeline[timeline.length - 1]!.split(';')[i] ?? '']));
    assert.equal(Number(last['SuccessfulCall(C)']), summary.counters.calls_completed);
    assert.equal(Number(last['OutgoingCall(C)']), summary.counters.calls_attempted);
  } finally {
    await sipp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-trace_stat without --out writes basic-call_<pid>_.csv in the working directory; the agent\'s truth file agrees with it', { timeout: 30_000 }, async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'voiceload-sipp-cwd-'));
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: quick(), truth });
  try {
    const run = await voiceloadRun(['-sf', BASIC, `127.0.0.1:${agent.port}`, '-m', '4', '-l', '2', '-r', '4', '-d', '200', '-trace_stat'], cwd);
    assert.equal(run.code, ExitCode.ok, run.stderr + run.stdout);
    const file = join(cwd, `basic-call_${process.pid}_.csv`);
    assert.ok(existsSync(file), run.stderr);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const header = lines[0]!.split(';');
    assert.deepEqual(header.slice(0, SIPP_COLUMNS.length), [...SIPP_COLUMNS]);
    const last = Object.fromEntries(header.map((h, i) => [h, lines[lines.length - 1]!.split(';')[i] ?? '']));
    await agent.stop();
    const ended = truth.records.filter((r): r is Extract<TruthRecord, { type: 'call' }> => r.type === 'call');
    assert.equal(Number(last['SuccessfulCall(C)']), ended.filter((r) => r.outcome === 'completed').length);
    assert.equal(Number(last['SuccessfulCall(C)']), 4);
  } finally {
    await agent.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('closed model (--users) for a --duration with a threshold it breaks: exit 99, and every call the agent saw is in calls.ndjson', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-sipp-users-'));
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: quick(), truth });
  try {
    const outDir = join(dir, 'out');
    const run = await voiceloadRun(['-sf', BASIC, `127.0.0.1:${agent.port}`, '--users', '3', '--duration', '1500ms', '-d', '250', '--threshold', 'invite_to_answer_ms: p(95)<1', '--out', outDir]);
    assert.equal(run.code, ExitCode.thresholdsFailed, run.stderr + run.stdout);
    assert.match(run.stderr, /thresholds failed: invite_to_answer_ms: p\(95\)<1/);
    await agent.stop();
    const calls = readNdjson(join(outDir, 'calls.ndjson'));
    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as RunSummaryDoc;
    assert.equal(summary.counters.calls_attempted, calls.length);
    const ended = truth.records.filter((r): r is Extract<TruthRecord, { type: 'call' }> => r.type === 'call');
    assert.equal(ended.length, calls.length);
    assert.equal(ended.filter((r) => r.outcome === 'completed').length, summary.counters.calls_completed);
    // Three users kept up for 1.5 s with ~0.5 s calls: more calls than users, never more than 3 at once.
    assert.ok(calls.length > 3, `only ${calls.length} calls`);
    const events = calls.flatMap((c) => [
      { t: c.startedAtMs, d: 1 },
      { t: c.endedAtMs, d: -1 },
    ]);
    events.sort((a, b) => a.t - b.t || a.d - b.d);
    let up = 0;
    let peak = 0;
    for (const e of events) peak = Math.max(peak, (up += e.d));
    assert.ok(peak <= 3, `peak ${peak}`);
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

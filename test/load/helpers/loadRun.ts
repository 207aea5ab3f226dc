import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../../src/agent/simulatedAgent.js';
import { resolveProfile } from '../../../src/agent/profile/resolveProfile.js';
import type { AgentProfileInput } from '../../../src/agent/profile/profile.js';
import { MemoryTruthSink, type TruthRecord } from '../../../src/agent/truthLog.js';
import type { CallRecord } from '../../../src/load/loadTypes.js';
import { parseTimelineCsv, type RunSummaryDoc } from '../../../src/results/index.js';
import { FIXTURES_DIR } from '../../interop/helpers/sipp.js';

// Shared pieces of the `voiceload run` interop tests: the simulated agent in this process (its truth
// records are the ground truth), scenarios written to a temporary folder, and the --out files read back.

export type CallTruth = Extract<TruthRecord, { type: 'call' }>;
export type TurnTruth = Extract<TruthRecord, { type: 'turn' }>;
export type GreetingTruth = Extract<TruthRecord, { type: 'greeting' }>;

/**
 * A fast agent with room for `calls` at once: quick dispatch and stages, enough trunk channels,
 * worker slots and stage concurrency that nothing queues or is refused at the test's load.
 */
export function loadProfile(calls: number, extra: Partial<AgentProfileInput> = {}) {
  const room = Math.max(50, calls + 20);
  return resolveProfile({
    name: 'test-load',
    trunk: { channels: room },
    signalling: { dispatchMs: { median: 40, p95: 60 }, joinMs: { median: 20, p95: 30 } },
    workers: { count: Math.ceil(room / 10), jobsPerWorker: 10 },
    stages: {
      stt: { latencyMs: { median: 100, p95: 150 }, concurrency: room },
      llm: { latencyMs: { median: 200, p95: 300 }, concurrency: room },
      tts: { latencyMs: { median: 80, p95: 120 }, concurrency: room },
    },
    ...extra,
  });
}

export async function startLoadAgent(calls: number, extra: Partial<AgentProfileInput> = {}): Promise<{ agent: RunningAgent; truth: MemoryTruthSink }> {
  const truth = new MemoryTruthSink();
  const agent = await startAgent({ port: 0, profile: loadProfile(calls, extra), truth });
  return { agent, truth };
}

/** Scenario steps, as YAML, with the fixture audio; every call carries `{{run_id}}-{{call_number}}`. */
export const STEPS = {
  /** The agent's greeting heard to its end, then BYE (≈ 5 s). */
  greetingOnly: ['  - wait_greeting: { timeout: 10s }', '  - hangup: {}'],
  /** Greeting and one turn (≈ 12 s: greeting 4.1 s, caller 1.9 s, reply 3.9 s, end silences). */
  greetingOneTurn: ['  - wait_greeting: { timeout: 10s }', `  - say: { audio: ${FIXTURES_DIR}caller-goodbye.wav, reply_timeout: 10s }`, '  - hangup: {}'],
  /** Greeting and two turns (≈ 18 s). */
  greetingTwoTurns: [
    '  - wait_greeting: { timeout: 10s }',
    `  - say: { audio: ${FIXTURES_DIR}caller-goodbye.wav, reply_timeout: 10s }`,
    `  - say: { audio: ${FIXTURES_DIR}caller-goodbye.wav, reply_timeout: 10s }`,
    '  - hangup: {}',
  ],
  /** The line held (RTP both ways) for `ms`, then BYE: a call whose length the test sets. */
  hold: (ms: number) => [`  - silence: ${ms}ms`, '  - hangup: {}'],
} as const;

export function writeScenario(dir: string, name: string, steps: readonly string[], extraTop: readonly string[] = []): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, 'headers:', '  X-Lk-Test-Id: "{{run_id}}-{{call_number}}"', ...extraTop, 'steps:', ...steps, ''].join('\n'));
  return file;
}

export interface RunResults {
  summary: RunSummaryDoc;
  calls: CallRecord[];
  timeline: Record<string, string>[];
  timelineHeader: string[];
}

/** The --out folder read back: summary.json, calls.ndjson (one record a line) and timeline.csv. */
export function readResults(dir: string): RunResults {
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummaryDoc;
  const text = readFileSync(join(dir, 'calls.ndjson'), 'utf8');
  const calls = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CallRecord);
  const csv = parseTimelineCsv(readFileSync(join(dir, 'timeline.csv'), 'utf8'));
  return { summary, calls, timeline: csv.rows, timelineHeader: csv.header };
}

export const resultFilesIn = (dir: string): string[] => ['summary.json', 'calls.ndjson', 'timeline.csv', 'histograms.json'].filter((f) => existsSync(join(dir, f)));

export const callTruths = (truth: MemoryTruthSink, runId?: string): CallTruth[] =>
  truth.records.filter((r): r is CallTruth => r.type === 'call' && (runId === undefined || (r.testId ?? '').startsWith(`${runId}-`)));

export const turnTruths = (truth: MemoryTruthSink): TurnTruth[] => truth.records.filter((r): r is TurnTruth => r.type === 'turn');
export const greetingTruths = (truth: MemoryTruthSink): GreetingTruth[] => truth.records.filter((r): r is GreetingTruth => r.type === 'greeting');

/**
 * The agent writes a call's record once its media has closed, a moment after our BYE: wait (bounded)
 * until it holds `n` calls of this run, and return them.
 */
export async function agentCallsOf(truth: MemoryTruthSink, runId: string, n: number, timeoutMs = 5000): Promise<CallTruth[]> {
  const deadline = performance.now() + timeoutMs;
  while (callTruths(truth, runId).length < n && performance.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return callTruths(truth, runId);
}

/** The most intervals [from, to) that overlap at one instant. */
export function maxOverlap(spans: readonly { from: number; to: number }[]): number {
  // An end sorts before a start at the same instant: a call replaced at once is not two calls up.
  const edges = spans.flatMap((s) => [
    { at: s.from, d: 1 },
    { at: s.to, d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let up = 0;
  let peak = 0;
  for (const e of edges) {
    up += e.d;
    peak = Math.max(peak, up);
  }
  return peak;
}

/** Nearest-rank percentile of plain numbers. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** A test's run id: unique per run so one agent's truth records can be told apart. */
export const runIdOf = (name: string): string => `${name}${process.pid}`;

/**
 * CPU seconds (user + system) used by this process's child processes (the `voiceload run` under
 * test), read from /proc every 200 ms while they live: a child's own numbers vanish when it exits.
 */
export function watchChildCpu(): { stop: () => number } {
  const tick = Number(process.env['CLK_TCK'] ?? 100);
  const last = new Map<number, number>();
  const sample = (): void => {
    let pids: string[] = [];
    try {
      pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
    } catch {
      return;
    }
    for (const pid of pids) {
      try {
        // Fields after the command's closing parenthesis: state ppid … utime (14th) stime (15th).
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(f[1]) !== process.pid) continue;
        last.set(Number(pid), (Number(f[11]) + Number(f[12])) / tick);
      } catch {
        // Gone between the listing and the read.
      }
    }
  };
  sample();
  const timer = setInterval(sample, 200);
  return {
    stop: () => {
      clearInterval(timer);
      return [...last.values()].reduce((a, b) => a + b, 0);
    },
  };
}

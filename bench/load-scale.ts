/**
 * The load engine at scale (issue 5's benchmark): the real engine — a YAML scenario (greeting, two
 * turns with the shipped caller fixtures, full-duplex G.711, speech detection on both sides), split
 * over worker threads by splitPlan/planShards and run by runShard in each (bench/helpers/benchShards.ts)
 * — against the simulated agent in a child process (bench/load-scale-agent.ts, truth file NDJSON).
 * Closed model: N callers ramped up, then held; after the ramp and a settling time, over a window:
 *
 * - send pacing error per packet (the shards' media clocks, HDR, merged exactly), and per call
 *   (RtpSession stats: the p99 of each call's worst packet);
 * - TTFA error vs the agent's truth: per greeting and per turn whose reply began in the window,
 *   voiceload's measured TTFA − the agent's own (matched by Call-ID and turn index);
 * - the generator's own CPU per call-second (process.cpuUsage of this process: the worker threads
 *   included) and the agent's, separately;
 * - memory per active call: (RSS in the window − RSS when the shards were up, before the calls) / calls.
 *
 * Then the highest level with pacing p99 ≤ 2 ms and TTFA error p99 ≤ 10 ms. Asserts nothing.
 *
 * Run: node --import tsx bench/load-scale.ts [--levels=50,100] [--shards=2] [--window=6] [--settle=7]
 *        [--own-pacers (one Pacer per call, not the shard's MediaScheduler)] [--full]
 *      --full: levels 250,500,1000,1500,2000 and a 15 s window.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import hdr from 'hdr-histogram-js';
import type { TruthRecord } from '../src/agent/truthLog.js';
import { DEFAULT_CALL_SETUP } from '../src/engine/callConfig.js';
import type { CallResult } from '../src/engine/callResult.js';
import type { CallRecord, LoadPlan } from '../src/load/loadTypes.js';
import { BenchShards, type MergedMedia } from './helpers/benchShards.js';
import { machineCpuPerS, markMachineCpu } from './helpers/machineLoad.js';
import type { LoadAgentMessage } from './load-scale-agent.js';
import { BatchedRtpIo } from '../src/media/batchedRtpIo.js';
import os from 'node:os';

/** How this run's RTP goes out and in (VOICELOAD_NATIVE_IO=0 forces dgram for a before/after). */
function rtpIoMode(): string {
  const reason = BatchedRtpIo.unavailableReason();
  return reason === undefined ? 'batched (native addon)' : `dgram (${reason})`;
}

const flag = (name: string): string | undefined => {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (hit === undefined) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : '';
};
const full = flag('full') !== undefined;
const levels = (flag('levels') ?? (full ? '250,500,1000,1500,2000' : '50,100')).split(',').map(Number);
const shardCount = Number(flag('shards') ?? 2);
const windowS = Number(flag('window') ?? (full ? 15 : 6));
const settleS = Number(flag('settle') ?? 7);
const sharedMediaClock = flag('own-pacers') === undefined;
/**
 * --agent-nice=N: the agent process runs at this nice level (0–19), so that on this shared box the
 * generator gets a core when its media timer is due, as on a dedicated load machine. The TTFA error is
 * against the agent's own send times, so a late agent does not move it.
 */
const agentNice = Number(flag('agent-nice') ?? 0);
if (!Number.isInteger(agentNice) || agentNice < 0 || agentNice > 19) throw new Error('--agent-nice must be 0–19');
for (const n of [...levels, shardCount, windowS, settleS]) {
  if (!(Number.isFinite(n) && n > 0)) throw new Error(`bad argument: ${process.argv.slice(2).join(' ')}`);
}

const AGENT = fileURLToPath(new URL('./load-scale-agent.ts', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../audio-fixtures/', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const runNow = (runStartEpochMs: number): number => performance.timeOrigin + performance.now() - runStartEpochMs;

/** Greeting, then two turns that each wait for the agent's reply to end; then BYE. */
function scenarioYaml(): string {
  return [
    'name: load-scale',
    'headers:',
    '  X-Lk-Test-Id: "{{run_id}}-{{call_number}}"',
    'steps:',
    '  - wait_greeting: { timeout: 10s }',
    `  - say: { audio: ${JSON.stringify(join(FIXTURES, 'caller-order-status.wav'))}, reply_timeout: 10s }`,
    `  - say: { audio: ${JSON.stringify(join(FIXTURES, 'caller-order-number.wav'))}, reply_timeout: 10s }`,
    '  - hangup: {}',
    '',
  ].join('\n');
}

/** The agent child: its messages in order, and a way to wait for the next of a type. */
class AgentChild {
  private readonly child: ChildProcess;
  private readonly inbox: LoadAgentMessage[] = [];
  private readonly wake: Array<() => void> = [];

  constructor(truthPath: string) {
    this.child = fork(AGENT, [`--truth=${truthPath}`], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (agentNice > 0 && this.child.pid !== undefined) os.setPriority(this.child.pid, agentNice);
    this.child.on('message', (m: LoadAgentMessage) => {
      this.inbox.push(m);
      for (const w of this.wake.splice(0)) w();
    });
  }

  async next<T extends LoadAgentMessage['type']>(type: T, timeoutMs = 30_000): Promise<Extract<LoadAgentMessage, { type: T }>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Extract<LoadAgentMessage, { type: T }>;
      const left = deadline - performance.now();
      if (left <= 0 || this.child.exitCode !== null) throw new Error(`the agent process sent no '${type}'`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async sample(): Promise<Extract<LoadAgentMessage, { type: 'sample' }>> {
    this.child.send({ type: 'sample' });
    return this.next('sample');
  }

  /** Ends the agent's calls and waits for its truth file; an agent too overloaded to finish in 3 minutes is killed. */
  async end(): Promise<void> {
    this.child.send({ type: 'end' });
    try {
      await this.next('final', 180_000);
    } catch {
      console.error('  the agent did not finish ending its calls within 3 minutes: killed (its truth file may lack the last calls)');
      this.child.kill('SIGKILL');
    }
  }
}

interface LevelResult {
  calls: number;
  windowS: number;
  meanActive: number;
  media: MergedMedia;
  /** p99 over calls of each call's worst packet (RtpSession stats), ms. */
  perCallMaxP99Ms: number;
  perCallMeanMs: number;
  ttfaErr: ReturnType<typeof hdr.build>;
  ttfaErrAbs: ReturnType<typeof hdr.build>;
  ttfaMatched: number;
  ttfaUnmatched: number;
  ttfaErrMinMs: number;
  genCpuUs: number;
  agentCpuUs: number;
  rssPerCallBytes: number;
  rssBaseMb: number;
  rssWindowMb: number;
  recordsFailed: Record<string, number>;
  recordsTotal: number;
  agentMediaP99Ms: number;
  /** CPU-s/s of the whole machine over the window (all processes). */
  machineCpuPerS: number;
}

async function runLevel(n: number): Promise<LevelResult> {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-load-scale-'));
  const truthPath = join(dir, 'truth.ndjson');
  const scenarioFile = join(dir, 'load-scale.yaml');
  writeFileSync(scenarioFile, scenarioYaml());
  const agent = new AgentChild(truthPath);
  try {
    const { port } = await agent.next('listening');
    const records: CallRecord[] = [];
    let started = 0;
    let ended = 0;
    const rampMs = Math.max(4000, (n / 100) * 1000);
    const runStartEpochMs = performance.timeOrigin + performance.now();
    const plan: LoadPlan = {
      model: { kind: 'closed', users: 0, stages: [{ durationMs: rampMs, target: n }, { durationMs: 3_600_000, target: n }] },
      concurrencyCap: n,
      seed: 1,
    };
    const shards = new BenchShards({
      config: { scenarioFile, base: { ...DEFAULT_CALL_SETUP, target: `sip:agent@127.0.0.1:${port}` }, plan, runStartEpochMs, seed: 7, runId: `ls${n}` },
      shards: shardCount,
      sharedMediaClock,
      onEvent: (ev) => {
        if (ev.type === 'call_started') started++;
        else if (ev.type === 'call_ended') {
          ended++;
          records.push(ev.record);
        } else if (ev.type === 'shard_error') console.error(`  shard ${ev.shard} error: ${ev.code} ${ev.message}`);
      },
    });
    await shards.ready;
    const rssBase = process.memoryUsage.rss();
    const activeAtBase = started - ended;
    await sleep(rampMs + settleS * 1000);

    await shards.reset();
    const a0 = await agent.sample();
    const cpu0 = process.cpuUsage();
    const m0 = markMachineCpu();
    const t0 = performance.now();
    const wStart = runNow(runStartEpochMs);
    let activeSum = 0;
    let rssSum = 0;
    let samples = 0;
    const sampler = setInterval(() => {
      activeSum += started - ended;
      rssSum += process.memoryUsage.rss();
      samples++;
    }, 250);
    await sleep(windowS * 1000);
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpu0);
    const machine = machineCpuPerS(m0, markMachineCpu());
    const wallS = (performance.now() - t0) / 1000;
    const wEnd = runNow(runStartEpochMs);
    const media = await shards.media();
    const a1 = await agent.sample();

    shards.stop();
    await shards.done();
    await agent.end();

    const meanActive = samples > 0 ? activeSum / samples : started - ended;
    const rssWindow = samples > 0 ? rssSum / samples : process.memoryUsage.rss();
    const truth = readFileSync(truthPath, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as TruthRecord);
    return {
      calls: n,
      windowS: wallS,
      meanActive,
      media,
      ...perCallPacing(records, wStart, wEnd),
      ...ttfaErrors(records, truth, wStart, wEnd),
      genCpuUs: cpu.user + cpu.system,
      agentCpuUs: a1.cpuUs - a0.cpuUs,
      rssPerCallBytes: (rssWindow - rssBase) / Math.max(1, meanActive - activeAtBase),
      rssBaseMb: rssBase / 2 ** 20,
      rssWindowMb: rssWindow / 2 ** 20,
      recordsFailed: countFailures(records),
      recordsTotal: records.length,
      agentMediaP99Ms: a1.media.pacingErrorMs.p99,
      machineCpuPerS: machine,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Calls that ended after the window began: the p99 of their worst packet and their mean (RtpSession stats). */
function perCallPacing(records: CallRecord[], wStart: number, _wEnd: number): { perCallMaxP99Ms: number; perCallMeanMs: number } {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  let meanSum = 0;
  let k = 0;
  for (const r of records) {
    const d = r.detail as CallResult;
    if (r.endedAtMs < wStart || d.rtp === undefined || d.rtp.sentPackets === 0) continue;
    h.recordValue(Math.max(1, Math.round(d.rtp.sendPacingErrorMaxMs * 1000)));
    meanSum += d.rtp.sendPacingErrorMeanMs;
    k++;
  }
  return { perCallMaxP99Ms: h.getValueAtPercentile(99) / 1000, perCallMeanMs: k === 0 ? NaN : meanSum / k };
}

/**
 * voiceload's TTFA − the agent's truth, per greeting and turn whose reply began inside the window.
 * Greeting: answer → onset (truth: answeredAtMs → speechStartSentAtMs). Turn i: caller's speech end →
 * reply onset (truth: the turn record with the same Call-ID and index).
 */
function ttfaErrors(records: CallRecord[], truth: TruthRecord[], wStart: number, wEnd: number) {
  const err = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  const abs = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  const greetings = new Map<string, number>();
  const turns = new Map<string, number>();
  for (const t of truth) {
    if (t.type === 'greeting') greetings.set(t.callId, t.ttfaMs);
    else if (t.type === 'turn' && t.ttfaMs !== null) turns.set(`${t.callId}#${t.index}`, t.ttfaMs);
  }
  let matched = 0;
  let unmatched = 0;
  let minErr = Infinity;
  // Errors may be negative (a few µs of clock reading order): the signed histogram is shifted by 1 s.
  const SHIFT_US = 1_000_000;
  const add = (measured: number, truthMs: number | undefined): void => {
    if (truthMs === undefined) {
      unmatched++;
      return;
    }
    const e = measured - truthMs;
    minErr = Math.min(minErr, e);
    err.recordValue(Math.max(1, Math.round(e * 1000) + SHIFT_US));
    abs.recordValue(Math.max(1, Math.round(Math.abs(e) * 1000)));
    matched++;
  };
  for (const r of records) {
    if (r.greetingTtfaMs !== null && r.answeredAtMs !== null) {
      const onset = r.answeredAtMs + r.greetingTtfaMs;
      if (onset >= wStart && onset <= wEnd) add(r.greetingTtfaMs, greetings.get(r.callId));
    }
    r.ttfaMs.forEach((ttfa, i) => {
      const onset = r.replyOnsetAtMs?.[i];
      if (ttfa === null || onset === null || onset === undefined || onset < wStart || onset > wEnd) return;
      add(ttfa, turns.get(`${r.callId}#${i}`));
    });
  }
  return { ttfaErr: err, ttfaErrAbs: abs, ttfaMatched: matched, ttfaUnmatched: unmatched, ttfaErrMinMs: minErr };
}

function countFailures(records: CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) if (r.outcome === 'failed') out[r.reason ?? 'unknown'] = (out[r.reason ?? 'unknown'] ?? 0) + 1;
  return out;
}

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const signedMs = (h: ReturnType<typeof hdr.build>, p: number): number => (h.getValueAtPercentile(p) - 1_000_000) / 1000;

function pacingP99(r: LevelResult): number {
  return r.media.pacing === undefined ? r.perCallMaxP99Ms : r.media.pacing.getValueAtPercentile(99) / 1000;
}

function print(r: LevelResult): void {
  const p = r.media.pacing;
  const callS = r.meanActive * r.windowS;
  console.log(`load scale: ${r.calls} callers (closed model), ${shardCount} worker threads, ${sharedMediaClock ? 'one MediaScheduler per shard' : 'one Pacer per call'}, RTP I/O ${rtpIoMode()}; window ${f(r.windowS, 1)} s, ${f(r.meanActive, 0)} calls up on average`);
  if (p !== undefined) {
    console.log(
      `  send pacing error   per packet p50 ${f(p.getValueAtPercentile(50) / 1000, 3)} / p99 ${f(p.getValueAtPercentile(99) / 1000, 3)} / max ${f(p.maxValue / 1000, 1)} ms ` +
        `(${p.totalCount} packets, ${r.media.earlyPackets} < 1 ms early counted as 0); media-timer lag p99 ${f((r.media.lag?.getValueAtPercentile(99) ?? NaN) / 1000, 2)} ms; catch-up slots ${r.media.caughtUpSlots}, skipped ${r.media.skippedSlots}`,
    );
  }
  console.log(`  per call (RtpSession stats) worst packet p99 ${f(r.perCallMaxP99Ms, 3)} ms, mean error ${f(r.perCallMeanMs, 3)} ms`);
  console.log(
    `  TTFA error vs truth ${r.ttfaMatched} greetings+turns matched (${r.ttfaUnmatched} without a truth record): measured − truth p50 ${f(signedMs(r.ttfaErr, 50), 2)} / p99 ${f(signedMs(r.ttfaErr, 99), 2)} / min ${f(r.ttfaErrMinMs, 2)} / max ${f(signedMs(r.ttfaErr, 100), 2)} ms; |error| p99 ${f(r.ttfaErrAbs.getValueAtPercentile(99) / 1000, 2)} ms`,
  );
  console.log(
    `  generator CPU       ${f(r.genCpuUs / 1e6 / r.windowS, 3)} CPU-s/s → ${f(r.genCpuUs / callS, 1)} µs CPU per call-second (${r.media.packets > 0 ? `${f(r.genCpuUs / r.media.packets, 2)} µs per packet sent, receiving as many included; ${f(r.media.packets / r.windowS / r.meanActive, 1)} of 50 packets/s per call sent` : 'packets not counted with one Pacer per call'}); agent process ${f(r.agentCpuUs / 1e6 / r.windowS, 3)} CPU-s/s (its pacing p99 ${f(r.agentMediaP99Ms, 2)} ms)`,
  );
  const own = (r.genCpuUs + r.agentCpuUs) / 1e6 / r.windowS;
  console.log(`  machine             ${f(r.machineCpuPerS, 2)} of 2 CPU-s/s busy in the window: generator + agent ${f(own, 2)}, other processes ${f(r.machineCpuPerS - own, 2)}`);
  console.log(`  memory              RSS ${f(r.rssBaseMb, 0)} MB with the shards up → ${f(r.rssWindowMb, 0)} MB in the window: ${f(r.rssPerCallBytes / 1024, 1)} KB per active call`);
  const fails = Object.entries(r.recordsFailed).map(([k, v]) => `${k}×${v}`).join(' ') || 'none';
  console.log(`  calls               ${r.recordsTotal} records; failed by reason: ${fails} (aborted = still up when the bench stopped)`);
  const pOk = pacingP99(r) <= 2;
  const tOk = r.ttfaErrAbs.getValueAtPercentile(99) / 1000 <= 10 && r.ttfaMatched > 0;
  console.log(`  targets             pacing p99 ≤ 2 ms: ${pOk ? 'met' : 'NOT met'}; TTFA error p99 ≤ 10 ms: ${tOk ? 'met' : 'NOT met'}`);
}

const results: LevelResult[] = [];
for (const n of levels) {
  console.log(`\n-- ${n} calls`);
  const r = await runLevel(n);
  results.push(r);
  print(r);
}

console.log('\n| calls up | pacing p50 / p99 / max (ms) | per-call worst p99 (ms) | TTFA err p50 / p99 (ms), n | gen CPU-s/s | gen µs CPU per call-s | agent CPU-s/s | other processes CPU-s/s | KB per call |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const p = r.media.pacing;
  const pac = p === undefined ? 'n/a' : `${f(p.getValueAtPercentile(50) / 1000, 3)} / ${f(p.getValueAtPercentile(99) / 1000, 3)} / ${f(p.maxValue / 1000, 1)}`;
  console.log(
    `| ${f(r.meanActive, 0)} | ${pac} | ${f(r.perCallMaxP99Ms, 2)} | ${f(signedMs(r.ttfaErr, 50), 2)} / ${f(r.ttfaErrAbs.getValueAtPercentile(99) / 1000, 2)}, ${r.ttfaMatched} | ${f(r.genCpuUs / 1e6 / r.windowS, 3)} | ${f(r.genCpuUs / (r.meanActive * r.windowS), 1)} | ${f(r.agentCpuUs / 1e6 / r.windowS, 3)} | ${f(r.machineCpuPerS - (r.genCpuUs + r.agentCpuUs) / 1e6 / r.windowS, 2)} | ${f(r.rssPerCallBytes / 1024, 1)} |`,
  );
}
// RSS also grows with things that are not per call (V8 heaps sized up under load, JIT code): the
// slope between consecutive levels is the memory each further call costs.
for (let i = 1; i < results.length; i++) {
  const a = results[i - 1]!;
  const b = results[i]!;
  const slope = ((b.rssWindowMb - a.rssWindowMb) * 2 ** 20) / (b.meanActive - a.meanActive);
  console.log(`marginal memory ${f(a.meanActive, 0)} → ${f(b.meanActive, 0)} calls: RSS ${f(a.rssWindowMb, 0)} → ${f(b.rssWindowMb, 0)} MB, ${f(slope / 1024, 1)} KB per further call`);
}
const ok = results.filter((r) => pacingP99(r) <= 2 && r.ttfaMatched > 0 && r.ttfaErrAbs.getValueAtPercentile(99) / 1000 <= 10);
const best = ok.length === 0 ? undefined : Math.max(...ok.map((r) => r.calls));
console.log(`\nhighest concurrency with pacing p99 ≤ 2 ms and TTFA error p99 ≤ 10 ms on this box (generator and agent together): ${best ?? 'none of the levels tried'}`);
const last = results[results.length - 1]!;
const perCallS = last.genCpuUs / (last.meanActive * last.windowS);
console.log(
  `generator CPU per call-second at ${f(last.meanActive, 0)} calls: ${f(perCallS, 1)} µs → one dedicated core would carry ≈ ${f(1e6 / perCallS, 0)} such calls, 2 cores ≈ ${f(2e6 / perCallS, 0)} (CPU only; target ≥ 2,000)`,
);
process.exit(0);

/**
 * The load engine against SIPp 3.6.1 on the same machine, in the same run (issue 5's benchmark):
 *
 * 1. Media, send only: N calls held D seconds each, every call streaming 20 ms G.711 one way.
 *    SIPp: a SIPp UAS streams `rtp_stream` (a raw μ-law tone, looped; no analysis) to every call
 *    placed by a SIPp UAC. voiceload: the load engine (worker threads, bench/helpers/benchShards.ts)
 *    places the calls to a SIPp UAS that sends no RTP, says a caller fixture then holds the line
 *    with silence (its speech detector has nothing to listen to). Over the same steady window (all N
 *    calls up) for both: CPU per call-second and RSS growth per active call, as ratios (targets:
 *    ≤ 1.5 × SIPp's CPU, ≤ 100 KB per call). The SIPp UAS is read from /proc (all its threads);
 *    voiceload from process.cpuUsage / RSS of this process (its worker threads included).
 * 2. Signalling only: scenarios/basic-call.xml (INVITE, 200, ACK, hold -d, BYE) through
 *    `voiceload run` against the sipp command `sipp -sf` with the same file, each against a fresh SIPp UAS
 *    answering 200; calls per CPU-second of the generator's process (bash `times`), with each
 *    tool's start-up and exit cost taken out by a run of one call (M − 1 calls / (CPU(M) − CPU(1))).
 * Asserts nothing.
 *
 * Run: node --import tsx bench/load-vs-sipp.ts [--calls=200] [--hold=10] [--rate=100]
 *        [--sig-calls=1000] [--sig-rate=200] [--sig-hold=1000] [--skip-media] [--skip-signalling] [--full]
 *      --full: 1,000 media calls held 20 s, 4,000 signalling calls.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CALL_SETUP } from '../src/engine/callConfig.js';
import { codecFor } from '../src/media/g711.js';
import type { CallRecord, LoadPlan } from '../src/load/loadTypes.js';
import { freeEvenPortPair, freePort } from '../test/interop/helpers/ports.js';
import { BenchShards } from './helpers/benchShards.js';
import { sippBenchUasScenario } from './helpers/sippBenchUas.js';
import { machineCpuPerS, markMachineCpu } from './helpers/machineLoad.js';
import { BatchedRtpIo } from '../src/media/batchedRtpIo.js';

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
const calls = Number(flag('calls') ?? (full ? 1000 : 200));
const holdS = Number(flag('hold') ?? (full ? 20 : 10));
const rate = Number(flag('rate') ?? 100);
const sigCalls = Number(flag('sig-calls') ?? (full ? 4000 : 1000));
const sigRate = Number(flag('sig-rate') ?? 200);
const sigHoldMs = Number(flag('sig-hold') ?? 1000);
for (const n of [calls, holdS, rate, sigCalls, sigRate, sigHoldMs]) {
  if (!(Number.isFinite(n) && n > 0)) throw new Error(`bad argument: ${process.argv.slice(2).join(' ')}`);
}
/** The steady window: every call up (the last started N/R s in, +1 s) until the first one's hold ends (−0.5 s). */
const rampS = calls / rate;
const windowStartS = rampS + 1;
const windowS = holdS - 0.5 - windowStartS;
if (windowS < 2) throw new Error(`--hold must exceed calls/rate + 3.5 s (${rampS + 3.5} s) for a steady window`);

const FIXTURES = fileURLToPath(new URL('../audio-fixtures/', import.meta.url));
const BASIC_CALL = fileURLToPath(new URL('../scenarios/basic-call.xml', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** A process's CPU (user + system, all threads; 10 ms ticks) and RSS from /proc. */
function procSample(pid: number): { cpuUs: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime 14, stime 15 (1-based over the whole line).
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuUs: ticks * 10_000, rssBytes: Number(rss?.[1] ?? NaN) * 1024 };
}

interface Uas {
  proc: ChildProcess;
  port: number;
  exited: Promise<number | null>;
}

async function startUas(dir: string, stream: boolean, maxCalls: number, deadlineS: number): Promise<Uas> {
  const file = join(dir, stream ? 'uas-stream.xml' : 'uas.xml');
  writeFileSync(file, sippBenchUasScenario(stream));
  const port = await freePort();
  const media = await freeEvenPortPair();
  const proc = spawn('sipp', ['-sf', file, '-i', '127.0.0.1', '-p', String(port), '-mp', String(media), '-m', String(maxCalls), '-nostdin', '-timeout', `${deadlineS}s`], {
    cwd: dir,
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const deadline = setTimeout(() => proc.kill('SIGKILL'), (deadlineS + 10) * 1000);
  void exited.then(() => clearTimeout(deadline));
  // Bound when the SIP port can no longer be bound by us.
  const { createSocket } = await import('node:dgram');
  for (let i = 0; i < 200; i++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (!free) return { proc, port, exited };
    await sleep(25);
  }
  proc.kill('SIGKILL');
  throw new Error('the SIPp UAS did not start');
}

interface MediaSide {
  cpuUs: number;
  windowS: number;
  rssPerCallBytes: number;
  rssBaseMb: number;
  rssWindowMb: number;
  packetsPerS: number;
  note: string;
  /** CPU-s/s of the whole machine over the window (all processes, the far end included). */
  machineCpuPerS: number;
}

/** SIPp: a UAS streaming rtp_stream to N calls from a SIPp UAC; the UAS process measured over the window. */
async function sippMedia(dir: string): Promise<MediaSide> {
  // 1 s of a 440 Hz tone, raw μ-law (SIPp 3.6 streams raw codec bytes).
  const pcm = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
  writeFileSync(join(dir, 'tone.ul'), codecFor('PCMU').encode(pcm));
  const deadlineS = Math.ceil(rampS + holdS + 60);
  const uas = await startUas(dir, true, calls, deadlineS);
  const pid = uas.proc.pid!;
  await sleep(300);
  const idle = procSample(pid);
  const uacPort = await freePort();
  const uacMedia = await freeEvenPortPair();
  const uac = spawn(
    'sipp',
    ['-sn', 'uac', `127.0.0.1:${uas.port}`, '-i', '127.0.0.1', '-p', String(uacPort), '-mp', String(uacMedia), '-m', String(calls), '-l', String(calls), '-r', String(rate), '-d', String(holdS * 1000), '-nostdin', '-timeout', `${deadlineS}s`],
    { stdio: 'ignore' },
  );
  const uacExit = new Promise<number | null>((resolve) => uac.once('exit', (code) => resolve(code)));
  await sleep(windowStartS * 1000);
  const s0 = procSample(pid);
  const m0 = markMachineCpu();
  const t0 = performance.now();
  let rssSum = 0;
  let n = 0;
  while (performance.now() - t0 < windowS * 1000) {
    await sleep(250);
    rssSum += procSample(pid).rssBytes;
    n++;
  }
  const s1 = procSample(pid);
  const machine = machineCpuPerS(m0, markMachineCpu());
  const wall = (performance.now() - t0) / 1000;
  const [uacCode, uasCode] = await Promise.all([uacExit, uas.exited]);
  const rssWindow = rssSum / n;
  return {
    cpuUs: s1.cpuUs - s0.cpuUs,
    windowS: wall,
    rssPerCallBytes: (rssWindow - idle.rssBytes) / calls,
    rssBaseMb: idle.rssBytes / 2 ** 20,
    rssWindowMb: rssWindow / 2 ** 20,
    packetsPerS: calls * 50,
    note: `SIPp UAC exit ${uacCode}, UAS exit ${uasCode}`,
    machineCpuPerS: machine,
  };
}

/** voiceload: the load engine (2 worker threads) places N calls to a SIPp UAS that sends no RTP. */
async function voiceloadMedia(dir: string): Promise<MediaSide> {
  const scenarioFile = join(dir, 'send-only.yaml');
  const sayMs = 3199;
  writeFileSync(
    scenarioFile,
    [
      'name: send-only',
      'steps:',
      `  - say: { audio: ${JSON.stringify(join(FIXTURES, 'caller-order-status.wav'))}, expect_reply: false }`,
      `  - silence: { min: ${holdS * 1000 - sayMs}ms, max: ${holdS * 1000 - sayMs}ms }`,
      '  - hangup: {}',
      '',
    ].join('\n'),
  );
  const deadlineS = Math.ceil(rampS + holdS + 60);
  const uas = await startUas(dir, false, calls, deadlineS);
  const records: CallRecord[] = [];
  const plan: LoadPlan = { model: { kind: 'open', arrivals: 'constant', ratePerSec: rate }, concurrencyCap: calls, maxCalls: calls, seed: 1 };
  // SIPp's UAS sends no RTP: the media timeout would end the calls (it only counts received packets).
  const base = { ...DEFAULT_CALL_SETUP, target: `sip:bench@127.0.0.1:${uas.port}`, mediaTimeoutMs: 3_600_000 };
  const shards = new BenchShards({
    config: { scenarioFile, base, plan, runStartEpochMs: performance.timeOrigin + performance.now(), seed: 1, runId: 'vs-sipp' },
    shards: 2,
    sharedMediaClock: true,
    onEvent: (ev) => {
      if (ev.type === 'call_ended') records.push(ev.record);
      else if (ev.type === 'shard_error') console.error(`  shard ${ev.shard} error: ${ev.code} ${ev.message}`);
    },
  });
  await shards.ready;
  const t00 = performance.now();
  const rssBase = process.memoryUsage.rss();
  await sleep(windowStartS * 1000 - (performance.now() - t00));
  await shards.reset();
  const cpu0 = process.cpuUsage();
  const m0 = markMachineCpu();
  const t0 = performance.now();
  let rssSum = 0;
  let n = 0;
  while (performance.now() - t0 < windowS * 1000) {
    await sleep(250);
    rssSum += process.memoryUsage.rss();
    n++;
  }
  const cpu = process.cpuUsage(cpu0);
  const machine = machineCpuPerS(m0, markMachineCpu());
  const wall = (performance.now() - t0) / 1000;
  const media = await shards.media();
  await shards.done();
  await uas.exited;
  const failed = records.filter((r) => r.outcome === 'failed');
  const p99 = media.pacing === undefined ? NaN : media.pacing.getValueAtPercentile(99) / 1000;
  return {
    cpuUs: cpu.user + cpu.system,
    windowS: wall,
    rssPerCallBytes: (rssSum / n - rssBase) / calls,
    rssBaseMb: rssBase / 2 ** 20,
    rssWindowMb: rssSum / n / 2 ** 20,
    packetsPerS: media.packets / wall,
    machineCpuPerS: machine,
    note: `${records.length} calls, ${failed.length} failed${failed.length > 0 ? ` (${failed[0]!.reason}: ${failed[0]!.reasonText})` : ''}; send pacing p99 ${f(p99, 3)} ms`,
  };
}

/** bash `times`: its children's user + system (the last line). */
function childCpuUs(stdout: string): number {
  const lines = stdout.trim().split('\n').filter((l) => /^\d+m[\d.]+s\s+\d+m[\d.]+s$/.test(l.trim()));
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
  return m === null ? NaN : (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1e6;
}

/** Runs `command` under bash and returns its CPU (bash `times`), exit code and output. */
function timed(command: string, deadlineS: number): Promise<{ cpuUs: number; code: number | null; out: string; wallS: number }> {
  const t0 = performance.now();
  const child = spawn('bash', ['-c', `${command}; rc=$?; times; exit $rc`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const deadline = setTimeout(() => child.kill('SIGKILL'), deadlineS * 1000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(deadline);
      resolve({ cpuUs: childCpuUs(out), code, out, wallS: (performance.now() - t0) / 1000 });
    }),
  );
}

/** One signalling run of `m` calls of basic-call.xml by `tool` against a fresh 200-only SIPp UAS. */
async function signallingRun(dir: string, tool: 'sipp' | 'voiceload', m: number): Promise<{ cpuUs: number; code: number | null; wallS: number; tail: string }> {
  const deadlineS = Math.ceil(m / sigRate + sigHoldMs / 1000 + 60);
  const uas = await startUas(dir, false, m, deadlineS);
  const limit = Math.ceil(sigRate * (sigHoldMs / 1000 + 1) * 2);
  const common = `127.0.0.1:${uas.port} -m ${m} -r ${sigRate} -l ${limit} -d ${sigHoldMs}`;
  const cmd =
    tool === 'sipp'
      ? `sipp -sf ${BASIC_CALL} ${common} -i 127.0.0.1 -p ${await freePort()} -mp ${await freeEvenPortPair()} -nostdin -timeout ${deadlineS}s >/dev/null 2>&1`
      : `${process.execPath} --import tsx ${MAIN} run ${BASIC_CALL} ${common} > ${join(dir, 'vl.out')} 2>&1`;
  const r = await timed(cmd, deadlineS + 10);
  await Promise.race([uas.exited, sleep(5000)]);
  uas.proc.kill('SIGKILL');
  const tail = tool === 'voiceload' ? readFileSync(join(dir, 'vl.out'), 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
  return { ...r, tail };
}

const dir = mkdtempSync(join(tmpdir(), 'voiceload-vs-sipp-'));
console.log(`voiceload RTP I/O: ${rtpIoMode()}`);
try {
  if (flag('skip-media') === undefined) {
    console.log(`\n-- media, send only: ${calls} calls at ${rate}/s, each held ${holdS} s; steady window ${f(windowStartS, 1)}–${f(windowStartS + windowS, 1)} s`);
    const sipp = await sippMedia(dir);
    const vl = await voiceloadMedia(dir);
    const perCallS = (s: MediaSide): number => s.cpuUs / (calls * s.windowS);
    for (const [name, s] of [['SIPp rtp_stream (UAS)', sipp], ['voiceload (2 worker threads)', vl]] as const) {
      console.log(
        `  ${name.padEnd(30)} ${f(s.cpuUs / 1e6 / s.windowS, 3)} CPU-s/s → ${f(perCallS(s), 1)} µs CPU per call-second (${f(s.cpuUs / (s.packetsPerS * s.windowS), 2)} µs per packet sent); ` +
          `RSS ${f(s.rssBaseMb, 0)} → ${f(s.rssWindowMb, 0)} MB: ${f(s.rssPerCallBytes / 1024, 1)} KB per call; machine ${f(s.machineCpuPerS, 2)} of 2 CPU-s/s busy (${f(s.machineCpuPerS - s.cpuUs / 1e6 / s.windowS, 2)} not this side's); ${s.note}`,
      );
    }
    console.log(
      `  ratio                          CPU voiceload / SIPp = ${f(perCallS(vl) / perCallS(sipp), 2)}x (target ≤ 1.5x); memory per call voiceload ${f(vl.rssPerCallBytes / 1024, 1)} KB (target ≤ 100 KB), SIPp ${f(sipp.rssPerCallBytes / 1024, 1)} KB: ${f(vl.rssPerCallBytes / sipp.rssPerCallBytes, 1)}x`,
    );
  }
  if (flag('skip-signalling') === undefined) {
    console.log(`\n-- signalling only: scenarios/basic-call.xml, ${sigCalls} calls at ${sigRate}/s, -d ${sigHoldMs}; generator CPU from bash times, a 1-call run subtracted`);
    const out: Record<string, number> = {};
    for (const tool of ['sipp', 'voiceload'] as const) {
      const one = await signallingRun(dir, tool, 1);
      const many = await signallingRun(dir, tool, sigCalls);
      const perCpuS = (sigCalls - 1) / ((many.cpuUs - one.cpuUs) / 1e6);
      out[tool] = perCpuS;
      console.log(
        `  ${tool.padEnd(10)} 1 call: ${f(one.cpuUs / 1e6, 2)} CPU-s (exit ${one.code}); ${sigCalls} calls: ${f(many.cpuUs / 1e6, 2)} CPU-s over ${f(many.wallS, 1)} s (exit ${many.code}) → ${f(perCpuS, 0)} calls per CPU-second${many.tail === '' ? '' : `\n             last lines: ${many.tail}`}`,
      );
    }
    console.log(`  ratio      voiceload / SIPp calls per CPU-second = ${f(out['voiceload']! / out['sipp']!, 2)} (SIPp costs ${f(1e6 / out['sipp']!, 0)} µs per call, voiceload ${f(1e6 / out['voiceload']!, 0)} µs)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);

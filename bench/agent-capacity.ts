/**
 * Agent capacity: the simulated agent alone (its own process, bench/agent-capacity-agent.ts: the
 * `healthy` profile, greeting on, RTP timeout raised, per-frame CPU cost off) holds N concurrent
 * calls placed by SIPp 3.6.1's built-in `uac` scenario (`-m N -l N -r R -d HOLD`: every call is
 * held HOLD ms after its ACK, so all N are up at once for about HOLD − N/R seconds). The agent
 * streams 20 ms PCMU to every call the whole time (greeting, then silence); SIPp sends no RTP, so
 * the agent's speech detector sees nothing. Over the steady window (all N calls up, until the
 * first one leaves) the agent reports its send pacing error p50/p99/max (per packet, HDR), its
 * media timer's wake-up lag, its event-loop delay, CPU seconds per second and packets sent.
 * Calls answered/failed come from SIPp (exit code and its final counts) and from the agent.
 *
 * Compared in the same run: SIPp's own CPU for the signalling of the same N calls (its process
 * time, read with bash `times`), and, unless --sipp-rtp=0, a SIPp UAS streaming `rtp_stream`
 * to the same number of calls for the same hold (bench/media-sipp.ts): CPU µs per packet sent,
 * and the ratio to the agent's. Several levels in one run: --levels=250,500,750,1000.
 * Asserts nothing.
 *
 * Run: node --import tsx bench/agent-capacity.ts [calls=1000] [--rate=100] [--hold=20]
 *        [--levels=N1,N2,...] [--sipp-rtp=CALLS (default: the largest level; 0 = skip)]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AgentChildMessage, AgentWindowReport } from './agent-capacity-agent.js';
import { sippRtpStreamCost } from './media-sipp.js';
import { PeerProcess } from '../test/interop/helpers/peerProcess.js';
import { freeEvenPortPair, freePort } from '../test/interop/helpers/ports.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flag = (name: string): string | undefined => {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (hit === undefined) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : '';
};
const levels = (flag('levels') ?? positional[0] ?? '1000').split(',').map(Number);
const rate = Number(flag('rate') ?? 100);
const holdS = Number(flag('hold') ?? 20);
const sippRtpCalls = Number(flag('sipp-rtp') ?? Math.max(...levels));
for (const n of [...levels, rate, holdS]) {
  if (!(Number.isFinite(n) && n > 0)) throw new Error(`bad argument: ${process.argv.slice(2).join(' ')}`);
}

const CHILD = fileURLToPath(new URL('./agent-capacity-agent.ts', import.meta.url));

interface SippUacResult {
  exitCode: number | null;
  successful: number | undefined;
  failed: number | undefined;
  cpuUs: number;
  wallS: number;
}

interface LevelResult {
  calls: number;
  window: AgentWindowReport | null;
  final: Extract<AgentChildMessage, { type: 'final' }>;
  sipp: SippUacResult;
}

/** bash `times`: its own line, then its children's (`0m1.234s 0m0.567s`): the children's user + system. */
function childCpuUs(stdout: string): number {
  const lines = stdout.trim().split('\n').filter((l) => /^\d+m[\d.]+s\s+\d+m[\d.]+s$/.test(l.trim()));
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
  return m === null ? NaN : (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1e6;
}

/** The cumulative column of a row in SIPp's final statistics screen, e.g. `Successful call | 0 | 50`. */
function sippCount(stdout: string, row: string): number | undefined {
  const lines = stdout.split('\n').filter((l) => l.trimStart().startsWith(row));
  const cols = lines[lines.length - 1]?.split('|');
  const v = cols?.[2]?.trim();
  return v === undefined || v === '' ? undefined : Number(v);
}

async function runLevel(calls: number): Promise<LevelResult> {
  const phasesArg = flag('phases');
  const child = fork(CHILD, [`--calls=${calls}`, ...(phasesArg === undefined ? [] : [`--phases=${phasesArg}`])], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: AgentChildMessage[] = [];
  const waiters: Array<() => void> = [];
  child.on('message', (m: AgentChildMessage) => {
    messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  const next = async <T extends AgentChildMessage['type']>(type: T, timeoutMs: number): Promise<Extract<AgentChildMessage, { type: T }> | undefined> => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const hit = messages.find((m) => m.type === type);
      if (hit !== undefined) return hit as Extract<AgentChildMessage, { type: T }>;
      const left = deadline - performance.now();
      if (left <= 0 || child.exitCode !== null) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  };
  const listening = await next('listening', 30_000);
  if (listening === undefined) throw new Error('the agent process did not start');

  const port = await freePort();
  const mediaPort = await freeEvenPortPair();
  const deadlineS = Math.ceil(calls / rate + holdS + 60);
  const sippArgs = [
    '-sn', 'uac', `127.0.0.1:${listening.port}`,
    '-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort), '-t', 'u1', '-s', 'agent',
    '-m', String(calls), '-l', String(calls), '-r', String(rate), '-d', String(holdS * 1000),
    '-timeout', `${deadlineS}s`, '-timeout_error', '-nostdin',
  ];
  console.log(`  $ sipp ${sippArgs.join(' ')}`);
  const t0 = performance.now();
  // Under bash so that `times` reports SIPp's CPU; SIPp's own exit code is kept.
  const sipp = new PeerProcess('bash', ['-c', `sipp ${sippArgs.join(' ')}; rc=$?; times; exit $rc`], { deadlineMs: (deadlineS + 10) * 1000 });
  const sippExit = await sipp.exited;
  const sippResult: SippUacResult = {
    exitCode: sippExit.code,
    successful: sippCount(sippExit.stdout, 'Successful call'),
    failed: sippCount(sippExit.stdout, 'Failed call'),
    cpuUs: childCpuUs(sippExit.stdout),
    wallS: (performance.now() - t0) / 1000,
  };
  child.send({ type: 'end' });
  const window = (await next('window', 10_000))?.report ?? null;
  const final = await next('final', 60_000);
  if (final === undefined) {
    child.kill('SIGKILL');
    throw new Error('the agent process did not stop');
  }
  return { calls, window, final, sipp: sippResult };
}

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

function print(r: LevelResult): void {
  const w = r.window;
  console.log(`agent capacity: ${r.calls} calls requested at ${rate} calls/s, each held ${holdS} s after its ACK`);
  console.log(
    `  SIPp uac            exit ${r.sipp.exitCode}; successful ${r.sipp.successful ?? '?'}, failed ${r.sipp.failed ?? '?'}; ` +
      `its CPU ${f(r.sipp.cpuUs / 1e6, 2)} s for the signalling of these calls (${f(r.sipp.cpuUs / r.calls, 0)} µs per call) over ${f(r.sipp.wallS, 1)} s`,
  );
  const a = r.final.stats;
  const rejected = Object.entries(a.rejected).map(([k, v]) => `${k}×${v}`).join(' ') || 'none';
  console.log(
    `  agent               offered ${a.offered}, answered ${a.answered}, completed ${a.completed}, rejected ${rejected}, cancelled ${a.cancelled}; ` +
      `whole run ${f(r.final.cpuUs / 1e6, 2)} CPU-s over ${f(r.final.wallS, 1)} s; RTP sent ${r.final.rtp.sent}, received ${r.final.rtp.received}`,
  );
  if (w === null) {
    console.log('  steady window       none (the calls never reached a plateau)');
    return;
  }
  const m = w.media;
  const cpuUs = w.cpuUserUs + w.cpuSystemUs;
  console.log(`  steady window       ${w.members} calls up (${w.openedBy.replace(/_/g, ' ')}) for ${f(w.wallS, 2)} s, closed by ${w.closedBy.replace(/_/g, ' ')}`);
  console.log(
    `  send pacing error   p50 ${f(m.pacingErrorMs.p50, 3)} ms  p99 ${f(m.pacingErrorMs.p99, 3)} ms  max ${f(m.pacingErrorMs.max, 3)} ms  ` +
      `(${m.pacingErrorMs.count} packets, ${m.pacingErrorMs.negativeCount} sent < 1 ms early, counted as 0)  ${m.pacingErrorMs.p99 <= 2 ? 'p99 ≤ 2 ms: met' : 'p99 ≤ 2 ms: NOT met'}`,
  );
  console.log(
    `  batch really sent   per wake-up, due time → its last packet sent: p50 ${f(w.batchSentMs.p50, 3)} / p99 ${f(w.batchSentMs.p99, 3)} / max ${f(w.batchSentMs.max, 3)} ms (${m.phases} phases)`,
  );
  console.log(
    `  event-loop lag      media timer p50 ${f(m.eventLoopLagMs.p50, 3)} / p99 ${f(m.eventLoopLagMs.p99, 3)} / max ${f(m.eventLoopLagMs.max, 3)} ms; ` +
      `monitorEventLoopDelay p99 ${f(w.loopDelayMs.p99, 2)} ms, max ${f(w.loopDelayMs.max, 2)} ms (beyond its 5 ms interval)`,
  );
  console.log(
    `  CPU                 ${f(cpuUs / 1e6 / w.wallS, 3)} CPU-s/s (user ${f(w.cpuUserUs / 1e6 / w.wallS, 3)}, system ${f(w.cpuSystemUs / 1e6 / w.wallS, 3)}); RSS ${f(w.rssMb, 0)} MB`,
  );
  console.log(
    `  packets             sent ${m.packets} (${f(m.packets / w.wallS, 0)}/s), ${f(cpuUs / m.packets, 2)} µs CPU per packet sent; ` +
      `wake-ups ${m.wakeUps}, catch-up slots ${m.caughtUpSlots}, skipped ${m.skippedSlots}`,
  );
}

const results: LevelResult[] = [];
for (const calls of levels) {
  console.log(`\n-- ${calls} calls`);
  const r = await runLevel(calls);
  results.push(r);
  print(r);
}

if (levels.length > 1) {
  console.log('\n| calls up | pacing p50 / p99 / max (ms) | media-timer lag p99 (ms) | CPU-s/s | µs CPU per packet sent | SIPp ok / failed |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    const w = r.window;
    if (w === null) continue;
    const p = w.media.pacingErrorMs;
    console.log(
      `| ${w.members} | ${f(p.p50, 3)} / ${f(p.p99, 3)} / ${f(p.max, 1)} | ${f(w.media.eventLoopLagMs.p99, 2)} | ${f((w.cpuUserUs + w.cpuSystemUs) / 1e6 / w.wallS, 3)} | ${f((w.cpuUserUs + w.cpuSystemUs) / w.media.packets, 2)} | ${r.sipp.successful ?? '?'} / ${r.sipp.failed ?? '?'} |`,
    );
  }
}

if (sippRtpCalls > 0) {
  // The agent's window is send-only (SIPp's uac sends no RTP): compare with SIPp sending only too.
  console.log(`\n-- SIPp rtp_stream reference: a SIPp UAS streams to ${sippRtpCalls} calls from a SIPp UAC for ${holdS} s each`);
  const sipp = await sippRtpStreamCost(sippRtpCalls, holdS);
  if (sipp === undefined) {
    console.log('  SIPp                not measured (sipp not found)');
  } else {
    const theirs = sipp.cpuUs / sipp.packets;
    console.log(`  SIPp rtp_stream     ${sipp.packets} packets sent, ${f(sipp.cpuUs / 1e6, 2)} CPU-s → ${f(theirs, 2)} µs per packet sent (its signalling included)`);
    for (const r of results) {
      const w = r.window;
      if (w === null) continue;
      const ours = (w.cpuUserUs + w.cpuSystemUs) / w.media.packets;
      console.log(`  ratio at ${w.members} calls  agent ${f(ours, 2)} µs CPU per packet sent / SIPp ${f(theirs, 2)} = ${f(ours / theirs, 2)}x`);
    }
  }
}
process.exit(0);

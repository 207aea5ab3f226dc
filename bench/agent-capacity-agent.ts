/**
 * The measured process of bench/agent-capacity.ts: the simulated agent alone (started with
 * `startAgent`, the `healthy` profile with the greeting on and the RTP timeout raised, because the
 * caller sends no RTP), watching its own media clock. Forked with an IPC channel:
 *
 *   → { type: 'listening', port }           once the SIP socket is bound
 *   → { type: 'window', report }            when the steady window ends (see below)
 *   ← { type: 'end' }                       stop measuring now (if the window is open) and
 *   → { type: 'final', stats, cpuUs, rtp }  after agent.stop() (whole run), then exit
 *
 * Steady window: opens when the scheduler has `--calls` streams (or, if some calls failed, when the
 * count has not grown for 3 s), at which point the scheduler's histograms are reset; closes at the
 * first stream that leaves. Over it: send pacing error and media-timer lag (the scheduler's HDR
 * histograms), this thread's event-loop delay (monitorEventLoopDelay, 5 ms resolution), CPU
 * seconds (process.cpuUsage, user + system) and packets sent, and per wake-up when its batch had
 * really left (see instrumentFlush).
 *
 * Run only by bench/agent-capacity.ts: node --import tsx bench/agent-capacity-agent.ts --calls=N
 *   [--phases=P: experiment only, re-shapes the agent's scheduler before the first call]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startAgent, type AgentStats } from '../src/agent/simulatedAgent.js';
import { loadProfile } from '../src/agent/profile/loadProfile.js';
import type { TruthSink } from '../src/agent/truthLog.js';
import type { MediaSchedulerSnapshot } from '../src/media/mediaScheduler.js';
import { MicrosHistogram, type LatencySummaryMs } from '../src/media/microsHistogram.js';

export interface AgentWindowReport {
  /** Streams when the window opened (all calls up) and why it opened. */
  members: number;
  openedBy: 'all_calls_up' | 'plateau';
  closedBy: 'first_call_left' | 'told_to_end';
  wallS: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  /** The scheduler over the window: packets, pacing error, media-timer lag. */
  media: MediaSchedulerSnapshot;
  /** monitorEventLoopDelay over the window: ms beyond its 5 ms check interval. */
  loopDelayMs: { p50: number; p99: number; max: number };
  /** Per wake-up: due time → the last packet of its batch really sent (see instrumentFlush). */
  batchSentMs: LatencySummaryMs;
  /** Resident memory when the window closed. */
  rssMb: number;
}

export type AgentChildMessage =
  | { type: 'listening'; port: number }
  | { type: 'window'; report: AgentWindowReport | null }
  | { type: 'final'; stats: AgentStats; cpuUs: number; wallS: number; rtp: { sent: number; received: number } };

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const target = Number(arg('calls') ?? 1000);
const PLATEAU_MS = 3000;
const POLL_MS = 100;

const send = (m: AgentChildMessage): void => void process.send?.(m);

const base = loadProfile('healthy');
// SIPp's built-in uac sends no RTP: without a longer timeout the agent would hang up after 15 s.
// Above healthy's own limits (1,250 worker slots, 1,500 trunk channels) more workers and channels, so
// the media path is what is measured, not the admission model.
const workers = Math.max(base.workers.count, Math.ceil(target / base.workers.jobsPerWorker));
const profile = {
  ...base,
  conversation: { ...base.conversation, greeting: true, rtpTimeoutMs: 3_600_000 },
  workers: { ...base.workers, count: workers },
  trunk: { ...base.trunk, channels: Math.max(base.trunk.channels, target) },
};
// RTP counts of every call, from its truth record (whole run; SIPp's built-in uac sends no RTP).
const rtp = { sent: 0, received: 0 };
const truth: TruthSink = {
  write: (r) => {
    if (r.type !== 'call') return;
    rtp.sent += r.rtpSentPackets;
    rtp.received += r.rtpReceivedPackets;
  },
  close: async () => undefined,
};
const agent = await startAgent({ host: '127.0.0.1', port: 0, profile, truth });
const cpuStart = process.cpuUsage();
const flush = instrumentFlush(agent);
const phasesArg = arg('phases');
if (phasesArg !== undefined) reshapeScheduler(agent, Number(phasesArg));
const wallStart = performance.now();
send({ type: 'listening', port: agent.port });

const ELD_RESOLUTION_MS = 5;
const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
// Node records the whole interval between its checks, resolution included: report the excess.
const excessMs = (ns: number): number => Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS);
let window: { members: number; openedBy: AgentWindowReport['openedBy']; cpu: NodeJS.CpuUsage; t0: number } | undefined;
let done = false;
let lastCount = 0;
let lastGrowthAt = performance.now();

/**
 * Bench-only instrumentation through the scheduler's private fields (not an API): an unconnected
 * dgram send() defers the actual send to process.nextTick (dns.lookup of the IP literal), so the
 * packets of a batch leave after the batch loop, while the scheduler's pacing error is taken when a
 * packet is handed over. A microtask queued at the end of a wake-up runs after those nextTicks:
 * its delay from the slot's due time is when the batch's last packet had really been sent.
 */
function instrumentFlush(a: object): MicrosHistogram {
  const hist = new MicrosHistogram();
  const scheduler = (a as { ctx?: { scheduler?: object } }).ctx?.scheduler as
    | { fire?: () => void; armedSlot: number; origin: number; slotMs: number; fireBound: () => void }
    | undefined;
  const fire = scheduler?.fire;
  if (scheduler === undefined || typeof fire !== 'function') return hist;
  scheduler.fireBound = () => {
    const dueMs = scheduler.origin + scheduler.armedSlot * scheduler.slotMs;
    fire.call(scheduler);
    queueMicrotask(() => hist.record(performance.now() - dueMs));
  };
  return hist;
}

/** Experiment only: give the agent's (still empty) scheduler P phases. */
function reshapeScheduler(a: object, phases: number): void {
  const s = (a as { ctx: { scheduler: Record<string, unknown> } }).ctx.scheduler;
  s['phases'] = phases;
  s['slotMs'] = 20 / phases;
  s['maxCatchUpSlots'] = 51 * phases;
  s['lists'] = Array.from({ length: phases }, () => []);
}

function open(members: number, openedBy: AgentWindowReport['openedBy']): void {
  agent.mediaStats({ reset: true });
  flush.reset();
  eld.reset();
  eld.enable();
  window = { members, openedBy, cpu: process.cpuUsage(), t0: performance.now() };
}

function close(closedBy: AgentWindowReport['closedBy']): void {
  if (done) return;
  done = true;
  clearInterval(poll);
  if (window === undefined) {
    send({ type: 'window', report: null });
    return;
  }
  const cpu = process.cpuUsage(window.cpu);
  const wallS = (performance.now() - window.t0) / 1000;
  const media = agent.mediaStats();
  eld.disable();
  send({
    type: 'window',
    report: {
      members: window.members,
      openedBy: window.openedBy,
      closedBy,
      wallS,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      media,
      loopDelayMs: { p50: excessMs(eld.percentile(50)), p99: excessMs(eld.percentile(99)), max: excessMs(eld.max) },
      rssMb: process.memoryUsage().rss / 2 ** 20,
      batchSentMs: flush.summary(),
    },
  });
}

const poll = setInterval(() => {
  const members = agent.mediaStats().members;
  const now = performance.now();
  if (members > lastCount) {
    lastCount = members;
    lastGrowthAt = now;
  }
  if (window === undefined) {
    if (members >= target) open(members, 'all_calls_up');
    else if (members > 0 && now - lastGrowthAt >= PLATEAU_MS && agent.stats().activeCalls === members) open(members, 'plateau');
  } else if (members < window.members) {
    close('first_call_left');
  }
}, POLL_MS);

process.on('message', (m: { type: string }) => {
  if (m.type !== 'end') return;
  close('told_to_end');
  void agent.stop().then(() => {
    const cpu = process.cpuUsage(cpuStart);
    send({ type: 'final', stats: agent.stats(), cpuUs: cpu.user + cpu.system, wallS: (performance.now() - wallStart) / 1000, rtp });
    process.disconnect();
    setTimeout(() => process.exit(0), 100).unref();
  });
});

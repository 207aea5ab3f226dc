/**
 * Media at scale: N RtpSessions on a MediaScheduler (the measured side, this process) stream
 * 20 ms G.711 to N peer sessions on 127.0.0.1 for D seconds, and receive the peers' 20 ms streams
 * back (full duplex, like the simulated agent with N calls). The peers run in a child process by
 * default so the numbers below are the measured side's own; `--single` puts them in this thread.
 * `--workers=W` splits the measured sessions over W worker threads, one scheduler each.
 * Prints send pacing error p50/p99/max (per packet, HDR), event-loop lag p99, CPU seconds per
 * second, CPU µs per packet (sent + received), packets lost; then SIPp's rtp_stream CPU per packet
 * measured in the same run and the ratio. Asserts nothing.
 *
 * Run: node --import tsx bench/media-scale.ts [sessions=1000] [seconds=10]
 *        [--phases=4] [--workers=0] [--connected] [--single] [--send-only] [--warmup=2]
 *        [--sipp-calls=200] [--sipp-seconds=10]
 */
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import hdr from 'hdr-histogram-js';
import { MediaShard, type ShardOptions, type ShardReport, type ShardRequest, type ShardResponse } from './media-shard.js';
import { sippRtpStreamCost } from './media-sipp.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flag = (name: string): string | undefined => {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (hit === undefined) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : '';
};
const sessions = Number(positional[0] ?? 1000);
const seconds = Number(positional[1] ?? 10);
const phases = Number(flag('phases') ?? 4);
const warmupS = Number(flag('warmup') ?? 2);
const single = flag('single') !== undefined;
const peerSends = flag('send-only') === undefined;
const sippCalls = Number(flag('sipp-calls') ?? 200);
const sippSeconds = Number(flag('sipp-seconds') ?? 10);
const workers = Number(flag('workers') ?? 0);
const connected = flag('connected') !== undefined;
const shardOptions: ShardOptions = { phases, connected };


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const SHARD = fileURLToPath(new URL('./media-shard.ts', import.meta.url));

/** A shard behind one interface: in this thread, a worker thread or a child process. */
interface Shard {
  open(count: number): Promise<number[]>;
  start(ports: number[], send: boolean): Promise<void>;
  reset(): Promise<void>;
  stop(): Promise<ShardReport>;
}

interface Channel {
  send(m: ShardRequest): void;
  on(fn: (m: ShardResponse) => void): void;
  off(fn: (m: ShardResponse) => void): void;
}

function remoteShard(ch: Channel): Shard {
  const ask = <T extends ShardResponse['type']>(req: ShardRequest, want: T): Promise<Extract<ShardResponse, { type: T }>> =>
    new Promise((resolve) => {
      const onMessage = (m: ShardResponse): void => {
        if (m.type !== want) return;
        ch.off(onMessage);
        resolve(m as Extract<ShardResponse, { type: T }>);
      };
      ch.on(onMessage);
      ch.send(req);
    });
  return {
    open: async (count) => (await ask({ type: 'open', count, options: shardOptions }, 'ports')).ports,
    start: async (ports, send) => void (await ask({ type: 'start', ports, send }, 'started')),
    reset: async () => void (await ask({ type: 'reset' }, 'reset')),
    stop: async () => (await ask({ type: 'stop' }, 'report')).report,
  };
}

function childShard(): Shard {
  const child = fork(SHARD, ['--child'], { execArgv: ['--import', 'tsx'] });
  return remoteShard({ send: (m) => child.send(m), on: (fn) => child.on('message', fn), off: (fn) => child.off('message', fn) });
}

function workerShard(): Shard {
  // Node 20 does not apply the parent's --import tsx hooks to a worker: register them in it first.
  const api = import.meta.resolve('tsx/esm/api');
  const entry = pathToFileURL(SHARD).href;
  const w = new Worker(`import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
  return remoteShard({ send: (m) => w.postMessage(m), on: (fn) => w.on('message', fn), off: (fn) => w.off('message', fn) });
}

function localShard(): Shard {
  const shard = new MediaShard(shardOptions);
  return {
    open: (count) => shard.open(count),
    start: async (ports, send) => shard.start(ports, send),
    reset: async () => shard.reset(),
    stop: async () => {
      const r = shard.report();
      await shard.close();
      return r;
    },
  };
}

// The measured side: one shard in this thread, or `workers` worker threads.
const ours: Shard[] = workers > 0 ? Array.from({ length: workers }, () => workerShard()) : [localShard()];
const counts = ours.map((_, i) => Math.floor(sessions / ours.length) + (i < sessions % ours.length ? 1 : 0));
const ourPorts = (await Promise.all(ours.map((s, i) => s.open(counts[i]!)))).flat();
const peer = single ? localShard() : childShard();
const peerPorts = await peer.open(sessions);
await peer.start(ourPorts, peerSends);
let offset = 0;
for (let i = 0; i < ours.length; i++) {
  await ours[i]!.start(peerPorts.slice(offset, offset + counts[i]!), true);
  offset += counts[i]!;
}

await sleep(warmupS * 1000);
const eld = monitorEventLoopDelay({ resolution: 5 });
await Promise.all([...ours, peer].map((s) => s.reset()));
eld.enable();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await sleep(seconds * 1000);
const cpu = process.cpuUsage(cpu0);
const wallS = (performance.now() - t0) / 1000;
eld.disable();
const reports = await Promise.all(ours.map((s) => s.stop()));
const peerReport = await peer.stop();

const merge = (key: 'pacingHistogram' | 'lagHistogram'): ReturnType<typeof hdr.decodeFromCompressedBase64> => {
  const [first, ...others] = reports.map((r) => hdr.decodeFromCompressedBase64(r[key]));
  for (const o of others) first!.add(o);
  return first!;
};
const pacing = merge('pacingHistogram');
const lag = merge('lagHistogram');
const sum = (k: 'sent' | 'received' | 'lost' | 'earlyPackets' | 'caughtUpSlots' | 'skippedSlots'): number => reports.reduce((a, r) => a + r[k], 0);
const sent = sum('sent');
const received = sum('received');
const ms = (us: number): string => (us / 1000).toFixed(3);
const f = (x: number, d = 2): string => x.toFixed(d);
const cpuS = (cpu.user + cpu.system) / 1e6;
console.log(
  `media scale: ${sessions} sessions, ${phases} phase(s), ${workers > 0 ? `${workers} worker thread(s)` : 'main thread'}${connected ? ', connected sockets' : ''}, ${seconds} s measured after ${warmupS} s warm-up; peers ${single ? 'in this thread' : 'in a child process'}${peerSends ? ', sending back (full duplex)' : ', receive only'}`,
);
console.log(
  `  send pacing error   p50 ${ms(pacing.getValueAtPercentile(50))} ms  p99 ${ms(pacing.getValueAtPercentile(99))} ms  max ${ms(pacing.maxValue)} ms  (${pacing.totalCount} packets, ${sum('earlyPackets')} sent < 1 ms early, counted as 0)`,
);
console.log(
  `  event-loop lag      p99 ${ms(lag.getValueAtPercentile(99))} ms at the media timer(s); this thread's monitorEventLoopDelay p99 ${f(eld.percentile(99) / 1e6, 3)} ms (5 ms resolution)`,
);
console.log(`  CPU                 ${f(cpuS / wallS, 3)} CPU-s/s (user ${f(cpu.user / 1e6 / wallS, 3)}, system ${f(cpu.system / 1e6 / wallS, 3)})`);
console.log(
  `  packets             sent ${sent} (${f(sent / wallS, 0)}/s), received ${received} (${f(received / wallS, 0)}/s); ${f((cpu.user + cpu.system) / (sent + received), 2)} µs CPU per packet sent+received`,
);
console.log(
  `  loss                we lost ${sum('lost')} of the peer's packets; the peer lost ${peerReport.lost} of ours (RFC 3550 A.3, whole run); catch-up slots ${sum('caughtUpSlots')}, skipped ${sum('skippedSlots')}`,
);
if (!single) console.log(`  peer process        ${f(peerReport.cpuUs / 1e6 / wallS, 3)} CPU-s/s`);

if (sippCalls > 0) {
  const sipp = await sippRtpStreamCost(sippCalls, sippSeconds);
  if (sipp === undefined) {
    console.log('  SIPp                not measured (sipp not found)');
  } else {
    const oursPerSent = (cpu.user + cpu.system) / sent;
    const theirs = sipp.cpuUs / sipp.packets;
    console.log(
      `  SIPp rtp_stream     ${sippCalls} calls × ${sippSeconds} s: ${sipp.packets} packets sent, ${f(sipp.cpuUs / 1e6, 2)} CPU-s → ${f(theirs, 2)} µs per packet sent (its signalling included)`,
    );
    console.log(`  ratio               voiceload ${f(oursPerSent, 2)} µs CPU per packet sent (our receiving included) / SIPp ${f(theirs, 2)} = ${f(oursPerSent / theirs, 2)}x`);
  }
}
process.exit(0);

/**
 * ShardHost's worker wiring for the benches: the run is split with the engine's own splitPlan and
 * planShards, each shard runs `runShard` in its own worker thread (bench/helpers/loadShardWorker.ts,
 * the same call path as src/load/shardWorker.ts), and every ShardEvent reaches `onEvent`. What it
 * adds: the benches can wait until every shard is set up, reset the shards' media clocks at the
 * start of a measuring window and read them (per-packet send pacing error, HDR) at its end.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import hdr from 'hdr-histogram-js';
import type { ShardEvent } from '../../src/load/loadTypes.js';
import { planShards, type ShardRunConfig } from '../../src/load/shardPlan.js';
import { splitPlan } from '../../src/load/splitPlan.js';
import type { BenchShardCommand, BenchShardMessage, ShardMediaReport } from './loadShardWorker.js';

export interface BenchShardsOptions {
  config: ShardRunConfig;
  shards: number;
  /** false: one Pacer per call instead of the shard's one MediaScheduler (the "before"). */
  sharedMediaClock: boolean;
  onEvent: (ev: ShardEvent) => void;
}

/** Merged media clock of every shard over a window. */
export interface MergedMedia {
  shared: boolean;
  packets: number;
  wakeUps: number;
  earlyPackets: number;
  caughtUpSlots: number;
  skippedSlots: number;
  /** µs; undefined when the shards had no shared scheduler. */
  pacing: ReturnType<typeof hdr.decodeFromCompressedBase64> | undefined;
  lag: ReturnType<typeof hdr.decodeFromCompressedBase64> | undefined;
}

const ENTRY = fileURLToPath(new URL('./loadShardWorker.ts', import.meta.url));

export class BenchShards {
  private readonly workers: Worker[] = [];
  private readonly waiters: Array<{ type: BenchShardMessage['type']; count: number; got: BenchShardMessage[]; resolve: (m: BenchShardMessage[]) => void }> = [];
  private readonly ended: Promise<void>[] = [];
  /** Resolves once every shard has its UA, ports and media clock up (calls start right after). */
  readonly ready: Promise<void>;

  constructor(options: BenchShardsOptions) {
    const configs = planShards(options.config, splitPlan(options.config.plan, options.shards));
    // Node 20 does not apply the parent's --import tsx hooks to a worker: register them in it first.
    const api = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(pathToFileURL(ENTRY).href)}); })`;
    this.ready = this.waitFor('bench_ready', configs.length).then(() => undefined);
    for (const config of configs) {
      const w = new Worker(code, { eval: true, workerData: { config, sharedMediaClock: options.sharedMediaClock }, name: `bench-shard-${config.shard}` });
      w.on('message', (m: ShardEvent | BenchShardMessage) => {
        if (m.type === 'bench_ready' || m.type === 'bench_reset' || m.type === 'bench_media') this.deliver(m);
        else options.onEvent(m);
      });
      w.on('error', (e) => console.error(`shard ${config.shard} worker failed: ${e instanceof Error ? e.message : String(e)}`));
      this.ended.push(new Promise((resolve) => w.on('exit', () => resolve())));
      this.workers.push(w);
    }
  }

  /** Resolves when every worker thread has exited (after stop(), once its calls have ended). */
  async done(): Promise<void> {
    await Promise.all(this.ended);
  }

  stop(): void {
    this.send({ type: 'stop' });
  }

  /** Clears every shard's media histograms (start of a measuring window). */
  async reset(): Promise<void> {
    const p = this.waitFor('bench_reset', this.workers.length);
    this.send({ type: 'reset' });
    await p;
  }

  /** Every shard's media clock since the last reset, merged exactly (HDR add). */
  async media(): Promise<MergedMedia> {
    const p = this.waitFor('bench_media', this.workers.length);
    this.send({ type: 'report' });
    const reports = (await p).flatMap((m) => (m.type === 'bench_media' ? [m.media] : []));
    return mergeMedia(reports);
  }

  private send(cmd: BenchShardCommand): void {
    for (const w of this.workers) w.postMessage(cmd);
  }

  private waitFor(type: BenchShardMessage['type'], count: number): Promise<BenchShardMessage[]> {
    return new Promise((resolve) => this.waiters.push({ type, count, got: [], resolve }));
  }

  private deliver(m: BenchShardMessage): void {
    const w = this.waiters.find((x) => x.type === m.type);
    if (w === undefined) return;
    w.got.push(m);
    if (w.got.length >= w.count) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(w.got);
    }
  }
}

function mergeMedia(reports: ShardMediaReport[]): MergedMedia {
  const decode = (s: string | null): ReturnType<typeof hdr.decodeFromCompressedBase64> | undefined => (s === null ? undefined : hdr.decodeFromCompressedBase64(s));
  let pacing: MergedMedia['pacing'];
  let lag: MergedMedia['lag'];
  for (const r of reports) {
    const p = decode(r.pacingHistogram);
    const l = decode(r.lagHistogram);
    if (p !== undefined) pacing === undefined ? (pacing = p) : pacing.add(p);
    if (l !== undefined) lag === undefined ? (lag = l) : lag.add(l);
  }
  const sum = (k: 'packets' | 'wakeUps' | 'earlyPackets' | 'caughtUpSlots' | 'skippedSlots'): number => reports.reduce((a, r) => a + r[k], 0);
  return {
    shared: reports.every((r) => r.shared),
    packets: sum('packets'),
    wakeUps: sum('wakeUps'),
    earlyPackets: sum('earlyPackets'),
    caughtUpSlots: sum('caughtUpSlots'),
    skippedSlots: sum('skippedSlots'),
    pacing,
    lag,
  };
}

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { prepareScenario } from '../engine/prepareScenario.js';
import { loadScenario } from '../scenario/loadScenario.js';
import { prepareSippRun } from '../sipp/prepareSippRun.js';
import type { LoadPlan, ShardEvent } from './loadTypes.js';
import type { ShardConfig } from './shardConfig.js';
import { planShards, type ShardRunConfig } from './shardPlan.js';
import { runShard, shardError, type ShardDeps } from './shardRunner.js';
import type { ShardCommand } from './shardWorker.js';
import { splitPlan as defaultSplitPlan } from './splitPlan.js';

export interface ShardHostOptions {
  config: ShardRunConfig;
  /** Worker threads (shards). Default os.availableParallelism(). */
  shards?: number;
  /** Run every shard in this thread (tests, debugging); same events, no workers. */
  inProcess?: boolean;
  /** Receives every shard's events, in each shard's order (shards interleave). */
  onEvent: (ev: ShardEvent) => void;
  /** Default splitPlan (src/load/splitPlan.ts). */
  splitPlan?: (plan: LoadPlan, shards: number) => LoadPlan[];
  /** In-process shards only: seams passed to runShard. */
  shardDeps?: ShardDeps;
  /** Every shard is set up: the run's common start (epoch ms), just before the first call can start. */
  onStart?: (startEpochMs: number) => void;
}

/** Margin between "every shard is ready" and the common start, for the start message to reach the workers. */
const START_MARGIN_MS = 20;

/** How each shard ended: shard_done, or shard_error (its own, or a worker that died). */
export type ShardEnd = Extract<ShardEvent, { type: 'shard_done' | 'shard_error' }>;

/** A shard's handle, in a worker or in this thread. */
interface RunningShard {
  stop(): void;
  start(startEpochMs: number): void;
  terminate(): Promise<void>;
  ended: Promise<ShardEnd>;
}

/**
 * Spreads a run over worker threads, one shard each (one event loop per core), and funnels their
 * ShardEvents to one listener. Before any worker starts it checks the port range and prepares the
 * scenario once (a SIPp XML one with kind 'sipp': parsed, -inf and media files read), so a bad
 * scenario is one clear error and the workers find synthesis in the cache.
 */
export class ShardHost {
  private readonly shards: number;
  private running: RunningShard[] = [];
  private stopped = false;

  constructor(private readonly options: ShardHostOptions) {
    this.shards = Math.max(1, Math.floor(options.shards ?? availableParallelism()));
  }

  /**
   * Runs every shard to its end. Rejects (before any call) on a setup problem found here: ports that
   * do not fit, an invalid scenario; problems found inside a shard arrive as shard_error events.
   * Resolves with each shard's end, in shard order.
   */
  async run(): Promise<ShardEnd[]> {
    const o = this.options;
    const split = o.splitPlan ?? defaultSplitPlan;
    const configs = planShards(o.config, split(o.config.plan, this.shards));
    if (o.config.kind === 'sipp') prepareSippRun(o.config.scenarioFile, { injectionFile: o.config.sipp?.injectionFile });
    else await prepareScenario(loadScenario(o.config.scenarioFile), o.config.speechCacheDir === undefined ? {} : { speech: { cacheDir: o.config.speechCacheDir } });
    if (this.stopped) return [];
    this.waiting = new Set(configs.map((c) => c.shard));
    this.running = configs.map((c) => (o.inProcess === true ? this.startInProcess(c) : this.startWorker(c)));
    return Promise.all(this.running.map((r) => r.ended));
  }

  /** Shards not yet ready: when none is left, every shard gets the same start time. */
  private waiting = new Set<number>();

  private onShardEvent(ev: ShardEvent): void {
    if (ev.type === 'shard_ready' || ev.type === 'shard_done' || ev.type === 'shard_error') {
      if (this.waiting.delete(ev.shard) && this.waiting.size === 0) {
        const startEpochMs = performance.timeOrigin + performance.now() + START_MARGIN_MS;
        this.options.onStart?.(startEpochMs);
        for (const r of this.running) r.start(startEpochMs);
      }
    }
    this.options.onEvent(ev);
  }

  /** Stops new calls in every shard; active calls end with BYE (or CANCEL); run() then resolves. */
  stop(): void {
    this.stopped = true;
    for (const r of this.running) r.stop();
  }

  /** The hard stop: ends every worker now (calls get no BYE). Shards not yet done end as shard_error. */
  async terminate(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running.map((r) => r.terminate()));
  }

  private startInProcess(config: ShardConfig): RunningShard {
    const stop = new AbortController();
    let end: ShardEnd | undefined;
    let started: (startEpochMs: number) => void = () => undefined;
    const start = new Promise<number>((resolve) => {
      started = resolve;
    });
    const ended = runShard(
      config,
      (ev) => {
        if (ev.type === 'shard_done' || ev.type === 'shard_error') end = ev;
        this.onShardEvent(ev);
      },
      stop.signal,
      { startGate: () => start, ...this.options.shardDeps },
    ).then(() => end ?? this.lost(config.shard, 'the shard ended without reporting'));
    // Nothing to kill in this thread: the hard stop is the soft one.
    return { stop: () => stop.abort(), start: (t) => started(t), terminate: async () => stop.abort(), ended };
  }

  private startWorker(config: ShardConfig): RunningShard {
    const entry = shardWorkerEntry();
    const worker = new Worker(entry.code ?? entry.url, { eval: entry.code !== undefined, workerData: config, name: `voiceload-shard-${config.shard}` });
    let end: ShardEnd | undefined;
    const ended = new Promise<ShardEnd>((resolve) => {
      worker.on('message', (ev: ShardEvent) => {
        if (end !== undefined) return;
        if (ev.type === 'shard_done' || ev.type === 'shard_error') end = ev;
        this.onShardEvent(ev);
      });
      // A worker that throws outside runShard (or cannot even load) must not hang the run.
      worker.on('error', (e) => {
        if (end === undefined) end = this.lost(config.shard, `the shard's worker failed: ${e instanceof Error ? e.message : String(e)}`, e);
      });
      worker.on('exit', (code) => resolve(end ?? this.lost(config.shard, `the shard's worker exited (code ${code}) before it was done`)));
    });
    return {
      stop: () => worker.postMessage({ type: 'stop' } satisfies ShardCommand),
      start: (startEpochMs) => worker.postMessage({ type: 'start', startEpochMs } satisfies ShardCommand),
      terminate: async () => {
        await worker.terminate();
      },
      ended,
    };
  }

  /** A shard that ended without shard_done: reported once as shard_error. */
  private lost(shard: number, message: string, cause?: unknown): ShardEnd {
    const ev = cause === undefined ? shardError(shard, new Error(message)) : { ...shardError(shard, cause), message };
    this.onShardEvent(ev);
    return ev;
  }
}

/**
 * The worker's entry next to this file: shardWorker.js when running built JS from dist/. Running
 * sources under `node --import tsx`, the entry is shardWorker.ts, but Node 20 does not apply the
 * parent's --import loader hooks in a worker thread: the worker then starts from a line of JS that
 * registers tsx's loader in its own thread first (tsx is there: it is running this very file).
 */
export function shardWorkerEntry(): { url: URL; code?: string } {
  if (!import.meta.url.endsWith('.ts')) return { url: new URL('./shardWorker.js', import.meta.url) };
  const url = new URL('./shardWorker.ts', import.meta.url);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
  return { url, code };
}

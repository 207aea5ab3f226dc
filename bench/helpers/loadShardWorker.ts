/**
 * Worker-thread entry of one load shard for the benches (bench/helpers/benchShards.ts): runs
 * `runShard` exactly as src/load/shardWorker.ts does (same config, same events posted to the
 * host), and also answers the bench's questions about the shard's media clock, which the engine's
 * own worker does not expose:
 *
 *   ← { type: 'stop' }                       stop new calls, end active ones (BYE)
 *   ← { type: 'reset' }                      clear the shard scheduler's histograms (window start)
 *   → { type: 'bench_reset' }
 *   ← { type: 'report' }                     the scheduler's numbers since the reset (window end)
 *   → { type: 'bench_media', media }
 *   → { type: 'bench_ready' }                once the shard's UA, port pool and media clock are up
 *
 * workerData: { config: ShardConfig, sharedMediaClock: boolean }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import hdr from 'hdr-histogram-js';
import type { MediaScheduler } from '../../src/media/mediaScheduler.js';
import type { ShardConfig } from '../../src/load/shardConfig.js';
import { runShard, shardError } from '../../src/load/shardRunner.js';

/** One shard's media clock over the bench's window; histograms in µs, HDR compressed base64. */
export interface ShardMediaReport {
  shard: number;
  /** False when the shard ran one Pacer per call (no shared scheduler to read). */
  shared: boolean;
  packets: number;
  wakeUps: number;
  members: number;
  pacingHistogram: string | null;
  lagHistogram: string | null;
  earlyPackets: number;
  caughtUpSlots: number;
  skippedSlots: number;
}

export type BenchShardCommand = { type: 'stop' } | { type: 'reset' } | { type: 'report' };
export type BenchShardMessage = { type: 'bench_ready'; shard: number } | { type: 'bench_reset'; shard: number } | { type: 'bench_media'; media: ShardMediaReport };

function report(shard: number, s: MediaScheduler | undefined): ShardMediaReport {
  if (s === undefined) {
    return { shard, shared: false, packets: 0, wakeUps: 0, members: 0, pacingHistogram: null, lagHistogram: null, earlyPackets: 0, caughtUpSlots: 0, skippedSlots: 0 };
  }
  const snap = s.snapshot();
  return {
    shard,
    shared: true,
    packets: snap.packets,
    wakeUps: snap.wakeUps,
    members: snap.members,
    pacingHistogram: hdr.encodeIntoCompressedBase64(s.pacingHistogram.histogram),
    lagHistogram: hdr.encodeIntoCompressedBase64(s.lagHistogram.histogram),
    earlyPackets: snap.pacingErrorMs.negativeCount,
    caughtUpSlots: snap.caughtUpSlots,
    skippedSlots: snap.skippedSlots,
  };
}

const port = parentPort;
if (port !== null) {
  const { config, sharedMediaClock } = workerData as { config: ShardConfig; sharedMediaClock: boolean };
  const shard = config.shard;
  const stop = new AbortController();
  let scheduler: MediaScheduler | undefined;
  const post = (m: BenchShardMessage): void => port.postMessage(m);
  const onCommand = (cmd: BenchShardCommand): void => {
    if (cmd.type === 'stop') stop.abort();
    else if (cmd.type === 'reset') {
      scheduler?.resetStats();
      post({ type: 'bench_reset', shard });
    } else post({ type: 'bench_media', media: report(shard, scheduler) });
  };
  port.on('message', onCommand);
  runShard(config, (ev) => port.postMessage(ev), stop.signal, {
    sharedMediaClock,
    onReady: (r) => {
      scheduler = r.scheduler;
      post({ type: 'bench_ready', shard });
    },
  })
    .catch((e: unknown) => port.postMessage(shardError(shard, e)))
    .finally(() => {
      port.off('message', onCommand);
      port.unref();
    });
}

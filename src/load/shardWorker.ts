/**
 * Worker-thread entry of one shard (started by ShardHost): runs runShard with the ShardConfig in
 * workerData and posts every ShardEvent to the host. The host posts {type:'stop'} to stop new calls
 * and end active ones. When the shard is over, the port is unref'd so the thread exits by itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ShardConfig } from './shardConfig.js';
import { runShard, shardError } from './shardRunner.js';

/** Messages from the host to a shard worker. */
export type ShardCommand = { type: 'stop' } | { type: 'start'; startEpochMs: number };

const port = parentPort;
if (port !== null) {
  const config = workerData as ShardConfig;
  const stop = new AbortController();
  let started: (startEpochMs: number) => void = () => undefined;
  const start = new Promise<number>((resolve) => {
    started = resolve;
  });
  const onCommand = (cmd: ShardCommand): void => {
    if (cmd.type === 'stop') stop.abort();
    else started(cmd.startEpochMs);
  };
  port.on('message', onCommand);
  runShard(config, (ev) => port.postMessage(ev), stop.signal, { startGate: () => start })
    .catch((e: unknown) => port.postMessage(shardError(config.shard, e)))
    .finally(() => {
      port.off('message', onCommand);
      port.unref();
    });
}

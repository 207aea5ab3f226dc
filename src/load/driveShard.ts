import type { Clock } from '../core/clock.js';
import { LoadController, type LaunchContext } from './loadController.js';
import type { ShardEvent } from './loadTypes.js';
import { shardError, type ShardDeps, type ShardLoadController } from './shardDeps.js';

export interface DriveShardOptions {
  config: { shard: number; shards: number; plan: import('./loadTypes.js').LoadPlan };
  clock: Clock;
  emit: (ev: ShardEvent) => void;
  signal: AbortSignal | undefined;
  deps: ShardDeps;
  toRunMs: (clockMs: number) => number;
  /** The run's common start is known: from here on run time counts from it. */
  onStart: (startEpochMs: number) => void;
  /** One call; `stop` aborts when the shard stops. Resolves when the call has ended; never rejects. */
  launch: (ctx: LaunchContext, stop: AbortSignal) => Promise<void>;
  /** After the last call ended, before shard_done (e.g. the recordings event). */
  beforeDone?: () => void;
}

/**
 * The part of a shard every scenario kind shares: a LoadController over the shard's plan, started at
 * the run's common start, calls launched and tracked until each has ended, stop() on the signal, and
 * shard_done (or shard_error) at the end. The caller sets up and closes its own resources around it.
 */
export async function driveShard(o: DriveShardOptions): Promise<void> {
  const { config, emit, signal } = o;
  const shard = config.shard;
  // Calls listen to the shard's own signal too: stop() must end calls even if a controller does not abort them.
  const stopCalls = new AbortController();
  // Launches still running: shared resources close only after every call has ended.
  const active = new Set<Promise<void>>();
  let controller: ShardLoadController | undefined;
  const onAbort = (): void => {
    controller?.stop();
    stopCalls.abort();
  };
  try {
    controller = (o.deps.createController ?? ((c) => new LoadController(c)))({
      clock: o.clock,
      plan: config.plan,
      shard,
      shards: config.shards,
      toRunMs: o.toRunMs,
      launch: (ctx) => {
        const p = o.launch(ctx, stopCalls.signal).finally(() => active.delete(p));
        active.add(p);
        return p;
      },
      onDrop: (drop) => emit({ type: 'call_dropped', drop }),
    });
    if (signal?.aborted === true) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const origin = await awaitRunStart(shard, o.clock, emit, o.deps, signal);
    if (origin.epochMs !== undefined) o.onStart(origin.epochMs);
    const { started, dropped } = await controller.run(origin.clockMs);
    await Promise.all(active);
    o.beforeDone?.();
    emit({ type: 'shard_done', shard, started, dropped });
  } catch (e) {
    stopCalls.abort();
    await Promise.all(active);
    emit(shardError(shard, e));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Reports shard_ready and waits for the run's common start (deps.startGate), then until that moment
 * on this shard's clock. Returns the start in epoch ms and as a clock reading (the schedule's time 0);
 * both undefined without a gate. A stop while waiting returns at once (the controller then starts nothing).
 */
export async function awaitRunStart(shard: number, clock: Clock, emit: (ev: ShardEvent) => void, deps: ShardDeps, signal: AbortSignal | undefined): Promise<{ epochMs?: number; clockMs?: number }> {
  emit({ type: 'shard_ready', shard });
  if (deps.startGate === undefined) return {};
  const stopped = new Promise<undefined>((resolve) => {
    if (signal?.aborted === true) resolve(undefined);
    signal?.addEventListener('abort', () => resolve(undefined), { once: true });
  });
  const epochMs = await Promise.race([deps.startGate(), stopped]);
  if (epochMs === undefined) return {};
  const clockMs = epochMs - performance.timeOrigin;
  const waitMs = clockMs - clock.nowMs();
  if (waitMs > 0) await new Promise<void>((resolve) => clock.setTimer(waitMs, resolve));
  return { epochMs, clockMs };
}

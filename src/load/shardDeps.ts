import type { Clock } from '../core/clock.js';
import { isVoiceloadError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { MediaScheduler } from '../media/mediaScheduler.js';
import type { SipTransport } from '../sip/transport/index.js';
import type { UserAgent } from '../sip/ua/userAgent.js';
import type { LoadControllerOptions } from './loadController.js';
import type { ShardEvent } from './loadTypes.js';
import type { RtpPortPool } from './pooledRtpPorts.js';
import type { ShardConfig } from './shardConfig.js';

/** What runShard needs of a load controller (the real one: LoadController). */
export interface ShardLoadController {
  run(originMs?: number): Promise<{ started: number; dropped: number }>;
  stop(): void;
}

/** Seams for tests and diagnostics; a worker uses the defaults. */
export interface ShardDeps {
  /** Default SystemClock (performance.now()). */
  clock?: Clock;
  /** Clock reading → run time. Default `performance.timeOrigin + ms - runStartEpochMs`, right for SystemClock in any thread. */
  toRunMs?: (clockMs: number) => number;
  /**
   * After shard_ready: resolves with the run's common start (epoch ms, as runStartEpochMs) once every
   * shard is ready, so all shards' schedules share one time 0. Absent: the shard starts at once.
   */
  startGate?: () => Promise<number>;
  createController?: (options: LoadControllerOptions) => ShardLoadController;
  logger?: Logger;
  /** Sees the shard's shared resources once they are up (tests check the port pool; benches read the media clock). */
  onReady?: (resources: { ua: UserAgent; ports: RtpPortPool; scheduler: MediaScheduler | undefined }) => void;
  /**
   * Default true: every call's RTP session sends on the shard's one MediaScheduler (one timer tick
   * for all calls). false: each session runs its own Pacer, as `voiceload call` does (diagnostics:
   * bench/load-scale.ts --own-pacers measures the difference).
   */
  sharedMediaClock?: boolean;
  /**
   * RTP through the native batched I/O (one crossing per media slot instead of one dgram call per
   * packet) when the addon is built and the clock is the real one. Default true; false: dgram.
   */
  batchedRtpIo?: boolean;
  /** SIPp shards (kind 'sipp'): binds the shard's one SIP transport (tests use a memory transport). */
  createSippTransport?: (config: ShardConfig, clock: Clock) => Promise<SipTransport>;
  /** SIPp shards: how long the last ACK/BYE datagrams get to leave before the transport closes. Default 50 ms. */
  sippFlushMs?: number;
}

/** A setup problem as the coordinator shows it: code, message and hint, nothing else (no config, no secrets). */
export function shardError(shard: number, e: unknown): Extract<ShardEvent, { type: 'shard_error' }> {
  if (isVoiceloadError(e)) return { type: 'shard_error', shard, code: e.code, message: e.message, ...(e.hint === undefined ? {} : { hint: e.hint }) };
  return { type: 'shard_error', shard, code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

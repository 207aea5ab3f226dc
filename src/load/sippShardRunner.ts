import { SystemClock, type Clock } from '../core/clock.js';
import { isVoiceloadError, VoiceloadError } from '../core/errors.js';
import { silentLogger } from '../core/log.js';
import { createRng } from '../core/rng.js';
import { createTcpTransport, createUdpTransport, type SipTransport } from '../sip/transport/index.js';
import { prepareSippRun, type PreparedSippRun } from '../sipp/prepareSippRun.js';
import { SippCallHub } from '../sipp/sippCallHub.js';
import type { SippCallMedia, SippMediaFactory } from '../sipp/sippCallMedia.js';
import { createSippMediaFactory } from '../sipp/sippMedia.js';
import type { SippCallResult } from '../sipp/sippResult.js';
import type { LaunchContext } from './loadController.js';
import type { ShardEvent } from './loadTypes.js';
import { RtpPortPool } from './pooledRtpPorts.js';
import { checkPortRangeFits } from './portRange.js';
import type { ShardConfig } from './shardConfig.js';
import { driveShard } from './driveShard.js';
import { shardError, type ShardDeps } from './shardDeps.js';
import { toSippCallRecord } from './sippCallRecord.js';

/** What every call of a SIPp shard shares. */
interface SippShardEnv {
  config: ShardConfig;
  clock: Clock;
  toRunMs: (clockMs: number) => number;
  emit: (ev: ShardEvent) => void;
  hub: SippCallHub;
  media: SippMediaFactory | undefined;
  /** Aborts when the shard stops: every call ends (BYE, or CANCEL while ringing). */
  stop: AbortSignal;
}

/**
 * One shard of a SIPp XML run (ShardConfig kind 'sipp'), in whatever thread calls it: reads the
 * scenario, -inf and media files, binds ONE SIP transport that every call of the shard shares (calls
 * told apart by Call-ID, SIPp's single-socket mode), gives each call an RTP pair from the shard's pool
 * when the scenario needs media, and lets a LoadController decide when calls start; `-inf` rows
 * follow the run-wide call number. Reports as runShard does (call_started, call_answered, call_ended
 * or call_dropped, then shard_done; or one shard_error), plus a `warning` the first time this shard
 * sees each lint warning. It never rejects.
 */
export async function runSippShard(config: ShardConfig, emit: (ev: ShardEvent) => void, signal?: AbortSignal, deps: ShardDeps = {}): Promise<void> {
  const shard = config.shard;
  const clock = deps.clock ?? new SystemClock();
  let runStartEpochMs = config.runStartEpochMs;
  const toRunMs = deps.toRunMs ?? ((ms: number) => performance.timeOrigin + ms - runStartEpochMs);
  const options = config.sipp;
  let prepared: PreparedSippRun;
  let transport: SipTransport;
  try {
    if (options === undefined) throw new VoiceloadError('INTERNAL', 'a SIPp shard was started without its SIPp options');
    prepared = prepareSippRun(config.scenarioFile, options);
    if (prepared.needsMedia && config.rtpPorts !== undefined) checkPortRangeFits(config.rtpPorts, config.plan.concurrencyCap);
    transport = await (deps.createSippTransport ?? bindSippTransport)(config, clock);
  } catch (e) {
    emit(shardError(shard, e));
    return;
  }
  const hub = new SippCallHub({
    scenario: prepared.scenario,
    options,
    clock,
    transport,
    // Shard 0 draws RANDOM -inf lines as a single-process run with the same seed does.
    rng: createRng((config.seed + Math.imul(shard, 0x9e3779b1)) >>> 0),
    ...(prepared.injection === undefined ? {} : { injection: prepared.injection }),
    onWarning: (key, message) => emit({ type: 'warning', shard, key, message }),
  });
  const ports = new RtpPortPool({ host: options.localHost, ...(config.rtpPorts === undefined ? {} : { range: config.rtpPorts }) });
  const media = prepared.needsMedia
    ? createSippMediaFactory({ clock, localHost: options.localHost, files: prepared.files, logger: deps.logger ?? silentLogger, ports })
    : undefined;
  try {
    await driveShard({
      config,
      clock,
      emit,
      signal,
      deps,
      toRunMs,
      onStart: (epochMs) => (runStartEpochMs = epochMs),
      launch: (ctx, stop) => launchSippCall({ config, clock, toRunMs, emit, hub, media, stop }, ctx),
    });
  } finally {
    hub.close();
    // The last ACK/BYE/CANCEL datagrams leave before the socket closes.
    const flushMs = deps.sippFlushMs ?? 50;
    if (flushMs > 0) await new Promise((r) => setTimeout(r, flushMs));
    await transport.close();
  }
}

/** The shard's SIP socket: SIPp's -t (udp or tcp) on -i, at the shard's port (--sip-port/-p plus the shard index, or any). */
async function bindSippTransport(config: ShardConfig, clock: Clock): Promise<SipTransport> {
  const o = config.sipp!;
  const bind = { host: o.localHost, port: config.sipPort ?? 0, clock };
  return o.transport === 'tcp'
    ? createTcpTransport(bind)
    : createUdpTransport({ ...bind, ...(config.sipSocketBufferBytes === undefined ? {} : { socketBufferBytes: config.sipSocketBufferBytes }) });
}

/** One call: its RTP pair (if the scenario needs one), the scenario walked on the shared transport, its record. Never rejects. */
async function launchSippCall(env: SippShardEnv, ctx: LaunchContext): Promise<void> {
  const { shard } = env.config;
  const { callNumber, intendedStartAtMs } = ctx;
  const startedAtMs = env.toRunMs(env.clock.nowMs());
  env.emit({ type: 'call_started', shard, callNumber, intendedStartAtMs, startedAtMs });
  const signal = AbortSignal.any([ctx.signal, env.stop]);
  const ended = (result: SippCallResult): void => {
    env.emit({ type: 'call_ended', record: toSippCallRecord(result, { callNumber, shard, intendedStartAtMs, startedAtMs, toRunMs: env.toRunMs }) });
  };
  let media: SippCallMedia | undefined;
  if (env.media !== undefined) {
    try {
      media = await env.media(callNumber);
    } catch (e) {
      const ports = isVoiceloadError(e) && e.code === 'PORTS_EXHAUSTED';
      ended(notStarted(callNumber, env.clock.nowMs(), `media: ${e instanceof Error ? e.message : String(e)}`, ports ? 'ports_exhausted' : 'media'));
      return;
    }
  }
  try {
    if (signal.aborted) {
      // Stopped while its ports were being bound: no INVITE left, nothing to tear down.
      ended(notStarted(callNumber, env.clock.nowMs(), 'aborted', 'aborted'));
      return;
    }
    await new Promise<void>((resolve) => {
      const onAbort = (): void => call.abort('aborted');
      const call = env.hub.create(
        callNumber,
        media,
        (result) => {
          signal.removeEventListener('abort', onAbort);
          ended(result);
          resolve();
        },
        { onAnswered: (atMs) => env.emit({ type: 'call_answered', shard, callNumber, atMs: env.toRunMs(atMs) }) },
      );
      signal.addEventListener('abort', onAbort, { once: true });
      call.start();
    });
  } finally {
    // Its ports go back to the pool once closed, before the controller counts the call as gone.
    await media?.close();
  }
}

/** A call that ended before its first message (no media port, or stopped while binding one). */
function notStarted(callNumber: number, nowMs: number, reason: string, code: SippCallResult['reasonCode'] & string): SippCallResult {
  return {
    callId: '',
    callNumber,
    outcome: 'failed',
    reason,
    reasonCode: code,
    rtdMs: {},
    inviteToFinalMs: null,
    inviteFinalStatus: null,
    startedAtMs: nowMs,
    endedAtMs: nowMs,
    retransmissions: 0,
  };
}

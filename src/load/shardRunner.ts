import { SystemClock, type Clock } from '../core/clock.js';
import { isVoiceloadError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { createRng } from '../core/rng.js';
import type { CallResult } from '../engine/callResult.js';
import { planScenarioCall, type PlannedCall } from '../engine/planScenarioCall.js';
import { prepareScenario, type PreparedScenario } from '../engine/prepareScenario.js';
import { resolveTarget, runCallOn } from '../engine/runCall.js';
import { AgentAudioRecorder } from './agentAudioRecorder.js';
import { driveShard } from './driveShard.js';
import { shardError, type ShardDeps } from './shardDeps.js';
export { shardError, type ShardDeps, type ShardLoadController } from './shardDeps.js';
import { RecordingSink } from './recordingSink.js';
import { BatchedRtpIo } from '../media/batchedRtpIo.js';
import { MediaScheduler } from '../media/mediaScheduler.js';
import type { UdpPortPair } from '../media/udpPortPair.js';
import { loadScenario } from '../scenario/loadScenario.js';
import { generateCallId } from '../sip/identifiers.js';
import { createTcpTransport, createUdpTransport, type SipEndpoint, type SipTransport } from '../sip/transport/index.js';
import { UserAgent } from '../sip/ua/userAgent.js';
import { toCallRecord, unmeasuredCallRecord } from './callRecord.js';
import type { LaunchContext } from './loadController.js';
import type { CallRecord, ShardEvent } from './loadTypes.js';
import { RtpPortPool } from './pooledRtpPorts.js';
import { checkPortRangeFits } from './portRange.js';
import type { ShardConfig } from './shardConfig.js';
import { runSippShard } from './sippShardRunner.js';


/** The user agent, port pool and target every call of a shard shares. */
interface ShardResources {
  prepared: PreparedScenario;
  dest: SipEndpoint;
  ua: UserAgent;
  ports: RtpPortPool;
  /** The shard's one media clock: every call's packets go out in its batches (absent: one Pacer per call). */
  scheduler?: MediaScheduler;
  /** --record: keeps agent audio of failed and slowest calls under the output directory. */
  recordings?: RecordingSink;
}

/**
 * One shard of a run, in whatever thread calls it: prepares the scenario, binds ONE SIP transport
 * that every call of the shard shares (the UA tells calls apart by Call-ID), gives each call an RTP
 * pair from the shard's pool, and lets a LoadController decide when calls start. Reports through
 * `emit`, in order: call_started, call_answered, call_ended (a CallRecord) or call_dropped per call,
 * then shard_done; a setup problem (scenario, target, ports) is one shard_error instead, and no call
 * starts. Aborting `signal` stops new calls and ends active ones (BYE or CANCEL); the promise
 * resolves once they have ended. It never rejects.
 */
export async function runShard(config: ShardConfig, emit: (ev: ShardEvent) => void, signal?: AbortSignal, deps: ShardDeps = {}): Promise<void> {
  if (config.kind === 'sipp') return runSippShard(config, emit, signal, deps);
  const shard = config.shard;
  const clock = deps.clock ?? new SystemClock();
  let runStartEpochMs = config.runStartEpochMs;
  const toRunMs = deps.toRunMs ?? ((ms: number) => performance.timeOrigin + ms - runStartEpochMs);
  const logger = deps.logger ?? silentLogger;
  let resources: ShardResources;
  try {
    resources = await setUp(config, clock, logger);
    if (deps.sharedMediaClock !== false) {
      // Batched RTP I/O needs the real clock (arrival times come from the kernel's timestamps).
      const io = deps.batchedRtpIo !== false && deps.clock === undefined ? BatchedRtpIo.create({ clock, logger }) : undefined;
      resources.scheduler = new MediaScheduler({ clock, logger, ...(io === undefined ? {} : { io }) });
    }
  } catch (e) {
    emit(shardError(shard, e));
    return;
  }
  const { ua, ports } = resources;
  deps.onReady?.({ ua, ports, scheduler: resources.scheduler });
  try {
    await driveShard({
      config,
      clock,
      emit,
      signal,
      deps,
      toRunMs,
      onStart: (epochMs) => (runStartEpochMs = epochMs),
      launch: (ctx, stop) => launchCall(config, resources, ctx, { clock, toRunMs, logger, emit, stop }),
      beforeDone: () => {
        if (resources.recordings !== undefined) emit({ type: 'recordings', shard, entries: resources.recordings.list() });
      },
    });
  } finally {
    resources.scheduler?.stop();
    resources.scheduler?.io?.close();
    await ua.close();
  }
}

async function setUp(config: ShardConfig, clock: Clock, logger: Logger): Promise<ShardResources> {
  const base = config.base;
  if (config.rtpPorts !== undefined) checkPortRangeFits(config.rtpPorts, config.plan.concurrencyCap);
  const scenario = loadScenario(config.scenarioFile);
  const prepared = await prepareScenario(scenario, config.speechCacheDir === undefined ? {} : { speech: { cacheDir: config.speechCacheDir } });
  // Every call of the scenario goes to the target's host and port (a scenario's `to` changes only the user part).
  const dest = await resolveTarget(base.target);
  const sipPort = config.sipPort ?? 0;
  const transport: SipTransport =
    scenario.transport === 'tcp'
      ? await createTcpTransport({ host: base.localHost, port: sipPort, clock, logger })
      : await createUdpTransport({
          host: base.localHost,
          port: sipPort,
          clock,
          logger,
          ...(config.sipSocketBufferBytes === undefined ? {} : { socketBufferBytes: config.sipSocketBufferBytes }),
        });
  const ua = new UserAgent({ transport, clock, timers: base.timers, logger, userAgent: config.userAgent ?? 'voiceload' });
  const ports = new RtpPortPool({ host: base.localHost, ...(config.rtpPorts === undefined ? {} : { range: config.rtpPorts }) });
  const recordings = config.record === undefined || config.outDir === undefined ? undefined : new RecordingSink(config.outDir, config.record);
  return { prepared, dest, ua, ports, ...(recordings === undefined ? {} : { recordings }) };
}

interface LaunchEnv {
  clock: Clock;
  toRunMs: (clockMs: number) => number;
  logger: Logger;
  emit: (ev: ShardEvent) => void;
  stop: AbortSignal;
}

/** One call of the shard: planned, run on the shared UA with a pooled RTP pair, reported. Never rejects. */
async function launchCall(config: ShardConfig, r: ShardResources, ctx: LaunchContext, env: LaunchEnv): Promise<void> {
  const { shard } = config;
  const { callNumber, intendedStartAtMs } = ctx;
  const startedAtMs = env.toRunMs(env.clock.nowMs());
  const callId = generateCallId(config.base.localHost);
  env.emit({ type: 'call_started', shard, callNumber, intendedStartAtMs, startedAtMs, callId });
  const signal = AbortSignal.any([ctx.signal, env.stop]);
  let planned: PlannedCall | undefined;
  let pair: UdpPortPair | undefined;
  try {
    // Each call's own stream from the run seed and its number: equal seeds and call numbers draw equal choices.
    const rng = createRng((config.seed ^ Math.imul(callNumber, 0x9e3779b1)) >>> 0);
    planned = planScenarioCall(r.prepared, config.base, { runId: config.runId, callNumber, rng, callId });
    if (config.testIdHeader === true && testIdOf(planned) === null) {
      planned = { ...planned, setup: { ...planned.setup, headers: [...planned.setup.headers, { name: 'X-Lk-Test-Id', value: `${config.runId}-${callNumber}` }] } };
    }
    pair = await r.ports.acquire();
    const recorder = r.recordings === undefined ? undefined : new AgentAudioRecorder();
    const result: CallResult = await runCallOn(r.ua, pair, r.dest, planned.setup, planned.steps, {
      clock: env.clock,
      logger: env.logger,
      signal,
      ...(r.scheduler === undefined ? {} : { mediaScheduler: r.scheduler }),
      ...(recorder === undefined ? {} : { onAgentFrame: (pcm: Int16Array, arrivalMs: number) => recorder.push(pcm, arrivalMs) }),
      ...(config.userAgent === undefined ? {} : { userAgent: config.userAgent }),
      onEvent: (ev) => {
        if (ev.type !== 'answered') return;
        const testId = planned === undefined ? null : testIdOf(planned);
        env.emit({ type: 'call_answered', shard, callNumber, atMs: env.toRunMs(ev.atMs), ...(testId === null ? {} : { testId }) });
      },
    });
    const record = toCallRecord(result, {
        callNumber,
        shard,
        intendedStartAtMs,
        startedAtMs,
        toRunMs: env.toRunMs,
        testId: testIdOf(planned),
        ...(planned.dataRow === undefined ? {} : { dataRow: planned.dataRow }),
    });
    if (recorder !== undefined && r.recordings !== undefined) {
      await r.recordings.callEnded({ callNumber, outcome: record.outcome, reason: record.reason, ttfaMs: record.ttfaMs }, () => recorder.samples()).catch((e: unknown) => {
        env.logger.warn('recording not written', { error: e instanceof Error ? e.message : String(e) });
      });
    }
    env.emit({ type: 'call_ended', record });
  } catch (e) {
    // The call never got going (no RTP pair left, a planning bug): it still ends in a record.
    env.emit({ type: 'call_ended', record: launchFailure(config, ctx, startedAtMs, env.toRunMs(env.clock.nowMs()), planned, e) });
  } finally {
    // runCallOn has closed the pair's sockets by now: its ports may go to the next call.
    if (pair !== undefined) r.ports.release(pair);
  }
}

/** The X-Lk-Test-Id the call carries to the agent (LiveKit's test id header), if the scenario sets one. */
function testIdOf(planned: PlannedCall): string | null {
  return planned.setup.headers.find((h) => h.name.toLowerCase() === 'x-lk-test-id')?.value ?? null;
}

function launchFailure(config: ShardConfig, ctx: LaunchContext, startedAtMs: number, endedAtMs: number, planned: PlannedCall | undefined, e: unknown): CallRecord {
  const code = isVoiceloadError(e) ? e.code : 'INTERNAL';
  const message = e instanceof Error ? e.message : String(e);
  return unmeasuredCallRecord({
    callNumber: ctx.callNumber,
    shard: config.shard,
    callId: planned?.setup.callId ?? '',
    testId: planned === undefined ? null : testIdOf(planned),
    reason: code === 'PORTS_EXHAUSTED' ? 'ports_exhausted' : 'internal',
    reasonText: message,
    intendedStartAtMs: ctx.intendedStartAtMs,
    startedAtMs,
    answeredAtMs: null,
    endedAtMs,
    ...(planned?.dataRow === undefined ? {} : { dataRow: planned.dataRow }),
    detail: { error: { code, message } },
  });
}


import { fileURLToPath } from 'node:url';
import { SystemClock, type Clock } from '../core/clock.js';
import { VoiceloadError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { createRng, forkRng, type Rng } from '../core/rng.js';
import { loadUtterance } from '../audio/index.js';
import { BatchedRtpIo } from '../media/batchedRtpIo.js';
import { MediaScheduler, type MediaSchedulerSnapshot } from '../media/mediaScheduler.js';
import { createTcpTransport, createUdpTransport, type SipTransport } from '../sip/transport/index.js';
import type { IncomingCall } from '../sip/ua/incomingCall.js';
import { UserAgent } from '../sip/ua/userAgent.js';
import { AgentCall, type AgentCallContext } from './agentCall.js';
import { AgentMetrics } from './agentMetrics.js';
import { ChannelLimiter } from './model/channelLimiter.js';
import { lognormalFromMedianP95, type LatencyDistribution } from './model/latencyDistribution.js';
import { StageResource } from './model/stageResource.js';
import { WorkerPool, type WorkerSlot } from './model/workerPool.js';
import { loadProfile, type AgentProfile } from './profile/profile.js';
import { createTruthFile, teeTruth, type TruthRecord, type TruthSink } from './truthLog.js';

export const AGENT_PASSWORD_ENV = 'VOICELOAD_AGENT_PASSWORD';

export interface AgentOptions {
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** SIP port; 0 picks a free one. Default 5060. */
  port?: number;
  transport?: 'udp' | 'tcp';
  /** A profile, a built-in profile name or a YAML file. Default 'healthy'. */
  profile?: AgentProfile | string;
  /** NDJSON truth file to append to. */
  truthPath?: string;
  /** Also (or instead) hand truth records to this sink. */
  truth?: TruthSink;
  /** Serve Prometheus metrics on this port (0 = any free one); absent: no HTTP server. */
  metricsPort?: number;
  /** Digest password when the profile asks for auth; default from VOICELOAD_AGENT_PASSWORD. */
  password?: string;
  clock?: Clock;
  logger?: Logger;
  /**
   * RTP through the native batched I/O when the addon is built (only with the real clock: arrival
   * times come from the kernel). Default true; false: one dgram call per packet.
   */
  batchedRtpIo?: boolean;
}

export interface AgentStats {
  activeCalls: number;
  offered: number;
  answered: number;
  rejected: Record<string, number>;
  cancelled: number;
  completed: number;
}

export interface RunningAgent {
  readonly host: string;
  readonly port: number;
  /** A SIP URI that reaches the agent, e.g. sip:agent@127.0.0.1:5060. */
  readonly uri: string;
  readonly profile: AgentProfile;
  readonly metricsPort: number | undefined;
  stats(): AgentStats;
  /**
   * The shared media clock's numbers: streams sending (members), packets, send pacing error and
   * event-loop lag percentiles since the start or the last reset. `reset: true` clears them after
   * reading (e.g. once a benchmark's calls are all up).
   */
  mediaStats(options?: { reset?: boolean }): MediaSchedulerSnapshot;
  /** Ends every call with BYE (or a final response), stops listening and flushes the truth file. */
  stop(): Promise<void>;
}

const AUDIO_DIR = fileURLToPath(new URL('../../audio-fixtures/', import.meta.url));

/**
 * Starts the simulated voice agent: a SIP endpoint that behaves like a LiveKit SIP trunk in front of
 * a LiveKit Agents worker pool, with modelled STT, LLM and TTS stages (see the profile).
 */
export async function startAgent(options: AgentOptions = {}): Promise<RunningAgent> {
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? silentLogger;
  const profile = typeof options.profile === 'object' ? options.profile : loadProfile(options.profile ?? 'healthy');
  const host = options.host ?? '127.0.0.1';
  const auth = profile.signalling.auth;
  const password = options.password ?? process.env[AGENT_PASSWORD_ENV];
  if (auth !== undefined && (password === undefined || password === '')) {
    throw new VoiceloadError('CONFIG', `profile ${profile.name} asks for digest auth but no password is set`, {
      hint: `set ${AGENT_PASSWORD_ENV} (the agent never takes passwords on the command line)`,
    });
  }
  const transport: SipTransport =
    options.transport === 'tcp'
      ? await createTcpTransport({ host, port: options.port ?? 5060, clock, logger })
      : await createUdpTransport({ host, port: options.port ?? 5060, clock, logger });
  const agent = new SimulatedAgent(clock, logger, profile, transport, auth === undefined ? undefined : { ...auth, password: password ?? '' }, options);
  try {
    await agent.init();
  } catch (e) {
    await agent.stop(); // e.g. the metrics port is taken: do not leave the SIP socket open
    throw e;
  }
  return agent;
}

class SimulatedAgent implements RunningAgent {
  readonly host: string;
  readonly port: number;
  readonly uri: string;
  metricsPort: number | undefined;
  private readonly ua: UserAgent;
  private readonly rng: Rng;
  private readonly trunk: ChannelLimiter;
  private readonly workers: WorkerPool;
  private readonly ctx: AgentCallContext;
  /** Answered calls, each with the function that ends its bookkeeping (idempotent). */
  private readonly calls = new Map<AgentCall, () => void>();
  private readonly pending = new Set<AbortController>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly counts: AgentStats = { activeCalls: 0, offered: 0, answered: 0, rejected: {}, cancelled: 0, completed: 0 };
  private metricsServer: { close(): Promise<void> } | undefined;
  private readonly metrics: AgentMetrics;
  private readonly dispatch: LatencyDistribution;
  private readonly join: LatencyDistribution;
  private stopping = false;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly profile: AgentProfile,
    transport: SipTransport,
    auth: { realm: string; username: string; password: string } | undefined,
    private readonly options: AgentOptions,
  ) {
    this.host = transport.local.host;
    this.port = transport.local.port;
    this.uri = `sip:agent@${this.host}:${this.port}${transport.protocol === 'tcp' ? ';transport=tcp' : ''}`;
    this.rng = createRng(profile.seed);
    this.ua = new UserAgent({
      transport,
      clock,
      logger,
      userAgent: 'voiceload-agent',
      ...(auth === undefined ? {} : { inviteAuth: { ...auth, proxy: true } }),
    });
    this.dispatch = lognormalFromMedianP95(profile.signalling.dispatchMs.median, profile.signalling.dispatchMs.p95);
    this.join = lognormalFromMedianP95(profile.signalling.joinMs.median, profile.signalling.joinMs.p95);
    this.trunk = new ChannelLimiter(profile.trunk.channels);
    this.workers = new WorkerPool({ clock, workers: profile.workers.count, jobsPerWorker: profile.workers.jobsPerWorker, maxWaitMs: profile.workers.slotWaitMs });
    const stage = (name: 'stt' | 'llm' | 'tts'): StageResource => {
      const s = profile.stages[name];
      return new StageResource({
        name,
        clock,
        rng: forkRng(this.rng), // each stage its own stream: a draw in one does not shift the others
        latency: lognormalFromMedianP95(s.latencyMs.median, s.latencyMs.p95),
        concurrency: s.concurrency,
        ...(s.queueLimit === undefined ? {} : { queueLimit: s.queueLimit }),
        ...(s.rateLimit === undefined ? {} : { rateLimit: { requests: s.rateLimit.requests, perMs: s.rateLimit.perSeconds * 1000, retryAfterMs: s.rateLimit.retryAfterMs } }),
      });
    };
    const stages = { stt: stage('stt'), llm: stage('llm'), tts: stage('tts') };
    this.metrics = new AgentMetrics({
      activeCalls: () => this.counts.activeCalls,
      busyWorkerSlots: () => this.workers.stats().busySlots,
      totalWorkerSlots: () => this.workers.stats().totalSlots,
      workersWaiting: () => this.workers.stats().waiting,
      trunkChannelsInUse: () => this.trunk.stats().active,
      stageQueueDepth: (s) => stages[s].stats().queued,
      stageActive: (s) => stages[s].stats().active,
    });
    const io = options.batchedRtpIo !== false && options.clock === undefined ? BatchedRtpIo.create({ clock, logger }) : undefined;
    const sinks: TruthSink[] = [];
    if (options.truthPath !== undefined) sinks.push(createTruthFile(options.truthPath));
    if (options.truth !== undefined) sinks.push(options.truth);
    this.ctx = {
      clock,
      logger,
      profile,
      stages,
      truth: teeTruth(...sinks),
      metrics: this.metrics,
      scheduler: new MediaScheduler({ clock, ...(io === undefined ? {} : { io }) }),
      localHost: this.host,
      audio: {
        greeting: loadUtterance(AUDIO_DIR + 'agent-greeting.wav'),
        replies: [loadUtterance(AUDIO_DIR + 'agent-reply-order.wav'), loadUtterance(AUDIO_DIR + 'agent-reply-goodbye.wav')],
      },
    };
    this.ua.onIncomingCall((call) => void this.offer(call));
  }

  async init(): Promise<void> {
    if (this.options.metricsPort !== undefined) {
      const served = await this.metrics.serve(this.host, this.options.metricsPort);
      this.metricsPort = served.port;
      this.metricsServer = served;
    }
    this.writeTruth({ type: 'agent_start', clockOriginEpochMs: performance.timeOrigin, profile: this.profile.name, listen: this.uri });
  }

  stats(): AgentStats {
    return { ...this.counts, rejected: { ...this.counts.rejected } };
  }

  mediaStats(options: { reset?: boolean } = {}): MediaSchedulerSnapshot {
    const scheduler = this.ctx.scheduler;
    if (scheduler === undefined) throw new VoiceloadError('INTERNAL', 'the agent has no media scheduler');
    const snapshot = scheduler.snapshot();
    if (options.reset === true) scheduler.resetStats();
    return snapshot;
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const p of this.pending) p.abort();
    await Promise.all(
      [...this.calls].map(async ([c, finish]) => {
        await c.hangUp().catch(() => undefined);
        finish();
      }),
    );
    await Promise.all([...this.inFlight]);
    this.ctx.scheduler?.stop();
    this.ctx.scheduler?.io?.close();
    await this.ua.close();
    await this.metricsServer?.close();
    await this.ctx.truth.close();
  }

  /** Work that must finish before the truth file is closed (a call's last records). */
  private track(work: Promise<void>): void {
    const guarded = work.catch((e: unknown) => this.logger.error('agent: ending a call failed', { error: String(e) }));
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
  }

  private writeTruth(r: TruthRecord): void {
    this.ctx.truth.write(r);
  }

  /** One INVITE, LiveKit-style: 100 at once, 180 every second while a worker is found and joins, then 200. */
  private async offer(call: IncomingCall): Promise<void> {
    this.counts.offered++;
    const inviteAtMs = call.receivedAtMs;
    const testId = call.header('X-Lk-Test-Id') ?? null;
    const record = (outcome: 'rejected' | 'cancelled', status: number, reason: string): void => {
      if (outcome === 'rejected') this.counts.rejected[String(status)] = (this.counts.rejected[String(status)] ?? 0) + 1;
      else this.counts.cancelled++;
      this.metrics.callEnded(outcome);
      this.writeTruth({
        type: 'call',
        callId: call.callId,
        testId,
        outcome,
        status,
        reason,
        inviteAtMs,
        answeredAtMs: null,
        ackAtMs: null,
        endedAtMs: this.clock.nowMs(),
        endedBy: outcome === 'cancelled' ? 'caller' : 'agent',
        workerIndex: null,
        workerWaitMs: null,
        codec: null,
        turns: 0,
        dtmf: '',
        rtpReceivedPackets: 0,
        rtpSentPackets: 0,
      });
    };
    if (this.stopping) {
      call.reject(503, 'Service Unavailable');
      record('rejected', 503, 'agent stopping');
      return;
    }
    call.trying();
    if (!this.trunk.tryAcquire()) {
      const status = this.profile.trunk.overflowStatus;
      call.reject(status, status === 486 ? 'Busy Here' : 'Service Unavailable');
      record('rejected', status, 'trunk channels exhausted');
      return;
    }
    this.counts.activeCalls++;
    // Until the answer, the caller's CANCEL or the agent's stop aborts the wait for a worker and the dispatch.
    const abort = new AbortController();
    this.pending.add(abort);
    const acquire = this.workers.acquire();
    abort.signal.addEventListener('abort', () => acquire.cancel(), { once: true });
    let slot: WorkerSlot | undefined;
    const release = (): void => {
      this.pending.delete(abort);
      slot?.release();
      slot = undefined;
      this.trunk.release();
      this.counts.activeCalls--;
    };
    call.setListener({ onCancel: () => abort.abort() });
    call.startRinging(this.profile.signalling.ringingIntervalMs);
    try {
      slot = await acquire.slot;
      // Dispatch, then join: the 200 OK only comes once the agent is in the room (METRICS.md).
      await clockDelay(this.clock, this.dispatch.sampleMs(this.rng) + this.join.sampleMs(this.rng), abort.signal);
    } catch (e) {
      release();
      if (abort.signal.aborted) {
        if (call.state !== 'ended') call.reject(503, 'Service Unavailable'); // the agent is stopping
        record('cancelled', 487, this.stopping ? 'agent stopping' : 'caller cancelled');
        return;
      }
      const status = this.profile.workers.rejectStatus;
      call.reject(status, status === 486 ? 'Busy Here' : 'Service Unavailable');
      record('rejected', status, e instanceof VoiceloadError ? e.message : 'no worker');
      return;
    }
    this.pending.delete(abort);
    const agentCall = new AgentCall(call, this.ctx);
    const workerIndex = slot.workerIndex;
    const workerWaitMs = slot.waitedMs;
    let ackAtMs: number | null = null;
    let endedBy: 'caller' | 'agent' | null = null;
    const finish = (): void => {
      if (!this.calls.delete(agentCall)) return;
      this.track(agentCall.close().then(() => {
        const rtp = agentCall.rtpCounts();
        release();
        this.counts.completed++;
        this.metrics.callEnded('completed');
        this.writeTruth({
          type: 'call',
          callId: call.callId,
          testId,
          outcome: 'completed',
          status: 200,
          reason: null,
          inviteAtMs,
          answeredAtMs: call.timeline.answeredAtMs ?? null,
          ackAtMs,
          endedAtMs: call.timeline.endedAtMs ?? this.clock.nowMs(),
          endedBy,
          workerIndex,
          workerWaitMs,
          codec: agentCall.codec,
          turns: agentCall.turnCount,
          dtmf: agentCall.dtmfDigits,
          rtpReceivedPackets: rtp.received,
          rtpSentPackets: rtp.sent,
        });
      }));
    };
    call.setListener({
      onAck: (at) => {
        ackAtMs = at;
      },
      onRemoteBye: () => {
        endedBy = 'caller';
        finish();
      },
      onAckTimeout: () => {
        endedBy = 'agent';
        void agentCall.hangUp().then(finish);
      },
      onEnded: (_at, by) => {
        endedBy ??= by === 'remote' || by === 'cancel' ? 'caller' : 'agent';
        finish();
      },
      answerOffer: (offer) => agentCall.answerOffer(offer),
    });
    this.calls.set(agentCall, finish);
    const answered = await agentCall.answer();
    if (!answered) {
      this.calls.delete(agentCall);
      release();
      record('rejected', 488, 'unusable SDP offer');
      return;
    }
    this.counts.answered++;
  }
}

/** Waits `ms` on the clock; rejects at once when `signal` aborts. */
function clockDelay(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const timer = clock.setTimer(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    const onAbort = (): void => {
      timer.cancel();
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Utterance } from '../audio/index.js';
import { codecFor } from '../media/g711.js';
import type { MediaScheduler } from '../media/mediaScheduler.js';
import { RtpSession } from '../media/rtpSession.js';
import { MIN_LEVEL_DBFS, SPEECH_DETECTOR_DEFAULTS, SpeechDetector, type SpeechEvent } from '../media/speechDetector.js';
import { bindRtpPortPair, closeRtpPortPair } from '../media/udpPortPair.js';
import { buildAnswer, type NegotiatedAudio } from '../sdp/index.js';
import type { IncomingCall } from '../sip/ua/incomingCall.js';
import type { AgentMetrics } from './agentMetrics.js';
import type { StageRequest, StageResource, StageTiming } from './model/stageResource.js';
import type { AgentProfile } from './profile/profile.js';
import type { StageTimes, TruthRecord, TruthSink } from './truthLog.js';

/** What every call of one agent shares. */
export interface AgentCallContext {
  clock: Clock;
  logger: Logger;
  profile: AgentProfile;
  stages: { stt: StageResource; llm: StageResource; tts: StageResource };
  truth: TruthSink;
  metrics?: AgentMetrics;
  scheduler?: MediaScheduler;
  localHost: string;
  audio: { greeting: Utterance; replies: Utterance[] };
}

type TurnRecord = Extract<TruthRecord, { type: 'turn' }>;

/** A caller turn as it happens: the truth record's times, filled in step by step, plus the live state. */
interface Turn
  extends Pick<
    TurnRecord,
    | 'index'
    | 'callerSpeechStartAtMs'
    | 'callerSpeechEndAtMs'
    | 'endOfUtteranceAtMs'
    | 'sttDoneAtMs'
    | 'llmFirstTokenAtMs'
    | 'ttsFirstByteAtMs'
    | 'firstReplyPacketSentAtMs'
    | 'replySpeechStartSentAtMs'
    | 'stt'
    | 'llm'
    | 'tts'
    | 'bargeIn'
  > {
  reply: Utterance | null;
  pending: StageRequest | null;
  written: boolean;
}

const FRAME_MS = 20;
const RTP_TIMEOUT_CHECK_MS = 1000;
const DTMF_DIGITS = '0123456789*#ABCD';

/**
 * The agent's side of one answered call: continuous RTP, the greeting, and per caller turn the
 * endpointing → STT → LLM → TTS pipeline over shared stage resources, barge-in, DTMF, the RTP
 * timeout, and the truth records of what it did and when.
 */
export class AgentCall {
  readonly callId: string;
  readonly testId: string | null;
  private media: RtpSession | undefined;
  private negotiated: NegotiatedAudio | undefined;
  private readonly detector: SpeechDetector;
  private turns: Turn[] = [];
  private callerSpeechStartAtMs: number | null = null;
  /** Recent caller frames: arrival time and whether a sample reached the speech threshold's amplitude. */
  private readonly recentAtMs: Float64Array;
  private readonly recentLoud: Uint8Array;
  private recentCount = 0;
  /** The utterance being played (greeting or a reply), if any. */
  private speaking: { id: string; startedAtMs: number | null } | null = null;
  private bargeInTimer: TimerHandle | undefined;
  private rtpTimer: TimerHandle | undefined;
  private greetingRequest: StageRequest | null = null;
  private greetingAnsweredAtMs = 0;
  private greetingTts: StageTimes | null = null;
  private greetingFirstPacketSentAtMs: number | null = null;
  private dtmf = '';
  private readonly sdpSessionId = Math.floor(Date.now() / 1000);
  private sdpVersion = 1;
  private ended = false;

  constructor(
    private readonly call: IncomingCall,
    private readonly ctx: AgentCallContext,
  ) {
    this.callId = call.callId;
    this.testId = call.header('X-Lk-Test-Id') ?? null;
    this.detector = new SpeechDetector({ sampleRate: 8000, endSilenceMs: ctx.profile.conversation.endpointingMs });
    // Enough frames to look back over the endpointing silence to the last speech frame.
    const recentFrames = Math.ceil(ctx.profile.conversation.endpointingMs / FRAME_MS) + 8;
    this.recentAtMs = new Float64Array(recentFrames);
    this.recentLoud = new Uint8Array(recentFrames);
  }

  get codec(): string | null {
    return this.negotiated?.codec.name ?? null;
  }

  rtpCounts(): { received: number; sent: number } {
    const s = this.media?.stats();
    return { received: s?.receivedPackets ?? 0, sent: s?.sentPackets ?? 0 };
  }

  get dtmfDigits(): string {
    return this.dtmf;
  }

  get turnCount(): number {
    return this.turns.length;
  }

  /**
   * Binds RTP, answers the offer with 200 OK and starts streaming (silence until there is something
   * to say). Returns false, having rejected the call with 488, when the offer is unusable.
   */
  async answer(): Promise<boolean> {
    const pair = await bindRtpPortPair({ host: this.ctx.localHost });
    let answer;
    try {
      answer = buildAnswer(this.call.invite.body.toString('utf8'), {
        connectionHost: this.ctx.localHost,
        audioPort: pair.rtpPort,
        sessionId: this.sdpSessionId,
        sessionVersion: this.sdpVersion,
      });
    } catch (e) {
      await closeRtpPortPair(pair);
      this.call.reject(488, 'Not Acceptable Here');
      this.ctx.logger.debug('agent: unusable offer', { callId: this.callId, error: e instanceof Error ? e.message : String(e) });
      return false;
    }
    if (this.call.state === 'ended') {
      await closeRtpPortPair(pair); // cancelled while we were binding
      return false;
    }
    const n = answer.negotiated;
    this.negotiated = n;
    const media = RtpSession.attach(pair, {
      clock: this.ctx.clock,
      codec: codecFor(n.codec.name),
      logger: this.ctx.logger,
      ...(this.ctx.scheduler === undefined ? {} : { scheduler: this.ctx.scheduler }),
    });
    this.media = media;
    media.setRemote({ host: n.connectionHost, port: n.audioPort, ...(n.rtcpPort === undefined ? {} : { rtcpPort: n.rtcpPort }) });
    if (n.telephoneEventPayloadType !== undefined) media.setTelephoneEventPayloadType(n.telephoneEventPayloadType);
    media.onFrame((pcm, arrivalMs) => this.onCallerFrame(pcm, arrivalMs));
    media.onUtteranceStarted((ev) => this.onUtteranceStarted(ev.id, ev.startedAtMs));
    media.onSpeechStarted((ev) => this.onSpeechStarted(ev.id, ev.speechStartSentAtMs));
    media.onUtteranceSent((ev) => this.onUtteranceSent(ev.id));
    media.onTelephoneEvent((ev) => {
      if (ev.end) this.dtmf += DTMF_DIGITS[ev.event] ?? '?';
    });
    this.call.answer(Buffer.from(answer.sdp));
    media.start();
    this.greetingAnsweredAtMs = this.call.timeline.answeredAtMs ?? this.ctx.clock.nowMs();
    this.rtpTimer = this.ctx.clock.setTimer(RTP_TIMEOUT_CHECK_MS, () => this.checkRtpTimeout());
    if (this.ctx.profile.conversation.greeting) this.startGreeting();
    return true;
  }

  /**
   * A re-INVITE's offer (hold, refresh, moved media): answer with the codec already in use and follow
   * the caller's media if it moved. Undefined (488) when the offer does not include that codec.
   */
  answerOffer(offer: Buffer): Buffer | undefined {
    const current = this.negotiated;
    if (current === undefined || this.media === undefined) return undefined;
    try {
      const answer = buildAnswer(offer.toString('utf8'), {
        codecs: [current.codec.name],
        connectionHost: this.ctx.localHost,
        audioPort: this.media.localPort,
        sessionId: this.sdpSessionId,
        sessionVersion: ++this.sdpVersion,
      });
      const n = answer.negotiated;
      // c=0.0.0.0 is RFC 2543 hold: keep sending where we were.
      if (n.connectionHost !== '0.0.0.0') this.media.setRemote({ host: n.connectionHost, port: n.audioPort, ...(n.rtcpPort === undefined ? {} : { rtcpPort: n.rtcpPort }) });
      return Buffer.from(answer.sdp);
    } catch (e) {
      this.ctx.logger.debug('agent: re-INVITE offer refused', { callId: this.callId, error: e instanceof Error ? e.message : String(e) });
      return undefined;
    }
  }

  /** Ends the call from the agent's side (BYE) and releases its media. */
  async hangUp(): Promise<void> {
    if (this.call.state !== 'ended') await this.call.hangUp();
    await this.close();
  }

  /** Releases media and timers and writes the pending turn records; idempotent. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.rtpTimer?.cancel();
    this.bargeInTimer?.cancel();
    this.greetingRequest?.cancel();
    for (const t of this.turns) {
      t.pending?.cancel();
      // A reply cut short by the hangup still started: its TTFA counts.
      this.writeTurn(t, t.bargeIn !== null ? 'barged_in' : t.firstReplyPacketSentAtMs !== null ? 'replied' : 'abandoned');
    }
    await this.media?.close();
  }

  private startGreeting(): void {
    const req = this.ctx.stages.tts.request();
    this.greetingRequest = req;
    req.done.then(
      (timing) => {
        this.greetingRequest = null;
        this.greetingTts = this.stageDone(timing);
        this.say('greeting', this.ctx.audio.greeting);
      },
      () => {
        this.greetingRequest = null;
      },
    );
  }

  private say(id: string, utterance: Utterance): void {
    if (this.ended || this.media === undefined) return;
    this.speaking = { id, startedAtMs: null };
    this.media.queueUtterance({ id, pcm: utterance.pcm8k, speechStartSample: utterance.speechStartSample, speechEndSample: utterance.speechEndSample });
  }

  private onUtteranceStarted(id: string, startedAtMs: number): void {
    if (this.speaking?.id === id) this.speaking.startedAtMs = startedAtMs;
    if (id === 'greeting') {
      this.greetingFirstPacketSentAtMs = startedAtMs;
      return;
    }
    const turn = this.turns[Number(id)];
    if (turn === undefined || turn.reply === null) return;
    turn.firstReplyPacketSentAtMs = startedAtMs;
  }

  /**
   * The packet with the first speech sample went out: its actual send time (after any catch-up of a
   * stalled media clock, when packets leave in a burst) is the truth of when the agent started speaking.
   */
  private onSpeechStarted(id: string, speechStart: number): void {
    if (id === 'greeting') {
      const startedAtMs = this.greetingFirstPacketSentAtMs ?? speechStart;
      this.ctx.truth.write({
        type: 'greeting',
        callId: this.callId,
        testId: this.testId,
        answeredAtMs: this.greetingAnsweredAtMs,
        tts: this.greetingTts ?? { queueWaitMs: 0, serviceMs: 0, rateLimitedRetries: 0 },
        firstPacketSentAtMs: startedAtMs,
        speechStartSentAtMs: speechStart,
        ttfaMs: speechStart - this.greetingAnsweredAtMs,
      });
      return;
    }
    const turn = this.turns[Number(id)];
    if (turn === undefined || turn.reply === null) return;
    turn.replySpeechStartSentAtMs = speechStart;
  }

  private onUtteranceSent(id: string): void {
    if (this.speaking?.id === id) this.speaking = null;
    const turn = this.turns[Number(id)];
    if (id !== 'greeting' && turn !== undefined) this.writeTurn(turn, 'replied');
  }

  private onCallerFrame(pcm: Int16Array, arrivalMs: number): void {
    const cpuUs = this.ctx.profile.workers.cpuPerFrameUs;
    if (cpuUs > 0) burnCpu(cpuUs);
    const slot = this.recentCount++ % this.recentAtMs.length;
    this.recentAtMs[slot] = arrivalMs;
    this.recentLoud[slot] = peakAbove(pcm, this.thresholdAmplitude()) ? 1 : 0;
    const ev: SpeechEvent | undefined = this.detector.push(pcm, arrivalMs);
    if (ev === undefined) return;
    if (ev.type === 'onset') this.onCallerOnset(ev.atMs);
    else this.onEndOfUtterance(ev.onsetAtMs, ev.atMs);
  }

  private onCallerOnset(atMs: number): void {
    this.callerSpeechStartAtMs = atMs;
    const speaking = this.speaking;
    if (speaking === null || this.bargeInTimer !== undefined) return;
    // Barge-in: the caller talks over the agent, which stops bargeInStopMs after the caller's speech
    // began (METRICS barge_in_stop_ms), detection time included.
    const delayMs = atMs + this.ctx.profile.conversation.bargeInStopMs - this.ctx.clock.nowMs();
    this.bargeInTimer = this.ctx.clock.setTimer(delayMs, () => {
      this.bargeInTimer = undefined;
      if (this.speaking !== speaking) return;
      this.media?.stopUtterance();
      this.speaking = null;
      const turn = this.turns[Number(speaking.id)];
      if (turn !== undefined) {
        turn.bargeIn = { callerSpeechAtMs: atMs, replyStoppedAtMs: this.ctx.clock.nowMs() };
        this.writeTurn(turn, 'barged_in');
      }
    });
  }

  private onEndOfUtterance(onsetAtMs: number, speechEndAtMs: number): void {
    const now = this.ctx.clock.nowMs();
    // A newer utterance supersedes a reply still being prepared (the caller kept talking).
    for (const t of this.turns) {
      if (t.pending !== null) {
        t.pending.cancel();
        t.pending = null;
        this.writeTurn(t, 'abandoned');
      }
    }
    // The detector's speech end is the end of the last frame loud enough on average; that packet arrived a
    // frame earlier. As the fixtures' speech bounds do (findSpeechBounds), a quieter next frame that still
    // holds a sample at the threshold's amplitude carries the last speech sample.
    const callerSpeechEndAtMs = this.lastSpeechSampleArrival(speechEndAtMs - FRAME_MS);
    const turn: Turn = {
      index: this.turns.length,
      callerSpeechStartAtMs: this.callerSpeechStartAtMs ?? onsetAtMs,
      callerSpeechEndAtMs,
      endOfUtteranceAtMs: now,
      sttDoneAtMs: null,
      llmFirstTokenAtMs: null,
      ttsFirstByteAtMs: null,
      firstReplyPacketSentAtMs: null,
      replySpeechStartSentAtMs: null,
      stt: null,
      llm: null,
      tts: null,
      reply: null,
      bargeIn: null,
      pending: null,
      written: false,
    };
    this.turns.push(turn);
    this.callerSpeechStartAtMs = null;
    void this.runPipeline(turn);
  }

  private async runPipeline(turn: Turn): Promise<void> {
    const { stt, llm, tts } = this.ctx.stages;
    try {
      const s = await this.step(turn, stt);
      turn.stt = s.times;
      turn.sttDoneAtMs = s.doneAtMs;
      const l = await this.step(turn, llm);
      turn.llm = l.times;
      turn.llmFirstTokenAtMs = l.doneAtMs;
      const t = await this.step(turn, tts);
      turn.tts = t.times;
      turn.ttsFirstByteAtMs = t.doneAtMs;
    } catch {
      return; // cancelled: superseded by a newer utterance, or the call ended
    }
    const replies = this.ctx.audio.replies;
    turn.reply = replies[turn.index % replies.length] ?? this.ctx.audio.greeting;
    if (this.speaking !== null) this.media?.stopUtterance(); // never talk over ourselves
    this.say(String(turn.index), turn.reply);
  }

  private async step(turn: Turn, stage: StageResource): Promise<{ times: StageTimes; doneAtMs: number }> {
    const req = stage.request();
    turn.pending = req;
    const timing = await req.done;
    turn.pending = null;
    return { times: this.stageDone(timing), doneAtMs: timing.doneAtMs };
  }

  private stageDone(timing: StageTiming): StageTimes {
    this.ctx.metrics?.stageDone(timing.stage, timing.queueWaitMs, timing.serviceMs);
    return { queueWaitMs: timing.queueWaitMs, serviceMs: timing.serviceMs, rateLimitedRetries: timing.rateLimitedRetries };
  }

  private writeTurn(turn: Turn, outcome: 'replied' | 'barged_in' | 'abandoned'): void {
    if (turn.written) return;
    turn.written = true;
    const speechStart = turn.replySpeechStartSentAtMs;
    const ttfaMs = speechStart === null ? null : speechStart - turn.callerSpeechEndAtMs;
    if (ttfaMs !== null) this.ctx.metrics?.turnAnswered(ttfaMs);
    this.ctx.truth.write({
      type: 'turn',
      callId: this.callId,
      testId: this.testId,
      index: turn.index,
      callerSpeechStartAtMs: turn.callerSpeechStartAtMs,
      callerSpeechEndAtMs: turn.callerSpeechEndAtMs,
      endOfUtteranceAtMs: turn.endOfUtteranceAtMs,
      sttDoneAtMs: turn.sttDoneAtMs,
      llmFirstTokenAtMs: turn.llmFirstTokenAtMs,
      ttsFirstByteAtMs: turn.ttsFirstByteAtMs,
      firstReplyPacketSentAtMs: turn.firstReplyPacketSentAtMs,
      replySpeechStartSentAtMs: speechStart,
      ttfaMs,
      stt: turn.stt,
      llm: turn.llm,
      tts: turn.tts,
      bargeIn: turn.bargeIn,
      outcome,
    });
  }

  private checkRtpTimeout(): void {
    if (this.ended) return;
    const last = this.media?.stats().lastReceivedAtMs ?? this.greetingAnsweredAtMs;
    const silentMs = this.ctx.clock.nowMs() - (last ?? this.greetingAnsweredAtMs);
    if (silentMs >= this.ctx.profile.conversation.rtpTimeoutMs) {
      this.ctx.logger.info('agent: no caller RTP, hanging up', { callId: this.callId, silentMs: Math.round(silentMs) });
      void this.hangUp();
      return;
    }
    this.rtpTimer = this.ctx.clock.setTimer(RTP_TIMEOUT_CHECK_MS, () => this.checkRtpTimeout());
  }

  /** The frame after the last speech frame, if it still holds a loud sample, else the last speech frame. */
  private lastSpeechSampleArrival(lastSpeechPacketAtMs: number): number {
    const size = this.recentAtMs.length;
    const n = Math.min(this.recentCount, size);
    for (let back = 1; back < n; back++) {
      const i = (this.recentCount - 1 - back) % size;
      if (this.recentAtMs[i] !== lastSpeechPacketAtMs) continue;
      const next = (i + 1) % size;
      return this.recentLoud[next] === 1 ? this.recentAtMs[next]! : lastSpeechPacketAtMs;
    }
    return lastSpeechPacketAtMs;
  }

  /** Sample magnitude of the detector's current speech threshold (max of floor + margin and the absolute level). */
  private thresholdAmplitude(): number {
    const floor = this.detector.noiseFloorDbfs ?? MIN_LEVEL_DBFS;
    const thresholdDbfs = Math.max(SPEECH_DETECTOR_DEFAULTS.absoluteThresholdDbfs, floor + SPEECH_DETECTOR_DEFAULTS.marginDb);
    return 32768 * Math.pow(10, thresholdDbfs / 20);
  }
}

function peakAbove(pcm: Int16Array, amplitude: number): boolean {
  for (let i = 0; i < pcm.length; i++) {
    const v = pcm[i]!;
    if (v >= amplitude || -v >= amplitude) return true;
  }
  return false;
}

/** Simulated per-frame work of an agent worker (VAD, resampling, ...): real CPU, so saturation is real. */
function burnCpu(us: number): void {
  const until = performance.now() + us / 1000;
  while (performance.now() < until) {
    // spin
  }
}

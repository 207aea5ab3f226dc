import type { Clock, TimerHandle } from '../core/clock.js';
import { codecFor } from '../media/g711.js';
import { RtpSession } from '../media/rtpSession.js';
import { SpeechDetector, type SpeechEvent } from '../media/speechDetector.js';
import type { UdpPortPair } from '../media/udpPortPair.js';
import { buildAnswer, buildOffer, parseAnswer, type NegotiatedAudio } from '../sdp/index.js';
import type { SipEndpoint } from '../sip/transport/index.js';
import type { InviteFailure, OutgoingCall } from '../sip/ua/outgoingCall.js';
import type { UserAgent } from '../sip/ua/userAgent.js';
import type { CallSetup } from './callConfig.js';
import type { CallEventListener } from './callEvents.js';
import { stepNeedsAgent, type PlannedStep } from './callPlan.js';
import { buildCallResult, type TurnState } from './buildCallResult.js';
import type { CallResult, FailureReason } from './callResult.js';
import type { RunCallOptions } from './runCall.js';

type Phase = 'setup' | 'running' | 'hanging_up' | 'done';

/** What the current step waits for. */
type Waiting =
  | 'nothing'
  | 'greeting_onset'
  | 'greeting_end'
  | 'barge_delay'
  | 'barge_speech'
  | 'utterance'
  | 'reply_onset'
  | 'reply_end'
  | 'silence'
  | 'dtmf'
  | 'remote_hangup';

/** How often the runner checks for silence when the far end stops sending RTP altogether. */
const IDLE_CHECK_MS = 50;
/** G.711 samples per millisecond. */
const SAMPLES_PER_MS = 8;
/** The agent counts as speaking when its latest speech frame ended at most this long ago (a packet and some jitter). */
const BARGE_IN_SPEAKING_MS = 30;

/**
 * One call, as a small state machine over SIP and media events executing a plan of steps: wait for
 * the greeting, say utterances and time each reply, barge in, pause, press keys, hang up or wait for
 * the agent to. It never throws: every ending, including an abort, becomes the CallResult of
 * {@link CallRunner.run}.
 */
export class CallRunner {
  private readonly clock: Clock;
  private readonly detector: SpeechDetector;
  private phase: Phase = 'setup';
  private waiting: Waiting = 'nothing';
  private readonly sdpSessionId = Math.floor(Date.now() / 1000);
  /** Created from the bound ports once the answer names the codec. */
  media: RtpSession | undefined;
  private call: OutgoingCall | undefined;
  private negotiated: NegotiatedAudio | undefined;
  private failure: { reason: FailureReason; text: string } | undefined;
  private failedStep: number | undefined;
  private endedBy: 'local' | 'remote' | null = null;
  private firstRtpAtMs: number | undefined;
  private greetingOnsetAtMs: number | null = null;
  private greetingOffsetAtMs: number | null = null;
  private stepIndex = -1;
  private stepsCompleted = 0;
  private readonly turns: TurnState[];
  /** Turn of each step (undefined for steps that say nothing). */
  private readonly turnOfStep: (TurnState | undefined)[];
  private phaseTimer: TimerHandle | undefined;
  private mediaTimer: TimerHandle | undefined;
  private idleTimer: TimerHandle | undefined;
  private sdpVersion = 1;
  private finished!: () => void;
  private readonly done = new Promise<void>((resolve) => {
    this.finished = resolve;
  });

  constructor(
    private readonly setup: CallSetup,
    private readonly steps: readonly PlannedStep[],
    private readonly options: RunCallOptions,
    private readonly ua: UserAgent,
    private readonly ports: UdpPortPair,
    private readonly dest: SipEndpoint,
  ) {
    this.clock = options.clock;
    this.detector = new SpeechDetector({ sampleRate: 8000, minSpeechMs: setup.minSpeechMs, endSilenceMs: setup.replyEndSilenceMs });
    this.turns = [];
    this.turnOfStep = steps.map((step, stepIndex) => {
      if (step.kind !== 'say' && step.kind !== 'barge_in') return undefined;
      const prev = steps[stepIndex - 1];
      const turn: TurnState = {
        step,
        stepIndex,
        index: this.turns.length,
        speechStartSentAtMs: null,
        speechEndSentAtMs: null,
        onsetAtMs: null,
        offsetAtMs: null,
        played: false,
        interruptedReplyEndAtMs: null,
        ...(step.kind === 'barge_in' ? { interrupts: prev?.kind === 'wait_greeting' ? 'greeting' : this.turns.length - 1 } : {}),
      };
      this.turns.push(turn);
      return turn;
    });
  }

  async run(): Promise<CallResult> {
    const signal = this.options.signal;
    const onAbort = (): void => this.fail('aborted', 'stopped by the user before the call finished');
    if (signal?.aborted === true) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.phase !== 'done') this.start();
      await this.done;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return this.result();
  }

  private start(): void {
    const c = this.setup;
    const sdp = buildOffer({
      sessionId: this.sdpSessionId,
      sessionVersion: this.sdpVersion,
      originHost: c.localHost,
      connectionHost: c.localHost,
      audioPort: this.ports.rtpPort,
      codecs: c.codecs,
      telephoneEvent: c.telephoneEvent,
      ptimeMs: 20,
    });
    this.call = this.ua.placeCall(
      {
        target: c.target,
        dest: this.dest,
        fromUser: c.fromUser,
        sdpOffer: Buffer.from(sdp),
        extraHeaders: c.headers,
        ringTimeoutMs: c.ringTimeoutMs,
        answerOffer: (offer) => this.answerReInvite(offer),
        ...(c.callId === undefined ? {} : { callId: c.callId }),
        ...(c.auth === undefined ? {} : { credentials: c.auth }),
      },
      {
        onTrying: (at) => this.emit({ type: 'provisional', atMs: at, status: 100 }),
        onRinging: (res, at) => this.emit({ type: 'provisional', atMs: at, status: res.status }),
        onAnswered: (res, at) => this.onAnswered(res.body, at),
        onFailed: (f, at) => this.onInviteFailed(f, at),
        onRemoteBye: (at) => this.onRemoteBye(at),
        onHungUp: () => this.finish(),
      },
    );
    this.emit({ type: 'invite_sent', atMs: this.call.timeline.inviteSentAtMs ?? this.clock.nowMs(), target: c.target });
  }

  private onAnswered(body: Buffer, atMs: number): void {
    if (this.phase !== 'setup') return;
    try {
      this.negotiated = parseAnswer(body.toString('utf8'), this.setup.codecs);
    } catch (e) {
      this.fail('sdp_mismatch', `the answer's SDP is unusable: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const n = this.negotiated;
    const media = RtpSession.attach(this.ports, {
      clock: this.clock,
      codec: codecFor(n.codec.name),
      ...(this.options.logger === undefined ? {} : { logger: this.options.logger }),
      ...(this.options.mediaScheduler === undefined ? {} : { scheduler: this.options.mediaScheduler }),
    });
    this.media = media;
    media.setTelephoneEventPayloadType(n.telephoneEventPayloadType);
    media.onFrame((pcm, arrivalMs) => this.onAgentFrame(pcm, arrivalMs));
    media.onSpeechStarted((ev) => this.onSpeechStarted(ev.id, ev.speechStartSentAtMs));
    media.onUtteranceSent((ev) => this.onUtteranceSent(ev.id, ev.speechEndSentAtMs));
    try {
      media.setRemote({ host: n.connectionHost, port: n.audioPort, ...(n.rtcpPort === undefined ? {} : { rtcpPort: n.rtcpPort }) });
    } catch (e) {
      this.fail('sdp_mismatch', `the answer's media address is unusable: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    media.start();
    this.phase = 'running';
    this.emit({ type: 'answered', atMs, codec: n.codec.name });
    this.idleTimer = this.clock.setTimer(IDLE_CHECK_MS, () => this.checkIdle());
    this.mediaTimer = this.clock.setTimer(this.setup.mediaTimeoutMs, () => this.checkMediaTimeout());
    this.nextStep();
  }

  /** A re-INVITE's offer: answer with the codec already in use, and follow the far end if its media moved. */
  private answerReInvite(offer: Buffer): Buffer | undefined {
    const codec = this.negotiated?.codec.name;
    if (codec === undefined || this.media === undefined) return undefined;
    try {
      const answer = buildAnswer(offer.toString('utf8'), {
        codecs: [codec],
        connectionHost: this.setup.localHost,
        audioPort: this.ports.rtpPort,
        sessionId: this.sdpSessionId,
        sessionVersion: ++this.sdpVersion,
        telephoneEvent: this.setup.telephoneEvent,
      });
      const n = answer.negotiated;
      // c=0.0.0.0 is RFC 2543 hold: keep sending where we were.
      if (n.connectionHost !== '0.0.0.0') this.media.setRemote({ host: n.connectionHost, port: n.audioPort, ...(n.rtcpPort === undefined ? {} : { rtcpPort: n.rtcpPort }) });
      return Buffer.from(answer.sdp);
    } catch (e) {
      this.options.logger?.warn('re-INVITE offer refused', { error: e instanceof Error ? e.message : String(e) });
      return undefined;
    }
  }

  // ---- steps ---------------------------------------------------------------------------------

  private nextStep(): void {
    if (this.phase !== 'running') return;
    this.phaseTimer?.cancel();
    if (this.stepIndex >= 0) this.stepsCompleted = this.stepIndex + 1;
    this.stepIndex++;
    const step = this.steps[this.stepIndex];
    if (step === undefined) {
      this.hangUp();
      return;
    }
    switch (step.kind) {
      case 'wait_greeting':
        this.waiting = 'greeting_onset';
        this.setPhaseTimer(step.timeoutMs, () => {
          if (this.receivedPackets() === 0) this.fail('media_timeout', `no RTP from the agent within ${step.timeoutMs} ms of the answer`);
          else this.fail('no_greeting', `the agent did not start speaking within ${step.timeoutMs} ms of the answer`);
        });
        return;
      case 'say':
        this.detector.reset();
        this.play(this.stepIndex);
        return;
      case 'barge_in': {
        const target = this.interruptedOnsetAtMs(this.stepIndex);
        const delayMs = target === null ? 0 : target + step.afterMs - this.clock.nowMs();
        this.waiting = 'barge_delay';
        this.setPhaseTimer(Math.max(0, delayMs), () => this.bargeInWhenAgentSpeaks());
        return;
      }
      case 'silence':
        this.waiting = 'silence';
        if (step.durationMs <= 0) this.nextStep();
        else this.setPhaseTimer(step.durationMs, () => this.nextStep());
        return;
      case 'dtmf':
        this.sendDtmf(step.digits, step.durationMs, step.gapMs);
        return;
      case 'hangup':
        this.stepsCompleted = this.stepIndex + 1;
        this.hangUp();
        return;
      case 'wait_hangup':
        this.waiting = 'remote_hangup';
        this.setPhaseTimer(step.timeoutMs, () => this.fail('no_remote_hangup', `the agent did not hang up within ${step.timeoutMs} ms`));
        return;
    }
  }

  /** The onset of the reply a barge-in interrupts (the greeting or the previous turn's reply). */
  private interruptedOnsetAtMs(stepIndex: number): number | null {
    const turn = this.turnOfStep[stepIndex];
    if (turn?.interrupts === undefined) return null;
    if (turn.interrupts === 'greeting') return this.greetingOnsetAtMs;
    return this.turns[turn.interrupts]?.onsetAtMs ?? null;
  }

  /**
   * A barge-in talks over the agent's words: when `after` falls in a pause between them, the caller
   * starts at the agent's next speech frame (else barge_in_stop_ms would time a pause, not the agent
   * stopping). When the reply it meant to interrupt has already ended, it starts at once.
   */
  private bargeInWhenAgentSpeaks(): void {
    const speechEnd = this.detector.lastSpeechFrameEndMs;
    if (speechEnd === undefined || this.clock.nowMs() - speechEnd <= BARGE_IN_SPEAKING_MS) this.play(this.stepIndex);
    else this.waiting = 'barge_speech';
  }

  private play(stepIndex: number): void {
    const turn = this.turnOfStep[stepIndex];
    if (turn === undefined || this.phase !== 'running') return;
    turn.played = true;
    this.waiting = 'utterance';
    const { audio, encoded } = turn.step.utterance;
    this.media?.queueUtterance({ id: String(turn.index), pcm: audio.pcm8k, speechStartSample: audio.speechStartSample, speechEndSample: audio.speechEndSample, encoded });
  }

  private sendDtmf(digits: string, durationMs: number, gapMs: number): void {
    const media = this.media;
    if (media === undefined) return;
    this.waiting = 'dtmf';
    const index = this.stepIndex;
    media.sendDtmf(digits, { durationMs, gapMs }).then(
      () => {
        if (this.stepIndex === index && this.waiting === 'dtmf') this.nextStep();
      },
      (e: unknown) => {
        // A session closed under the keys (the call already ended) is not the keys' failure.
        if (this.phase === 'running' && this.stepIndex === index) this.fail('dtmf_failed', `could not send DTMF "${digits}": ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  /** The one timer of the current step; setting it replaces the last. */
  private setPhaseTimer(ms: number, fn: () => void): void {
    this.phaseTimer?.cancel();
    this.phaseTimer = this.clock.setTimer(ms, fn);
  }

  private currentTurn(): TurnState | undefined {
    return this.turnOfStep[this.stepIndex];
  }

  /** After a reply began: a barge-in next interrupts it now; otherwise the reply is heard to its end. */
  private afterReplyOnset(): void {
    this.phaseTimer?.cancel();
    if (this.steps[this.stepIndex + 1]?.kind === 'barge_in') this.nextStep();
    else this.waiting = this.waiting === 'greeting_onset' ? 'greeting_end' : 'reply_end';
  }

  // ---- media ---------------------------------------------------------------------------------

  private receivedPackets(): number {
    return this.media?.stats().receivedPackets ?? 0;
  }

  private checkMediaTimeout(): void {
    if (this.phase !== 'running') return;
    if (this.receivedPackets() === 0) {
      this.fail('media_timeout', `no RTP from the agent within ${this.setup.mediaTimeoutMs} ms of the answer`);
    }
  }

  private onAgentFrame(pcm: Int16Array, arrivalMs: number): void {
    this.firstRtpAtMs ??= arrivalMs;
    this.options.onAgentFrame?.(pcm, arrivalMs);
    this.handleSpeech(this.detector.push(pcm, arrivalMs));
    if (this.waiting === 'barge_speech' && this.detector.lastSpeechFrameEndMs === arrivalMs + pcm.length / SAMPLES_PER_MS) this.play(this.stepIndex);
  }

  /** When the far end stops sending RTP, its silence must still end an utterance. */
  private checkIdle(): void {
    if (this.phase !== 'running') return;
    this.handleSpeech(this.detector.idle(this.clock.nowMs()));
    this.idleTimer = this.clock.setTimer(IDLE_CHECK_MS, () => this.checkIdle());
  }

  private handleSpeech(ev: SpeechEvent | undefined): void {
    if (ev === undefined) return;
    if (ev.type === 'onset') this.onAgentOnset(ev.atMs);
    else this.onAgentOffset(ev.atMs);
  }

  private onAgentOnset(atMs: number): void {
    if (this.phase !== 'running') return;
    if (this.waiting === 'greeting_onset') {
      this.greetingOnsetAtMs = atMs;
      this.emit({ type: 'agent_speech_start', atMs, turn: 'greeting' });
      this.afterReplyOnset();
      return;
    }
    // Speech counts as the reply of the turn being played or awaited; elsewhere (think time,
    // keypad, after an utterance that expects no reply) it answers nothing the caller asked.
    const turn = this.currentTurn();
    if (turn === undefined || !turn.played || turn.onsetAtMs !== null) return;
    if (turn.step.kind === 'say' && !turn.step.expectReply) return;
    turn.onsetAtMs = atMs;
    this.emit({ type: 'agent_speech_start', atMs, turn: turn.index });
    if (this.waiting === 'reply_onset') this.afterReplyOnset();
  }

  private onAgentOffset(atMs: number): void {
    if (this.phase !== 'running') return;
    if (this.greetingOnsetAtMs !== null && this.greetingOffsetAtMs === null) {
      this.greetingOffsetAtMs = atMs;
      this.emit({ type: 'agent_speech_end', atMs, turn: 'greeting' });
      this.noteInterruptedEnd('greeting', atMs);
      if (this.waiting === 'greeting_end') this.nextStep();
      else if (this.waiting === 'barge_speech') this.play(this.stepIndex);
      return;
    }
    const turn = this.turns.find((t) => t.onsetAtMs !== null && t.offsetAtMs === null);
    if (turn === undefined) return;
    turn.offsetAtMs = atMs;
    this.emit({ type: 'agent_speech_end', atMs, turn: turn.index });
    this.noteInterruptedEnd(turn.index, atMs);
    if (turn.stepIndex === this.stepIndex && this.waiting === 'reply_end') this.nextStep();
    else if (this.waiting === 'barge_speech') this.play(this.stepIndex);
  }

  /** The end of a reply that a barge-in talked over: barge_in_stop_ms when it came after the caller started. */
  private noteInterruptedEnd(reply: number | 'greeting', atMs: number): void {
    for (const t of this.turns) {
      if (t.interrupts === reply) t.interruptedReplyEndAtMs = atMs;
    }
  }

  /** The caller's speech starts with the packet carrying the utterance's first speech sample (its actual send time). */
  private onSpeechStarted(id: string, sentAtMs: number): void {
    const turn = this.turns[Number(id)];
    if (turn !== undefined) turn.speechStartSentAtMs = sentAtMs;
  }

  private onUtteranceSent(id: string, speechEndSentAtMs: number): void {
    const turn = this.turns[Number(id)];
    if (turn === undefined || turn.stepIndex !== this.stepIndex || this.waiting !== 'utterance') return;
    turn.speechEndSentAtMs = speechEndSentAtMs;
    this.emit({ type: 'caller_speech_end', atMs: speechEndSentAtMs, turn: turn.index });
    const step = turn.step;
    if (step.kind === 'say' && !step.expectReply) {
      this.nextStep();
      return;
    }
    if (turn.onsetAtMs !== null) {
      // The agent answered before the caller had finished (an early reply): it counts from the speech end.
      if (turn.offsetAtMs !== null) this.nextStep();
      else {
        this.waiting = 'reply_onset';
        this.afterReplyOnset();
      }
      return;
    }
    this.waiting = 'reply_onset';
    const remaining = speechEndSentAtMs + step.replyTimeoutMs - this.clock.nowMs();
    this.setPhaseTimer(remaining, () => {
      this.fail('no_reply', `turn ${turn.index + 1}: the agent did not start replying within ${step.replyTimeoutMs} ms of the end of the caller's speech`);
    });
  }

  // ---- endings -------------------------------------------------------------------------------

  private onInviteFailed(f: InviteFailure, atMs: number): void {
    if (this.failure === undefined) this.failure = { reason: f.reason, text: f.text };
    this.emit({ type: 'failed', atMs, reason: f.reason, text: f.text });
    this.finish();
  }

  private onRemoteBye(atMs: number): void {
    this.endedBy ??= 'remote';
    // The agent hung up. Its speech, if still going, ended with its last speech frame.
    const ev = this.detector.flush();
    if (ev !== undefined) this.onAgentOffset(ev.atMs);
    this.emit({ type: 'hangup', atMs, by: 'remote' });
    if (this.failure === undefined && this.phase === 'running' && !this.conversationOver()) {
      this.failedStep = this.stepIndex;
      this.failure = { reason: 'remote_hangup_early', text: 'the agent hung up before the conversation was over' };
    } else if (this.phase === 'running') {
      this.stepsCompleted = Math.max(this.stepsCompleted, this.stepIndex + 1);
    }
    this.finish();
  }

  /**
   * Whether the agent may end the call now: when the scenario waits for that, or when what is
   * left of it asks nothing more of the agent (hanging up after the last reply is how many agents
   * end a call).
   */
  private conversationOver(): boolean {
    const step = this.steps[this.stepIndex];
    if (step === undefined) return true;
    if (this.steps.slice(this.stepIndex + 1).some(stepNeedsAgent)) return false;
    switch (step.kind) {
      case 'wait_greeting':
        return this.greetingOnsetAtMs !== null;
      case 'say':
      case 'barge_in':
        return !stepNeedsAgent(step) || this.currentTurn()?.onsetAtMs != null;
      case 'dtmf':
        return false;
      default:
        return true;
    }
  }

  private fail(reason: FailureReason, text: string): void {
    if (this.phase === 'done') return;
    if (this.failure === undefined) {
      this.failure = { reason, text };
      if (this.phase === 'running') this.failedStep = this.stepIndex;
      this.emit({ type: 'failed', atMs: this.clock.nowMs(), reason, text });
    }
    this.hangUp();
  }

  private hangUp(): void {
    if (this.phase === 'hanging_up' || this.phase === 'done') return;
    this.phase = 'hanging_up';
    this.phaseTimer?.cancel();
    const call = this.call;
    if (call === undefined || call.ended) {
      this.finish();
      return;
    }
    if (call.confirmed) {
      this.endedBy ??= 'local';
      this.emit({ type: 'hangup', atMs: this.clock.nowMs(), by: 'local' });
    }
    void call.hangUp().then(() => this.finish());
  }

  private finish(): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.phaseTimer?.cancel();
    this.mediaTimer?.cancel();
    this.idleTimer?.cancel();
    this.finished();
  }

  private emit(event: Parameters<CallEventListener>[0]): void {
    this.options.onEvent?.(event);
  }

  private result(): CallResult {
    const call = this.call;
    const failedStep = this.failedStep === undefined ? undefined : this.steps[this.failedStep];
    return buildCallResult({
      target: this.setup.target,
      transport: this.setup.transport,
      nowMs: this.clock.nowMs(),
      ...(call === undefined
        ? {}
        : { sip: { timeline: call.timeline, finalStatus: call.finalStatus, callId: call.callId, authChallenges: call.authChallenges } }),
      ...(this.media === undefined ? {} : { media: this.media.stats() }),
      codec: this.negotiated?.codec.name ?? null,
      ...(this.failure === undefined ? {} : { failure: this.failure }),
      ...(failedStep === undefined || this.failedStep === undefined
        ? {}
        : { failedStep: { index: this.failedStep, kind: failedStep.kind, ...(failedStep.at === undefined ? {} : { line: failedStep.at.line, col: failedStep.at.col }) } }),
      stepsCompleted: this.stepsCompleted,
      endedBy: this.endedBy,
      ...(this.firstRtpAtMs === undefined ? {} : { firstRtpAtMs: this.firstRtpAtMs }),
      greetingOnsetAtMs: this.greetingOnsetAtMs,
      greetingOffsetAtMs: this.greetingOffsetAtMs,
      turns: this.turns,
      malformedSipMessages: this.ua.transport.stats.malformed,
    });
  }
}

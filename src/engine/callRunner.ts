import type { Clock, TimerHandle } from '../core/clock.js';
import { codecFor } from '../media/g711.js';
import { RtpSession } from '../media/rtpSession.js';
import { SpeechDetector, type SpeechEvent } from '../media/speechDetector.js';
import type { UdpPortPair } from '../media/udpPortPair.js';
import { buildAnswer, buildOffer, parseAnswer, type NegotiatedAudio } from '../sdp/index.js';
import type { SipEndpoint } from '../sip/transport/index.js';
import type { InviteFailure, OutgoingCall } from '../sip/ua/outgoingCall.js';
import type { UserAgent } from '../sip/ua/userAgent.js';
import type { CallConfig } from './callConfig.js';
import type { CallEventListener } from './callEvents.js';
import { buildCallResult, type TurnState } from './buildCallResult.js';
import type { CallResult, FailureReason } from './callResult.js';
import type { RunCallOptions } from './runCall.js';

type Phase = 'setup' | 'greeting' | 'greeting_speech' | 'playing' | 'waiting_reply' | 'reply_speech' | 'hanging_up' | 'done';

/** How often the runner checks for silence when the far end stops sending RTP altogether. */
const IDLE_CHECK_MS = 50;

/**
 * The conversation of one call, as a small state machine over SIP and media events: wait for the
 * greeting, say each utterance, time each reply, hang up. It never throws: every ending, including
 * an abort, becomes the CallResult of {@link CallRunner.run}.
 */
export class CallRunner {
  private readonly clock: Clock;
  private readonly detector: SpeechDetector;
  private phase: Phase = 'setup';
  private readonly sdpSessionId = Math.floor(Date.now() / 1000);
  /** Created from the bound ports once the answer names the codec. */
  media: RtpSession | undefined;
  private call: OutgoingCall | undefined;
  private negotiated: NegotiatedAudio | undefined;
  private failure: { reason: FailureReason; text: string } | undefined;
  private endedBy: 'local' | 'remote' | null = null;
  private firstRtpAtMs: number | undefined;
  private greetingOnsetAtMs: number | null = null;
  private greetingOffsetAtMs: number | null = null;
  private turnIndex = -1;
  private phaseTimer: TimerHandle | undefined;
  private mediaTimer: TimerHandle | undefined;
  private idleTimer: TimerHandle | undefined;
  private sdpVersion = 1;
  private finished!: () => void;
  private readonly done = new Promise<void>((resolve) => {
    this.finished = resolve;
  });

  constructor(
    private readonly config: CallConfig,
    private readonly options: RunCallOptions,
    private readonly turns: TurnState[],
    private readonly ua: UserAgent,
    private readonly ports: UdpPortPair,
    private readonly dest: SipEndpoint,
  ) {
    this.clock = options.clock;
    this.detector = new SpeechDetector({ sampleRate: 8000, minSpeechMs: config.minSpeechMs, endSilenceMs: config.replyEndSilenceMs });
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
    const c = this.config;
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
    this.phase = 'setup';
    this.call = this.ua.placeCall(
      {
        target: c.target,
        dest: this.dest,
        fromUser: c.fromUser,
        sdpOffer: Buffer.from(sdp),
        extraHeaders: c.headers,
        ringTimeoutMs: c.ringTimeoutMs,
        answerOffer: (offer) => this.answerReInvite(offer),
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
      this.negotiated = parseAnswer(body.toString('utf8'), this.config.codecs);
    } catch (e) {
      this.fail('sdp_mismatch', `the answer's SDP is unusable: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const n = this.negotiated;
    const media = RtpSession.attach(this.ports, {
      clock: this.clock,
      codec: codecFor(n.codec.name),
      ...(this.options.logger === undefined ? {} : { logger: this.options.logger }),
    });
    this.media = media;
    media.onFrame((pcm, arrivalMs) => this.onAgentFrame(pcm, arrivalMs));
    media.onUtteranceSent((ev) => this.onUtteranceSent(ev.id, ev.speechEndSentAtMs));
    try {
      media.setRemote({ host: n.connectionHost, port: n.audioPort, ...(n.rtcpPort === undefined ? {} : { rtcpPort: n.rtcpPort }) });
    } catch (e) {
      this.fail('sdp_mismatch', `the answer's media address is unusable: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    media.start();
    this.emit({ type: 'answered', atMs, codec: n.codec.name });
    this.idleTimer = this.clock.setTimer(IDLE_CHECK_MS, () => this.checkIdle());
    this.mediaTimer = this.clock.setTimer(this.config.mediaTimeoutMs, () => this.checkMediaTimeout());
    if (this.config.expectGreeting) {
      this.phase = 'greeting';
      this.setPhaseTimer(this.config.greetingTimeoutMs, () => {
        if (this.receivedPackets() === 0) this.fail('media_timeout', `no RTP from the agent within ${this.config.greetingTimeoutMs} ms of the answer`);
        else this.fail('no_greeting', `the agent did not start speaking within ${this.config.greetingTimeoutMs} ms of the answer`);
      });
    } else {
      this.nextTurn();
    }
  }

  /** A re-INVITE's offer: answer with the codec already in use, and follow the far end if its media moved. */
  private answerReInvite(offer: Buffer): Buffer | undefined {
    const codec = this.negotiated?.codec.name;
    if (codec === undefined || this.media === undefined) return undefined;
    try {
      const answer = buildAnswer(offer.toString('utf8'), {
        codecs: [codec],
        connectionHost: this.config.localHost,
        audioPort: this.ports.rtpPort,
        sessionId: this.sdpSessionId,
        sessionVersion: ++this.sdpVersion,
        telephoneEvent: this.config.telephoneEvent,
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

  /** The one timer of the current phase (greeting, reply or think-time wait); setting it replaces the last. */
  private setPhaseTimer(ms: number, fn: () => void): void {
    this.phaseTimer?.cancel();
    this.phaseTimer = this.clock.setTimer(ms, fn);
  }

  private receivedPackets(): number {
    return this.media?.stats().receivedPackets ?? 0;
  }

  private checkMediaTimeout(): void {
    if (this.phase === 'done' || this.phase === 'hanging_up') return;
    if (this.receivedPackets() === 0) {
      this.fail('media_timeout', `no RTP from the agent within ${this.config.mediaTimeoutMs} ms of the answer`);
    }
  }

  private onAgentFrame(pcm: Int16Array, arrivalMs: number): void {
    this.firstRtpAtMs ??= arrivalMs;
    this.options.onAgentFrame?.(pcm, arrivalMs);
    this.handleSpeech(this.detector.push(pcm, arrivalMs));
  }

  /** When the far end stops sending RTP, its silence must still end an utterance. */
  private checkIdle(): void {
    if (this.phase === 'done' || this.phase === 'hanging_up') return;
    this.handleSpeech(this.detector.idle(this.clock.nowMs()));
    this.idleTimer = this.clock.setTimer(IDLE_CHECK_MS, () => this.checkIdle());
  }

  private handleSpeech(ev: SpeechEvent | undefined): void {
    if (ev === undefined) return;
    if (ev.type === 'onset') this.onAgentOnset(ev.atMs);
    else this.onAgentOffset(ev.atMs);
  }

  private onAgentOnset(atMs: number): void {
    switch (this.phase) {
      case 'greeting':
        this.greetingOnsetAtMs = atMs;
        this.phase = 'greeting_speech';
        this.phaseTimer?.cancel();
        this.emit({ type: 'agent_speech_start', atMs, turn: 'greeting' });
        return;
      case 'playing':
      case 'waiting_reply': {
        const turn = this.turns[this.turnIndex];
        if (turn === undefined || turn.onsetAtMs !== null) return;
        turn.onsetAtMs = atMs;
        if (this.phase === 'waiting_reply') {
          this.phase = 'reply_speech';
          this.phaseTimer?.cancel();
        }
        this.emit({ type: 'agent_speech_start', atMs, turn: this.turnIndex });
        return;
      }
      default:
        return;
    }
  }

  private onAgentOffset(atMs: number): void {
    if (this.phase === 'greeting_speech') {
      this.greetingOffsetAtMs = atMs;
      this.emit({ type: 'agent_speech_end', atMs, turn: 'greeting' });
      this.afterThinkTime(() => this.nextTurn());
      return;
    }
    const turn = this.turns[this.turnIndex];
    if (turn === undefined || turn.onsetAtMs === null || turn.offsetAtMs !== null) return;
    if (this.phase !== 'reply_speech' && this.phase !== 'playing') return;
    turn.offsetAtMs = atMs;
    this.emit({ type: 'agent_speech_end', atMs, turn: this.turnIndex });
    if (this.phase === 'reply_speech') this.afterThinkTime(() => this.nextTurn());
  }

  private afterThinkTime(fn: () => void): void {
    this.phase = 'playing';
    if (this.config.thinkTimeMs <= 0) fn();
    else this.setPhaseTimer(this.config.thinkTimeMs, fn);
  }

  private nextTurn(): void {
    this.turnIndex++;
    const turn = this.turns[this.turnIndex];
    if (turn === undefined) {
      this.hangUp();
      return;
    }
    this.phase = 'playing';
    this.detector.reset();
    turn.played = true;
    this.media?.queueUtterance({ id: String(this.turnIndex), pcm: turn.utterance.pcm8k, speechEndSample: turn.utterance.speechEndSample });
  }

  private onUtteranceSent(id: string, speechEndSentAtMs: number): void {
    const index = Number(id);
    const turn = this.turns[index];
    if (turn === undefined || index !== this.turnIndex || this.phase !== 'playing') return;
    turn.speechEndSentAtMs = speechEndSentAtMs;
    this.emit({ type: 'caller_speech_end', atMs: speechEndSentAtMs, turn: index });
    if (turn.onsetAtMs !== null) {
      // The agent answered before the caller had finished (barge-in or an early reply).
      if (turn.offsetAtMs !== null) this.afterThinkTime(() => this.nextTurn());
      else this.phase = 'reply_speech';
      return;
    }
    this.phase = 'waiting_reply';
    const remaining = speechEndSentAtMs + this.config.replyTimeoutMs - this.clock.nowMs();
    this.setPhaseTimer(remaining, () => {
      this.fail('no_reply', `turn ${index + 1}: the agent did not start replying within ${this.config.replyTimeoutMs} ms of the end of the caller's speech`);
    });
  }

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
    // Hanging up after the last reply is how many agents end a call; before it, the call failed.
    const conversationOver =
      (!this.config.expectGreeting || this.greetingOnsetAtMs !== null) && this.turns.every((turn) => turn.offsetAtMs !== null);
    if (this.failure === undefined && !conversationOver) {
      this.failure = { reason: 'remote_hangup_early', text: 'the agent hung up before the conversation was over' };
    }
    this.finish();
  }

  private fail(reason: FailureReason, text: string): void {
    if (this.phase === 'done') return;
    if (this.failure === undefined) {
      this.failure = { reason, text };
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
    return buildCallResult({
      target: this.config.target,
      transport: this.config.transport,
      nowMs: this.clock.nowMs(),
      ...(call === undefined
        ? {}
        : { sip: { timeline: call.timeline, finalStatus: call.finalStatus, callId: call.callId, authChallenges: call.authChallenges } }),
      ...(this.media === undefined ? {} : { media: this.media.stats() }),
      codec: this.negotiated?.codec.name ?? null,
      ...(this.failure === undefined ? {} : { failure: this.failure }),
      endedBy: this.endedBy,
      ...(this.firstRtpAtMs === undefined ? {} : { firstRtpAtMs: this.firstRtpAtMs }),
      greetingOnsetAtMs: this.greetingOnsetAtMs,
      greetingOffsetAtMs: this.greetingOffsetAtMs,
      turns: this.turns,
      malformedSipMessages: this.ua.transport.stats.malformed,
    });
  }
}

import type dgram from 'node:dgram';
import net from 'node:net';
import type { Clock, TimerHandle } from '../core/clock.js';
import { VoiceloadError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { UtteranceQueue, type Utterance } from './audioSource.js';
import type { BatchedRtpEndpoint } from './batchedRtpIo.js';
import type { AudioCodec } from './g711.js';
import type { MediaScheduler, MediaSchedulerMembership, MediaTickTarget } from './mediaScheduler.js';
import { Pacer } from './pacer.js';
import { buildRtcpCompound, ntpFromUnixMs, ntpMiddle32, parseRtcpCompound, roundTripMs, type LastSenderReport } from './rtcp.js';
import { emptyRtpHeaderFields, readRtpHeaderInto } from './rtpHeaderWriter.js';
import { RtpReceiveStats } from './rtpReceiveStats.js';
import { RtpSender, type SpeechStartedEvent, type UtteranceSentEvent, type UtteranceStartedEvent } from './rtpSender.js';
import { RunningSummary } from './runningSummary.js';
import { TelephoneEventTracker, type TelephoneEvent } from './telephoneEventTracker.js';
import { bindRtpPortPair, type UdpPortPair } from './udpPortPair.js';
import { dtmfEventCodes } from './dtmfDigits.js';
import { DtmfTickAction, TelephoneEventSender } from './telephoneEventSender.js';

export interface RtpSessionOptions {
  clock: Clock;
  /** Local address to bind, e.g. '127.0.0.1' or '0.0.0.0'. */
  localHost: string;
  codec: AudioCodec;
  /** First even RTP port to try; absent or 0: ephemeral. RTCP uses the next port. */
  localPort?: number;
  /** Port pairs tried before failing. Default 20. */
  portAttempts?: number;
  logger?: Logger;
  /** Uniform in [0, 1): SSRC, initial sequence number and timestamp, RTCP interval jitter. */
  rng?: () => number;
  /** Packet time. Default 20 ms. */
  ptimeMs?: number;
  /** Mean RTCP report interval (RFC 3550 §6.2 minimum 5 s; randomised ×[0.5, 1.5], §6.3.1). Default 5000. */
  rtcpIntervalMs?: number;
  /** SDES CNAME. Default `voiceload-<ssrc hex>`. */
  cname?: string;
  /** Wall-clock ms since 1970 read once at open, for SR NTP timestamps. Default Date.now. */
  wallClockMs?: () => number;
  /** Send an RTCP BYE when closing. Default true. */
  sendByeOnClose?: boolean;
  /**
   * A media clock shared with other sessions: start() registers with it (first packet at its next
   * tick for this session's phase) and close() unregisters. Absent: the session runs its own Pacer.
   * The scheduler's interval must equal ptimeMs.
   */
  scheduler?: MediaScheduler;
  /**
   * Payload type of the negotiated `telephone-event/8000` (RFC 4733), reported through
   * onTelephoneEvent. Default 101 (the usual dynamic choice) for receiving; sendDtmf uses only a
   * type given here or through setTelephoneEventPayloadType (never the default: a peer that did
   * not negotiate events must not get them).
   */
  telephoneEventPayloadType?: number;
  /**
   * connect() the RTP socket to the remote at start() so each send skips the address handling
   * (about 10–20 % less CPU per packet sent here). A connected UDP socket only receives from that
   * exact address and port, so use it only with peers that send from the port they receive on
   * (symmetric RTP); and it cannot move: setRemote() to another address after start() throws.
   * Default false.
   */
  connectedSend?: boolean;
}

/** How {@link RtpSession.sendDtmf} presses keys (RFC 4733 §2.5). */
export interface DtmfSendOptions {
  /** Tone duration of each key, ms (> 0, at most 65535 RTP timestamp units: 8191 ms at 8 kHz). */
  durationMs: number;
  /** Silence between one key's tone end and the next key's start, ms (≥ 0). */
  gapMs: number;
  /** Power level in −dBm0, 0–63 (§2.3.4). Default 10. */
  volume?: number;
}

export interface RtpRemote {
  /** IP literal (the SDP c= address). Host names are refused: resolving them would defer every send. */
  host: string;
  port: number;
  /** Default port + 1 (RFC 3550 §11; an SDP a=rtcp attribute may say otherwise). */
  rtcpPort?: number;
}

/** Header fields of the packet a frame came from. One object reused for every frame. */
export interface RtpFrameInfo {
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  ssrc: number;
}

/**
 * Receives the far end's decoded audio, one call per received packet of the negotiated payload
 * type. `pcm` and `info` are owned by the session and overwritten by the next packet: copy what
 * you keep. `arrivalMs` is the clock read when the datagram was delivered, before decoding.
 */
export type RtpFrameHandler = (pcm: Int16Array, arrivalMs: number, info: Readonly<RtpFrameInfo>) => void;

export interface RtpSessionStats {
  sentPackets: number;
  sentPayloadBytes: number;
  /** Every valid RTP packet received, all payload types. */
  /** Of sentPackets: RFC 4733 event packets (sendDtmf), end repeats included. */
  sentTelephoneEventPackets: number;
  receivedPackets: number;
  receivedPayloadBytes: number;
  lossPct: number;
  /** expected − received (negative with duplicates). */
  lostPackets: number;
  jitterMs: number;
  maxGapMs: number;
  pacingErrorMs: { count: number; mean: number; max: number };
  /** Ticks sent late in a burst after a stalled timer; ticks skipped after a stall too long to replay. */
  caughtUpTicks: number;
  skippedTicks: number;
  /** Packets of another payload type (e.g. telephone-event): counted in sequence stats, not decoded. */
  otherPayloadTypePackets: number;
  /** Datagrams on the RTP port that were neither RTP nor RTCP. */
  invalidPackets: number;
  rtcpSent: number;
  rtcpReceived: number;
  invalidRtcp: number;
  /** From the far end's last report block about our stream (RFC 3550 §6.4.1); undefined before one. */
  roundTripMs: number | undefined;
  remoteByeReceived: boolean;
  /** Same as {@link RtpSession.lastReceivedAtMs}. */
  lastReceivedAtMs: number | undefined;
}

/**
 * One call's media over UDP: a drift-free pacer sends one packet per ptime (queued utterances,
 * silence in between, never a pause), received packets are timestamped, validated, counted
 * (RFC 3550 A.1/A.3/A.8) and decoded for the listener; RTCP SR/RR go out every ~5 s on port + 1
 * and incoming RTCP (also multiplexed on the RTP port, RFC 5761) feeds LSR/DLSR and RTT.
 *
 * Per packet, both directions reuse their buffers and objects; callbacks are bound once. When the
 * scheduler carries batched I/O (MediaScheduler.io), the RTP socket's packets go out in the scheduler's
 * per-slot flush and come in through its drains, timestamped by the kernel; RTCP stays on dgram.
 */
export class RtpSession {
  readonly localPort: number;
  readonly localRtcpPort: number;
  readonly codec: AudioCodec;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly rng: () => number;
  private readonly rtpSocket: dgram.Socket;
  private readonly rtcpSocket: dgram.Socket;
  /** The scheduler's batched I/O for the RTP socket; undefined: plain dgram. */
  private readonly batched: BatchedRtpEndpoint | undefined;
  private readonly source: UtteranceQueue;
  private readonly sender: RtpSender;
  private readonly pacer: Pacer;
  private readonly scheduler: MediaScheduler | undefined;
  private membership: MediaSchedulerMembership | undefined;
  private readonly tickTarget: MediaTickTarget;
  /** Scheduled time of tick 0 (RTP timestamp origin for RTCP SR). */
  private mediaOriginMs = 0;
  /** With a scheduler: the last tick sent and the catch-up/skip counts (the Pacer keeps its own). */
  private lastTick = -1;
  private scheduledCaughtUp = 0;
  private scheduledSkipped = 0;
  private lastRtpArrivalMs: number | undefined;
  private telephoneEventPt: number | undefined;
  /** The telephone-event payload type sendDtmf may use: set explicitly only (see the option). */
  private telephoneEventSendPt: number | undefined;
  /** Payload type of the key presses being sent (fixed when sendDtmf was called). */
  private dtmfPt = 0;
  private readonly dtmf: TelephoneEventSender;
  private dtmfPackets = 0;
  private readonly connectedSend: boolean;
  private rtpConnected = false;
  private readonly telephoneEvents = new TelephoneEventTracker();
  private telephoneEventHandler: ((ev: TelephoneEvent) => void) | undefined;
  private readonly pacingError = new RunningSummary();
  private readonly rxStats: RtpReceiveStats;
  private readonly rxHeader = emptyRtpHeaderFields();
  private readonly rxInfo: RtpFrameInfo = { sequenceNumber: 0, timestamp: 0, marker: false, ssrc: 0 };
  private rxPcm: Int16Array;
  private readonly rtcpIntervalMs: number;
  private readonly cname: string;
  /** Unix ms at clock time 0: NTP time = anchor + clock.nowMs(). */
  private readonly wallAnchorMs: number;
  private readonly sendByeOnClose: boolean;
  private remote: { host: string; port: number; rtcpPort: number } | undefined;
  private frameHandler: RtpFrameHandler | undefined;
  private rtcpTimer: TimerHandle | undefined;
  private readonly rtcpTimerBound: () => void;
  private lastSr: LastSenderReport | undefined;
  private rttMs: number | undefined;
  private counts = { otherPt: 0, invalid: 0, rtcpSent: 0, rtcpReceived: 0, invalidRtcp: 0 };
  private remoteBye = false;
  private state: 'open' | 'started' | 'closed' = 'open';

  /** Binds the RTP/RTCP port pair and returns a session ready for {@link setRemote} and {@link start}. */
  static async open(options: RtpSessionOptions): Promise<RtpSession> {
    const pair = await bindRtpPortPair({
      host: options.localHost,
      ...(options.localPort !== undefined ? { port: options.localPort } : {}),
      ...(options.portAttempts !== undefined ? { attempts: options.portAttempts } : {}),
    });
    return new RtpSession(options, pair.rtp, pair.rtcp, pair.rtpPort, pair.rtcpPort);
  }

  /**
   * A session on a port pair bound earlier: a caller binds before the SDP offer (the port goes into
   * it) but knows the codec only from the answer. The session owns the sockets from then on.
   */
  static attach(pair: UdpPortPair, options: Omit<RtpSessionOptions, 'localHost' | 'localPort' | 'portAttempts'>): RtpSession {
    return new RtpSession({ ...options, localHost: '' }, pair.rtp, pair.rtcp, pair.rtpPort, pair.rtcpPort);
  }

  private constructor(options: RtpSessionOptions, rtp: dgram.Socket, rtcp: dgram.Socket, rtpPort: number, rtcpPort: number) {
    this.clock = options.clock;
    this.codec = options.codec;
    this.logger = options.logger ?? silentLogger;
    this.rng = options.rng ?? Math.random;
    this.rtpSocket = rtp;
    this.rtcpSocket = rtcp;
    this.localPort = rtpPort;
    this.localRtcpPort = rtcpPort;
    const ptimeMs = options.ptimeMs ?? 20;
    this.source = new UtteranceQueue(Math.round((options.codec.sampleRate * ptimeMs) / 1000));
    this.sender = new RtpSender({ codec: options.codec, source: this.source, rng: this.rng, ptimeMs });
    this.scheduler = options.scheduler;
    if (this.scheduler !== undefined && this.scheduler.intervalMs !== ptimeMs) {
      throw new VoiceloadError('INTERNAL', `media scheduler ticks every ${this.scheduler.intervalMs} ms but ptime is ${ptimeMs} ms`);
    }
    this.tickTarget = { mediaTick: (tick, scheduledAtMs, nowMs, caughtUp) => this.scheduledTick(tick, scheduledAtMs, nowMs, caughtUp) };
    this.telephoneEventPt = options.telephoneEventPayloadType ?? 101;
    this.telephoneEventSendPt = options.telephoneEventPayloadType;
    this.dtmf = new TelephoneEventSender({ timestampStep: this.sender.timestampStep });
    this.connectedSend = options.connectedSend ?? false;
    this.pacer = new Pacer({
      clock: this.clock,
      intervalMs: ptimeMs,
      pacingErrorMs: this.pacingError,
      onTick: (index, _scheduledAtMs, nowMs) => this.sendTick(index, nowMs),
    });
    this.rxStats = new RtpReceiveStats({ clockRate: options.codec.clockRate });
    this.rxPcm = new Int16Array(this.source.frameSamples);
    this.rtcpIntervalMs = options.rtcpIntervalMs ?? 5000;
    this.cname = options.cname ?? `voiceload-${this.sender.ssrc.toString(16).padStart(8, '0')}`;
    this.wallAnchorMs = (options.wallClockMs ?? Date.now)() - this.clock.nowMs();
    this.sendByeOnClose = options.sendByeOnClose ?? true;
    this.rtcpTimerBound = () => this.onRtcpTimer();
    this.batched = this.scheduler?.io?.attach(rtp, (bytes, arrivalMs) => this.onRtpPacket(bytes, arrivalMs));
    if (this.batched === undefined) rtp.on('message', (msg: Buffer) => this.onRtpPacket(msg, this.clock.nowMs()));
    rtcp.on('message', (msg: Buffer) => this.onRtcp(msg, this.clock.nowMs()));
    const onError = (err: Error): void => this.logger.warn('rtp socket error', { error: err.message, port: rtpPort });
    rtp.on('error', onError);
    rtcp.on('error', onError);
  }

  /** Our SSRC. */
  get ssrc(): number {
    return this.sender.ssrc;
  }

  /** Where to send (from the SDP answer). May be called again to redirect media. */
  setRemote(remote: RtpRemote): void {
    if (net.isIP(remote.host) === 0) {
      throw new VoiceloadError('MEDIA_TRANSPORT', `remote media address must be an IP address, got "${remote.host}"`, {
        hint: 'resolve the SDP connection address before setRemote()',
      });
    }
    if (this.rtpConnected && (remote.host !== this.remote?.host || remote.port !== this.remote.port)) {
      // Linux's UDP disconnect also drops an ephemeral local port, so a connected socket cannot move.
      throw new VoiceloadError('MEDIA_TRANSPORT', 'a session with connectedSend cannot move its media once started', {
        hint: 'leave connectedSend off for peers that may re-INVITE to another address',
      });
    }
    this.remote = { host: remote.host, port: remote.port, rtcpPort: remote.rtcpPort ?? remote.port + 1 };
    this.batched?.setRemote(remote.host, remote.port);
  }

  onFrame(handler: RtpFrameHandler): void {
    this.frameHandler = handler;
  }

  onUtteranceSent(cb: (event: UtteranceSentEvent) => void): void {
    this.sender.onUtteranceSent(cb);
  }

  onUtteranceStarted(cb: (event: UtteranceStartedEvent) => void): void {
    this.sender.onUtteranceStarted(cb);
  }

  /** When the packet with an utterance's first speech sample was actually sent (see Utterance.speechStartSample). */
  onSpeechStarted(cb: (event: SpeechStartedEvent) => void): void {
    this.sender.onSpeechStarted(cb);
  }

  /**
   * Called once per key press with `end: false` when its first packet arrives and once with
   * `end: true` at its first end packet (redundant updates and end retransmissions are dropped,
   * see TelephoneEventTracker). Packets of the telephone-event payload type only.
   */
  onTelephoneEvent(cb: (ev: TelephoneEvent) => void): void {
    this.telephoneEventHandler = cb;
  }

  /**
   * The negotiated telephone-event payload type (from the SDP); undefined: none was negotiated,
   * so received events are not reported and sendDtmf refuses.
   */
  setTelephoneEventPayloadType(pt: number | undefined): void {
    if (pt !== undefined && (!Number.isInteger(pt) || pt < 0 || pt > 127)) {
      throw new VoiceloadError('INTERNAL', `RTP payload type out of range: ${pt}`);
    }
    this.telephoneEventPt = pt;
    this.telephoneEventSendPt = pt;
  }

  /**
   * Presses `digits` (0-9, *, #, A-D) as RFC 4733 events on this stream, one event per key (see
   * TelephoneEventSender for the packets), starting at the next media tick. While keys are being
   * sent, including the gaps between them, no audio is sent: a playing utterance pauses and resumes
   * after the last key, and the audio timestamps continue on the media clock. Calls made while keys
   * are being sent queue behind them (the keys are queued synchronously, before this returns).
   * Resolves once the last key's final end report was sent. Rejects with a VoiceloadError: at once,
   * MEDIA_DTMF when no telephone-event payload type was negotiated or the session is closed, CONFIG
   * for bad keys or options; later, MEDIA_DTMF if the session closes before the keys were sent.
   */
  async sendDtmf(digits: string, opts: DtmfSendOptions): Promise<void> {
    if (this.state === 'closed') throw new VoiceloadError('MEDIA_DTMF', 'sendDtmf() on a closed RTP session');
    const pt = this.telephoneEventSendPt;
    if (pt === undefined) {
      throw new VoiceloadError('MEDIA_DTMF', 'cannot send DTMF: no telephone-event payload type was negotiated (RFC 4733)', {
        hint: 'the far end must accept telephone-event/8000 in its SDP answer; voiceload does not send in-band DTMF tones',
      });
    }
    const events = dtmfEventCodes(digits);
    const rate = this.codec.clockRate;
    const durationTs = Math.round((opts.durationMs * rate) / 1000);
    const gapTs = Math.round((opts.gapMs * rate) / 1000);
    const volume = opts.volume ?? 10;
    const maxMs = Math.floor((0xffff * 1000) / rate);
    if (!Number.isFinite(opts.durationMs) || durationTs < 1 || durationTs > 0xffff) {
      throw new VoiceloadError('CONFIG', `DTMF duration must be more than 0 and at most ${maxMs} ms, got ${opts.durationMs}`, {
        hint: 'RFC 4733 carries a key press duration in a 16-bit field; typical presses last 50-200 ms',
      });
    }
    if (!Number.isFinite(opts.gapMs) || gapTs < 0) {
      throw new VoiceloadError('CONFIG', `DTMF gap must be a finite number of ms ≥ 0, got ${opts.gapMs}`);
    }
    if (!Number.isInteger(volume) || volume < 0 || volume > 63) {
      throw new VoiceloadError('CONFIG', `DTMF volume must be an integer 0-63 (−dBm0), got ${volume}`);
    }
    if (events.length === 0) return;
    this.dtmfPt = pt;
    // No await before this point: the keys are queued during the call itself.
    return new Promise<void>((resolve, reject) => {
      this.dtmf.enqueue({ events, durationTs, gapTs, volume, done: resolve, fail: reject });
    });
  }

  /** True while key presses are being sent or queued (audio is held back). */
  get sendingDtmf(): boolean {
    return !this.dtmf.idle;
  }

  /**
   * Clock reading at the arrival of the last valid RTP packet (any payload type; RTCP excluded),
   * undefined before the first: for an RTP inactivity timeout.
   */
  get lastReceivedAtMs(): number | undefined {
    return this.lastRtpArrivalMs;
  }

  /**
   * Barge-in: drops the utterance being played and every queued one; the next packet carries
   * silence. onUtteranceSent never fires for a dropped utterance (it was not sent in full);
   * onUtteranceStarted has already fired for the one being played. Returns nothing; the caller
   * knows when it stopped.
   */
  stopUtterance(): void {
    this.source.clear();
  }

  /** Plays `utterance` (PCM at the codec's sample rate) after the ones already queued. */
  queueUtterance(utterance: Utterance): void {
    this.source.enqueue(utterance);
  }

  /** Starts sending: one packet per ptime from now on. Needs {@link setRemote} first. */
  start(): void {
    if (this.state !== 'open') return;
    if (this.remote === undefined) {
      throw new VoiceloadError('INTERNAL', 'RtpSession.start() before setRemote()');
    }
    this.state = 'started';
    if (this.connectedSend && this.batched === undefined) {
      // An IP literal with the synchronous lookup: connected before connect() returns.
      this.rtpSocket.connect(this.remote.port, this.remote.host);
      this.rtpConnected = true;
    }
    if (this.scheduler !== undefined) {
      this.membership = this.scheduler.register(this.tickTarget);
      this.mediaOriginMs = this.membership.firstTickAtMs;
    } else {
      this.pacer.start();
      this.mediaOriginMs = this.pacer.startedAtMs;
    }
    this.scheduleRtcp(0.5);
  }

  stats(): RtpSessionStats {
    const rx = this.rxStats.snapshot();
    const pacing = this.pacingError.snapshot();
    return {
      sentPackets: this.sender.packetsSent,
      sentPayloadBytes: this.sender.octetsSent,
      sentTelephoneEventPackets: this.dtmfPackets,
      receivedPackets: rx.packets,
      receivedPayloadBytes: rx.payloadBytes,
      lossPct: rx.lossPct,
      lostPackets: rx.lost,
      jitterMs: rx.jitterMs,
      maxGapMs: rx.maxGapMs,
      pacingErrorMs: { count: pacing.count, mean: pacing.mean, max: pacing.max },
      caughtUpTicks: this.scheduler === undefined ? this.pacer.caughtUpTicks : this.scheduledCaughtUp,
      skippedTicks: this.scheduler === undefined ? this.pacer.skippedTicks : this.scheduledSkipped,
      otherPayloadTypePackets: this.counts.otherPt,
      invalidPackets: this.counts.invalid,
      rtcpSent: this.counts.rtcpSent,
      rtcpReceived: this.counts.rtcpReceived,
      invalidRtcp: this.counts.invalidRtcp,
      roundTripMs: this.rttMs,
      remoteByeReceived: this.remoteBye,
      lastReceivedAtMs: this.lastRtpArrivalMs,
    };
  }

  /** Stops sending, sends a final RTCP report with BYE (unless disabled) and closes both sockets. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    // Batched: what already arrived is delivered first, as dgram would have delivered it by now (a
    // handler may close this session meanwhile, hence the second check).
    this.batched?.detach();
    if ((this.state as string) === 'closed') return; // (TypeScript cannot see the handlers change it)
    const wasStarted = this.state === 'started';
    this.state = 'closed';
    this.pacer.stop();
    this.membership?.cancel();
    this.membership = undefined;
    this.rtcpTimer?.cancel();
    this.rtcpTimer = undefined;
    if (!this.dtmf.idle) this.dtmf.cancelAll(new VoiceloadError('MEDIA_DTMF', 'the RTP session closed before the DTMF keys were sent'));
    if (wasStarted && this.sendByeOnClose) this.sendRtcp(true);
    await Promise.all([closeSocket(this.rtpSocket), closeSocket(this.rtcpSocket)]);
  }

  private scheduledTick(tick: number, scheduledAtMs: number, nowMs: number, caughtUp: boolean): void {
    if (caughtUp) this.scheduledCaughtUp++;
    if (tick > this.lastTick + 1) this.scheduledSkipped += tick - this.lastTick - 1;
    this.lastTick = tick;
    this.pacingError.record(nowMs - scheduledAtMs);
    this.sendTick(tick, nowMs);
  }

  private sendTick(index: number, nowMs: number): void {
    const dtmf = this.dtmf;
    const action = dtmf.idle ? DtmfTickAction.Audio : dtmf.tick(index);
    let packet: Buffer;
    if (action === DtmfTickAction.Audio) packet = this.sender.nextPacket(index, nowMs);
    else if (action === DtmfTickAction.Silence) packet = this.sender.nextSilencePacket(index);
    else {
      packet = this.sender.nextTelephoneEventPacket(this.dtmfPt, dtmf.eventStartTick, dtmf.marker, dtmf.report);
      this.dtmfPackets++;
    }
    const remote = this.remote;
    if (remote !== undefined) {
      // (buffer, port, address) form: no offset/length, so Node does not slice a new view.
      if (this.batched !== undefined) this.batched.queue(packet);
      else if (this.rtpConnected) this.rtpSocket.send(packet);
      else this.rtpSocket.send(packet, remote.port, remote.host);
    }
    if (action === DtmfTickAction.Event) dtmf.afterSend();
  }

  /** `msg` may be a view into a buffer the next packet overwrites: nothing here keeps it. */
  private onRtpPacket(msg: Uint8Array, arrivalMs: number): void {
    if (this.state === 'closed') return;
    // RFC 5761 §4: second octet 192–223 is RTCP multiplexed on the RTP port.
    const b1 = msg.length > 1 ? msg[1]! : 0;
    if (b1 >= 192 && b1 <= 223) {
      this.onRtcp(Buffer.isBuffer(msg) ? msg : Buffer.from(msg), arrivalMs);
      return;
    }
    const h = this.rxHeader;
    if (readRtpHeaderInto(msg, h) !== null) {
      this.counts.invalid++;
      return;
    }
    // Every payload type shares the sequence space (RFC 4733 events included): count them all.
    this.rxStats.update(h.ssrc, h.sequenceNumber, h.timestamp, arrivalMs, h.payloadLength);
    this.lastRtpArrivalMs = arrivalMs;
    if (h.payloadType !== this.codec.payloadType) {
      this.counts.otherPt++;
      if (h.payloadType === this.telephoneEventPt) this.onTelephoneEventPacket(msg, arrivalMs);
      return;
    }
    const handler = this.frameHandler;
    if (handler === undefined) return;
    const samples = this.codec.samplesIn(h.payloadLength);
    if (this.rxPcm.length !== samples) this.rxPcm = new Int16Array(samples); // only when the packet size changes
    this.codec.decodeInto(msg, h.payloadOffset, h.payloadLength, this.rxPcm);
    const info = this.rxInfo;
    info.sequenceNumber = h.sequenceNumber;
    info.timestamp = h.timestamp;
    info.marker = h.marker;
    info.ssrc = h.ssrc;
    try {
      handler(this.rxPcm, arrivalMs, info);
    } catch (err) {
      this.logger.error('rtp frame handler threw', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private onTelephoneEventPacket(msg: Uint8Array, arrivalMs: number): void {
    const h = this.rxHeader;
    const ev = this.telephoneEvents.accept(h.ssrc, h.timestamp, msg, h.payloadOffset, h.payloadLength, arrivalMs);
    if (ev === undefined || this.telephoneEventHandler === undefined) return;
    try {
      this.telephoneEventHandler(ev);
    } catch (err) {
      this.logger.error('telephone-event handler threw', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private onRtcp(msg: Buffer, arrivalMs: number): void {
    if (this.state === 'closed') return;
    this.counts.rtcpReceived++;
    let compound;
    try {
      compound = parseRtcpCompound(msg);
    } catch (err) {
      this.counts.invalidRtcp++;
      this.logger.debug('invalid rtcp', { error: err instanceof Error ? err.message : String(err) });
      return;
    }
    const ours = this.sender.ssrc;
    const arrivalNtp = ntpMiddle32(ntpFromUnixMs(this.wallAnchorMs + arrivalMs));
    for (const sr of compound.senderReports) {
      this.lastSr = { ssrc: sr.ssrc, ntpMiddle32: sr.ntpMiddle32, arrivalMs };
      for (const block of sr.reports) if (block.ssrc === ours) this.rttMs = roundTripMs(block, arrivalNtp) ?? this.rttMs;
    }
    for (const rr of compound.receiverReports) {
      for (const block of rr.reports) if (block.ssrc === ours) this.rttMs = roundTripMs(block, arrivalNtp) ?? this.rttMs;
    }
    if (compound.byes.length > 0) this.remoteBye = true;
  }

  private scheduleRtcp(scale: number): void {
    const delay = this.rtcpIntervalMs * scale * (0.5 + this.rng());
    this.rtcpTimer = this.clock.setTimer(delay, this.rtcpTimerBound);
  }

  private onRtcpTimer(): void {
    this.rtcpTimer = undefined;
    if (this.state !== 'started') return;
    this.sendRtcp(false);
    this.scheduleRtcp(1);
  }

  private sendRtcp(bye: boolean): void {
    const remote = this.remote;
    if (remote === undefined) return;
    const nowMs = this.clock.nowMs();
    const reception = this.rxStats.takeReceptionReport();
    const sent = this.sender.packetsSent > 0;
    const packet = buildRtcpCompound({
      ssrc: this.sender.ssrc,
      cname: this.cname,
      nowMs,
      ...(sent
        ? {
            sender: {
              ntpTimestamp: ntpFromUnixMs(this.wallAnchorMs + nowMs),
              rtpTimestamp: this.sender.rtpTimestampAt(nowMs - this.mediaOriginMs),
              packetCount: this.sender.packetsSent,
              octetCount: this.sender.octetsSent,
            },
          }
        : {}),
      ...(reception !== undefined ? { reception } : {}),
      ...(this.lastSr !== undefined ? { lastSenderReport: this.lastSr } : {}),
      ...(bye ? { bye: { reason: 'call ended' } } : {}),
    });
    this.rtcpSocket.send(packet, remote.rtcpPort, remote.host);
    this.counts.rtcpSent++;
  }
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

import type { AudioCodec } from './g711.js';
import { FrameFlag, type AudioSource } from './audioSource.js';
import { RTP_HEADER_SIZE, RtpHeaderWriter } from './rtpHeaderWriter.js';
import { TELEPHONE_EVENT_SIZE, writeTelephoneEventInto, type TelephoneEventPayload } from './telephoneEvent.js';

/** Times of one utterance on the wire (all from the session clock, ms). */
export interface UtteranceSentEvent {
  id: string;
  /** Send time of the utterance's first packet. */
  startedAtMs: number;
  /** Send time of the packet carrying the last speech sample: "end of the caller's speech". */
  speechEndSentAtMs: number;
  /** Send time of the utterance's last packet. */
  endedAtMs: number;
}

export interface UtteranceStartedEvent {
  id: string;
  startedAtMs: number;
}

/** The packet carrying an utterance's first speech sample went out (its actual send time, after any catch-up). */
export interface SpeechStartedEvent {
  id: string;
  speechStartSentAtMs: number;
}

export interface RtpSenderOptions {
  codec: AudioCodec;
  source: AudioSource;
  /** Uniform in [0, 1): initial sequence number, timestamp and SSRC (RFC 3550 §5.1 wants them random). */
  rng?: () => number;
  /** Packet duration. Default 20 ms. */
  ptimeMs?: number;
  /**
   * Packet buffers rotated between packets. One would do while every send copies synchronously;
   * a few keep a packet intact if the kernel queue is full and the send completes later.
   */
  packetBuffers?: number;
  onUtteranceStarted?: (event: UtteranceStartedEvent) => void;
  onUtteranceSent?: (event: UtteranceSentEvent) => void;
}

/**
 * Send-side RTP state for one stream (RFC 3550 §5.1): sequence number +1 per packet, timestamp
 * advancing by one packet's worth of clock ticks per pacer tick (so ticks the pacer skips after
 * a stall show up as a timestamp jump, as the media clock did move on), marker on the first packet
 * of each utterance (RFC 3551 §4.1 talkspurt). Header and payload are written into preallocated
 * buffers: building a packet allocates nothing. Constant-bitrate codecs only.
 */
export class RtpSender {
  readonly ssrc: number;
  readonly initialSequenceNumber: number;
  readonly initialTimestamp: number;
  readonly payloadType: number;
  /** RTP timestamp units per packet (160 for 20 ms at 8 kHz). */
  readonly timestampStep: number;
  /** Bytes of every packet (12-byte header + payload). */
  readonly packetBytes: number;
  private readonly codec: AudioCodec;
  private readonly source: AudioSource;
  private readonly header: RtpHeaderWriter;
  private readonly buffers: Buffer[];
  /** Per buffer: its payload already holds encoded digital silence (so a silent frame needs no encoding). */
  private readonly holdsSilence: boolean[];
  private nextBuffer = 0;
  private readonly frameSamples: number;
  /** One sample of digital silence, encoded (pads the last frame copied from a shared encoding). */
  private readonly encodedSilenceByte: number;
  /** Digital silence for ticks whose audio is held back (between DTMF keys). */
  private readonly silentFrame: Int16Array;
  /** RFC 4733 event packets (header + one 4-byte report), rotated like the audio buffers. */
  private readonly eventBuffers: Buffer[];
  private nextEventBuffer = 0;
  /** Header writer for the telephone-event payload type; replaced only when that type changes. */
  private eventHeader: RtpHeaderWriter | undefined;
  private packets = 0;
  private payloadOctets = 0;
  private lastTimestamp: number;
  private utteranceStartedAtMs = 0;
  private speechEndSentAtMs = 0;
  private startedCallback: ((event: UtteranceStartedEvent) => void) | undefined;
  private speechStartedCallback: ((event: SpeechStartedEvent) => void) | undefined;
  private sentCallback: ((event: UtteranceSentEvent) => void) | undefined;

  constructor(options: RtpSenderOptions) {
    const rng = options.rng ?? Math.random;
    const ptimeMs = options.ptimeMs ?? 20;
    this.codec = options.codec;
    this.source = options.source;
    this.payloadType = options.codec.payloadType;
    this.initialSequenceNumber = Math.floor(rng() * 0x10000) & 0xffff;
    this.initialTimestamp = Math.floor(rng() * 0x100000000) >>> 0;
    this.ssrc = Math.floor(rng() * 0x100000000) >>> 0;
    this.lastTimestamp = this.initialTimestamp;
    this.timestampStep = Math.round((options.codec.clockRate * ptimeMs) / 1000);
    this.header = new RtpHeaderWriter(this.payloadType, this.ssrc);
    const frameSamples = Math.round((options.codec.sampleRate * ptimeMs) / 1000);
    if (options.source.frameSamples !== frameSamples) {
      throw new RangeError(`audio source frames are ${options.source.frameSamples} samples; ${ptimeMs} ms needs ${frameSamples}`);
    }
    const probe = new Uint8Array(frameSamples * 2);
    const payloadBytes = options.codec.encodeInto(new Int16Array(frameSamples), probe, 0);
    this.frameSamples = frameSamples;
    this.encodedSilenceByte = probe[0] ?? 0;
    this.packetBytes = RTP_HEADER_SIZE + payloadBytes;
    const count = Math.max(1, options.packetBuffers ?? 4);
    this.buffers = Array.from({ length: count }, () => Buffer.alloc(this.packetBytes));
    this.holdsSilence = this.buffers.map(() => false);
    this.silentFrame = new Int16Array(frameSamples);
    this.eventBuffers = Array.from({ length: count }, () => Buffer.alloc(RTP_HEADER_SIZE + TELEPHONE_EVENT_SIZE));
    this.startedCallback = options.onUtteranceStarted;
    this.sentCallback = options.onUtteranceSent;
  }

  onUtteranceStarted(cb: (event: UtteranceStartedEvent) => void): void {
    this.startedCallback = cb;
  }

  onSpeechStarted(cb: (event: SpeechStartedEvent) => void): void {
    this.speechStartedCallback = cb;
  }

  onUtteranceSent(cb: (event: UtteranceSentEvent) => void): void {
    this.sentCallback = cb;
  }

  /**
   * Copies the frame's payload from the utterance's shared encoding, when it has one for this codec
   * (G.711: a byte per sample); returns the bytes written, or undefined to encode the frame instead.
   * The last frame's padding is the codec's encoded silence.
   */
  private copyEncoded(source: AudioSource, buf: Buffer): number | undefined {
    const encoded = source.frameUtterance?.encoded?.[this.codec.name];
    const start = source.frameStartSample;
    if (encoded === undefined || start === undefined) return undefined;
    const n = this.frameSamples;
    if (this.packetBytes - RTP_HEADER_SIZE !== n) return undefined;
    const end = Math.min(start + n, encoded.length);
    let o = RTP_HEADER_SIZE;
    for (let i = start; i < end; i++) buf[o++] = encoded[i]!;
    if (end - start < n) {
      const silence = this.encodedSilenceByte;
      for (; o < RTP_HEADER_SIZE + n; o++) buf[o] = silence;
    }
    return n;
  }

  /**
   * Builds the packet for pacer tick `tickIndex`, to be sent at `nowMs`. The returned buffer is
   * owned by the sender and reused a few packets later: send it at once.
   */
  nextPacket(tickIndex: number, nowMs: number): Buffer {
    const bufferIndex = this.nextBuffer;
    const buf = this.buffers[bufferIndex]!;
    this.nextBuffer = (bufferIndex + 1) % this.buffers.length;
    const source = this.source;
    const frame = source.nextFrame();
    const flags = source.frameFlags;
    // Between utterances the frame is digital silence, whose encoding never changes: a buffer that
    // already carries it keeps it (encoding costs ~2 µs per packet; most packets are silence).
    const silent = source.frameIsSilence === true;
    let payloadBytes = this.packetBytes - RTP_HEADER_SIZE;
    if (!silent || !this.holdsSilence[bufferIndex]) {
      payloadBytes = this.copyEncoded(source, buf) ?? this.codec.encodeInto(frame, buf, RTP_HEADER_SIZE);
      this.holdsSilence[bufferIndex] = silent;
    }
    const seq = (this.initialSequenceNumber + this.packets) & 0xffff;
    const ts = (this.initialTimestamp + tickIndex * this.timestampStep) >>> 0;
    this.header.write(buf, seq, ts, (flags & FrameFlag.UtteranceStart) !== 0);
    this.packets++;
    this.payloadOctets += payloadBytes;
    this.lastTimestamp = ts;
    if (flags !== 0) this.track(flags, nowMs);
    return buf;
  }

  /**
   * A packet of digital silence for tick `tickIndex` that leaves the audio source untouched: while
   * DTMF keys are sent the caller is not speaking, and a paused utterance resumes where it was.
   */
  nextSilencePacket(tickIndex: number): Buffer {
    const bufferIndex = this.nextBuffer;
    const buf = this.buffers[bufferIndex]!;
    this.nextBuffer = (bufferIndex + 1) % this.buffers.length;
    let payloadBytes = this.packetBytes - RTP_HEADER_SIZE;
    if (!this.holdsSilence[bufferIndex]) {
      payloadBytes = this.codec.encodeInto(this.silentFrame, buf, RTP_HEADER_SIZE);
      this.holdsSilence[bufferIndex] = true;
    }
    const ts = (this.initialTimestamp + tickIndex * this.timestampStep) >>> 0;
    this.header.write(buf, (this.initialSequenceNumber + this.packets) & 0xffff, ts, false);
    this.packets++;
    this.payloadOctets += payloadBytes;
    this.lastTimestamp = ts;
    return buf;
  }

  /**
   * An RFC 4733 event packet in this stream's SSRC and sequence space (§2.1: events and audio of
   * one source share them): payload type `payloadType`, the RTP timestamp of tick
   * `eventStartTick` (the event's start, §2.5.1.1), one report. Owned and reused like nextPacket's.
   */
  nextTelephoneEventPacket(payloadType: number, eventStartTick: number, marker: boolean, report: TelephoneEventPayload): Buffer {
    let header = this.eventHeader;
    if (header === undefined || header.payloadType !== payloadType) {
      header = new RtpHeaderWriter(payloadType, this.ssrc);
      this.eventHeader = header;
    }
    const buf = this.eventBuffers[this.nextEventBuffer]!;
    this.nextEventBuffer = (this.nextEventBuffer + 1) % this.eventBuffers.length;
    const ts = (this.initialTimestamp + eventStartTick * this.timestampStep) >>> 0;
    header.write(buf, (this.initialSequenceNumber + this.packets) & 0xffff, ts, marker);
    writeTelephoneEventInto(report, buf, RTP_HEADER_SIZE);
    this.packets++;
    this.payloadOctets += TELEPHONE_EVENT_SIZE;
    this.lastTimestamp = ts;
    return buf;
  }

  /** Packets built so far (RTCP SR sender's packet count). */
  get packetsSent(): number {
    return this.packets;
  }

  /** Payload octets sent so far (RTCP SR sender's octet count: headers excluded, §6.4.1). */
  get octetsSent(): number {
    return this.payloadOctets;
  }

  /** Timestamp of the last packet built. */
  get lastRtpTimestamp(): number {
    return this.lastTimestamp;
  }

  /** RTP timestamp corresponding to `elapsedMs` after tick 0 (RTCP SR §6.4.1). */
  rtpTimestampAt(elapsedMs: number): number {
    return (this.initialTimestamp + Math.floor((elapsedMs * this.codec.clockRate) / 1000)) >>> 0;
  }

  private track(flags: number, nowMs: number): void {
    const utterance = this.source.frameUtterance;
    if (utterance === undefined) return;
    if ((flags & FrameFlag.UtteranceStart) !== 0) {
      this.utteranceStartedAtMs = nowMs;
      this.startedCallback?.({ id: utterance.id, startedAtMs: nowMs });
    }
    if ((flags & FrameFlag.SpeechStart) !== 0) this.speechStartedCallback?.({ id: utterance.id, speechStartSentAtMs: nowMs });
    if ((flags & FrameFlag.SpeechEnd) !== 0) this.speechEndSentAtMs = nowMs;
    if ((flags & FrameFlag.UtteranceEnd) !== 0) {
      this.sentCallback?.({
        id: utterance.id,
        startedAtMs: this.utteranceStartedAtMs,
        speechEndSentAtMs: this.speechEndSentAtMs,
        endedAtMs: nowMs,
      });
    }
  }
}

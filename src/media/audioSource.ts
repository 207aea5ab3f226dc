import { VoiceloadError } from '../core/errors.js';

/** One caller utterance: 16-bit mono PCM at the codec's sample rate (8 kHz for G.711). */
export interface Utterance {
  id: string;
  pcm: Int16Array;
  /**
   * End of speech as a sample offset into `pcm` (exclusive: the last speech sample is
   * `speechEndSample − 1`), computed once when the fixture is loaded; trailing silence in the
   * file lies after it. METRICS.md: the packet carrying that last speech sample marks the end of
   * the caller's speech. 0 means the utterance has no speech: its first packet is used.
   */
  speechEndSample: number;
  /** First speech sample (inclusive); its packet's send time is the start of the speech. Default 0. */
  speechStartSample?: number;
  /**
   * The whole utterance already encoded, by codec name (G.711: one byte per sample), made once when
   * the audio is prepared so that calls share the bytes instead of encoding every packet.
   */
  encoded?: Readonly<Partial<Record<string, Uint8Array>>>;
}

/** Bit flags describing the frame last returned by {@link AudioSource.nextFrame}. */
export const FrameFlag = {
  /** First frame of an utterance (RTP marker: start of a talkspurt). */
  UtteranceStart: 1,
  /** The frame holds the utterance's last speech sample. */
  SpeechEnd: 2,
  /** Last frame of an utterance. */
  UtteranceEnd: 4,
  /** The frame holds the utterance's first speech sample. */
  SpeechStart: 8,
} as const;

/**
 * Audio for one outgoing stream, one fixed-size frame per packet. The returned frame is owned by
 * the source and valid only until the next call (the sender encodes it at once).
 */
export interface AudioSource {
  readonly frameSamples: number;
  nextFrame(): Int16Array;
  /** {@link FrameFlag} bits of the frame last returned (0 for silence or mid-utterance). */
  readonly frameFlags: number;
  /** The utterance the last frame belongs to, or undefined for silence. */
  readonly frameUtterance: Utterance | undefined;
  /**
   * True when the frame last returned is digital silence (all zeros): the sender then reuses
   * the encoded silence it already has instead of encoding the frame. Absent: always encode.
   */
  readonly frameIsSilence?: boolean;
  /** Index in `frameUtterance.pcm` of the first sample of the frame last returned. */
  readonly frameStartSample?: number;
}

/**
 * Plays queued utterances back to back, in order, and digital silence whenever the queue is
 * empty: the caller must never stop sending (LiveKit hangs up after 15 s without caller RTP).
 * The last frame of an utterance is zero-padded to the frame size.
 */
export class UtteranceQueue implements AudioSource {
  readonly frameSamples: number;
  private readonly frame: Int16Array;
  private readonly queue: Utterance[] = [];
  private current: Utterance | undefined;
  private position = 0;
  private frameIsSilent = true;
  private flags = 0;
  private utterance: Utterance | undefined;
  private startSample = 0;

  constructor(frameSamples = 160) {
    this.frameSamples = frameSamples;
    this.frame = new Int16Array(frameSamples);
  }

  /** Queues an utterance to play after those already queued. */
  enqueue(utterance: Utterance): void {
    const { pcm, speechEndSample } = utterance;
    if (pcm.length === 0) {
      throw new VoiceloadError('AUDIO_FORMAT', `utterance ${utterance.id} has no samples`);
    }
    if (!Number.isInteger(speechEndSample) || speechEndSample < 0 || speechEndSample > pcm.length) {
      throw new VoiceloadError(
        'AUDIO_FORMAT',
        `utterance ${utterance.id}: speechEndSample ${speechEndSample} outside [0, ${pcm.length}]`,
      );
    }
    this.queue.push(utterance);
  }

  /**
   * Drops the utterance being played and every queued one (barge-in): the next frame is silence
   * and no end flag is ever raised for them. Returns how many utterances were dropped.
   */
  clear(): number {
    const dropped = this.queue.length + (this.current === undefined ? 0 : 1);
    this.queue.length = 0;
    this.current = undefined;
    this.position = 0;
    return dropped;
  }

  /** Utterances queued and not yet started. */
  get pending(): number {
    return this.queue.length;
  }

  /** True while an utterance is being played. */
  get playing(): boolean {
    return this.current !== undefined;
  }

  get frameFlags(): number {
    return this.flags;
  }

  get frameIsSilence(): boolean {
    return this.frameIsSilent;
  }

  get frameUtterance(): Utterance | undefined {
    return this.utterance;
  }

  get frameStartSample(): number {
    return this.startSample;
  }

  nextFrame(): Int16Array {
    const n = this.frameSamples;
    const frame = this.frame;
    let flags = 0;
    if (this.current === undefined) {
      this.current = this.queue.shift();
      this.position = 0;
      if (this.current !== undefined) flags |= FrameFlag.UtteranceStart;
    }
    const cur = this.current;
    if (cur === undefined) {
      if (!this.frameIsSilent) frame.fill(0);
      this.frameIsSilent = true;
      this.flags = 0;
      this.utterance = undefined;
      return frame;
    }
    const start = this.position;
    this.startSample = start;
    const end = Math.min(start + n, cur.pcm.length);
    // A copy loop rather than set(subarray()): no view object per packet.
    const pcm = cur.pcm;
    for (let i = start; i < end; i++) frame[i - start] = pcm[i]!;
    if (end - start < n) frame.fill(0, end - start);
    this.frameIsSilent = false;
    const firstSpeech = cur.speechStartSample ?? 0;
    if (firstSpeech >= start && firstSpeech < start + n) flags |= FrameFlag.SpeechStart;
    const lastSpeech = Math.max(0, cur.speechEndSample - 1);
    if (lastSpeech >= start && lastSpeech < start + n) flags |= FrameFlag.SpeechEnd;
    this.position = end;
    if (end >= cur.pcm.length) {
      flags |= FrameFlag.UtteranceEnd;
      this.current = undefined;
    }
    this.flags = flags;
    this.utterance = cur;
    return frame;
  }
}

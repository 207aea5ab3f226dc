/**
 * Energy-based speech onset/offset detector for the far end's decoded audio.
 *
 * METRICS.md "Onset of agent speech": LiveKit sends RTP continuously (silence and comfort noise
 * included), so the first packet is not the first audio. A frame counts as speech when its level is
 * `marginDb` above an adaptive noise floor *and* above an absolute threshold; an onset is a run of
 * speech frames lasting at least `minSpeechMs`, timestamped at the arrival of the run's first frame
 * (the confirmation window adds no bias). An offset is `endSilenceMs` of non-speech after speech,
 * timestamped at the end of the last speech frame.
 *
 * The noise floor starts at the first frame's level (so the first frame is never speech), falls at
 * once to a short (60 ms) power average of quieter input, rises slowly towards louder non-speech
 * frames between utterances, and during an utterance is corrected by minimum statistics only.
 *
 * Levels are RMS relative to int16 full scale (a full-scale square wave is 0 dBFS, a full-scale
 * sine −3 dBFS). Cost per frame: one pass over the samples, no allocation.
 */

/** Level reported for an all-zero (or empty) frame; also the lowest level the floor can reach. */
export const MIN_LEVEL_DBFS = -100;

const FULL_SCALE_SQUARED = 32768 * 32768;
/** Time constant of the short power average the floor falls to (about three 20 ms frames). */
const SMOOTHING_MS = 60;

/**
 * RMS level of `pcm[start, end)` in dBFS, clamped at {@link MIN_LEVEL_DBFS}. Shared with the
 * offline speech-bounds finder so live and offline detection use the same framing and scale.
 */
export function levelDbfs(pcm: Int16Array, start = 0, end = pcm.length): number {
  const n = end - start;
  if (n <= 0) return MIN_LEVEL_DBFS;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const s = pcm[i]!;
    sum += s * s;
  }
  if (sum === 0) return MIN_LEVEL_DBFS;
  const db = 10 * Math.log10(sum / n / FULL_SCALE_SQUARED);
  return db < MIN_LEVEL_DBFS ? MIN_LEVEL_DBFS : db;
}

function dbToPower(db: number): number {
  return Math.pow(10, db / 10);
}

function powerToDb(p: number): number {
  return p > 0 ? Math.max(MIN_LEVEL_DBFS, 10 * Math.log10(p)) : MIN_LEVEL_DBFS;
}

export interface SpeechDetectorOptions {
  sampleRate: number;
  /** Shortest run of speech frames that counts as an onset. Default 60. */
  minSpeechMs?: number;
  /** Silence after speech that ends it (METRICS `replyEndSilenceMs`). Default 700. */
  endSilenceMs?: number;
  /** How far above the noise floor a frame must be to count as speech. Default 12. */
  marginDb?: number;
  /** A speech frame must also be above this level, so digital silence plus dither never triggers. Default −45. */
  absoluteThresholdDbfs?: number;
  /**
   * Time constant with which the floor follows louder non-speech background, smoothed in the power
   * domain (so it climbs out of digital silence quickly but ignores brief bumps), between
   * utterances only. Default 1000 ms. (Falling is immediate, to the 60 ms power average.)
   */
  floorRiseTimeMs?: number;
  /**
   * During speech the floor does not follow louder frames (the gaps between words hold decaying
   * speech). Instead, minimum statistics: every half window the floor is raised to the quietest
   * frame of the last `floorWindowMs` less `marginDb / 2`. Real speech dips near the background
   * within a window, so this changes little; a lasting step up in background noise never dips, and
   * is re-learnt as floor within one window instead of being held as endless speech. Default 2000 ms.
   */
  floorWindowMs?: number;
}

export type SpeechEvent =
  | { type: 'onset'; atMs: number }
  | { type: 'offset'; atMs: number; onsetAtMs: number };

export type SpeechState = 'silence' | 'speech';

export const SPEECH_DETECTOR_DEFAULTS = {
  minSpeechMs: 60,
  endSilenceMs: 700,
  marginDb: 12,
  absoluteThresholdDbfs: -45,
  floorRiseTimeMs: 1000,
  floorWindowMs: 2000,
} as const;

export class SpeechDetector {
  private readonly sampleRate: number;
  private readonly minSpeechMs: number;
  private readonly endSilenceMs: number;
  private readonly marginDb: number;
  private readonly absoluteThresholdDbfs: number;
  private readonly floorRiseTimeMs: number;
  private readonly floorWindowMs: number;

  private floorDb: number | undefined;
  private smoothedPower = 0;
  /** Minimum statistics during speech: quietest level in the current and the previous half window. */
  private blockMinDb = Infinity;
  private prevBlockMinDb = Infinity;
  private blockMs = 0;
  private current: SpeechState = 'silence';
  /** Candidate run (silence state): arrival of its first frame and its summed duration. */
  private runStartMs = 0;
  private runMs = 0;
  /** Speech state: when it began and the end of its latest speech frame. */
  private onsetAtMs = 0;
  private lastSpeechEndMs = 0;

  constructor(options: SpeechDetectorOptions) {
    if (!(options.sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${options.sampleRate}`);
    this.sampleRate = options.sampleRate;
    this.minSpeechMs = options.minSpeechMs ?? SPEECH_DETECTOR_DEFAULTS.minSpeechMs;
    this.endSilenceMs = options.endSilenceMs ?? SPEECH_DETECTOR_DEFAULTS.endSilenceMs;
    this.marginDb = options.marginDb ?? SPEECH_DETECTOR_DEFAULTS.marginDb;
    this.absoluteThresholdDbfs = options.absoluteThresholdDbfs ?? SPEECH_DETECTOR_DEFAULTS.absoluteThresholdDbfs;
    this.floorRiseTimeMs = options.floorRiseTimeMs ?? SPEECH_DETECTOR_DEFAULTS.floorRiseTimeMs;
    this.floorWindowMs = options.floorWindowMs ?? SPEECH_DETECTOR_DEFAULTS.floorWindowMs;
  }

  get state(): SpeechState {
    return this.current;
  }

  /**
   * In speech: the end of the latest frame that was speech itself (not a pause inside the
   * utterance). Undefined in silence.
   */
  get lastSpeechFrameEndMs(): number | undefined {
    return this.current === 'speech' ? this.lastSpeechEndMs : undefined;
  }

  /** Current noise-floor estimate in dBFS (undefined before the first frame). */
  get noiseFloorDbfs(): number | undefined {
    return this.floorDb;
  }

  /** Starts a new turn: back to silence, any candidate run dropped; the learnt noise floor is kept. */
  reset(): void {
    this.current = 'silence';
    this.runMs = 0;
    this.runStartMs = 0;
    this.onsetAtMs = 0;
    this.lastSpeechEndMs = 0;
  }

  /**
   * Feeds one decoded frame that arrived at `arrivalMs`. Frames may be any length; the frame's
   * duration is `pcm.length / sampleRate`. Returns an event on a state change.
   */
  push(pcm: Int16Array, arrivalMs: number): SpeechEvent | undefined {
    const frameMs = (pcm.length * 1000) / this.sampleRate;
    if (frameMs === 0) return undefined;
    const level = levelDbfs(pcm);
    const speech = this.classify(level, frameMs);

    if (this.current === 'silence') {
      if (!speech) {
        this.runMs = 0;
        return undefined;
      }
      if (this.runMs === 0) this.runStartMs = arrivalMs;
      this.runMs += frameMs;
      if (this.runMs < this.minSpeechMs) return undefined;
      this.current = 'speech';
      this.runMs = 0;
      this.onsetAtMs = this.runStartMs;
      this.lastSpeechEndMs = arrivalMs + frameMs;
      return { type: 'onset', atMs: this.onsetAtMs };
    }

    if (speech) {
      this.lastSpeechEndMs = arrivalMs + frameMs;
      return undefined;
    }
    if (arrivalMs + frameMs - this.lastSpeechEndMs < this.endSilenceMs) return undefined;
    this.current = 'silence';
    return { type: 'offset', atMs: this.lastSpeechEndMs, onsetAtMs: this.onsetAtMs };
  }

  /**
   * Ends speech when no frame has arrived at all for `endSilenceMs` (the far end stopped sending RTP,
   * as SIPp and some gateways do after an utterance): a gap in packets counts as silence.
   */
  idle(nowMs: number): SpeechEvent | undefined {
    if (this.current !== 'speech' || nowMs - this.lastSpeechEndMs < this.endSilenceMs) return undefined;
    this.current = 'silence';
    return { type: 'offset', atMs: this.lastSpeechEndMs, onsetAtMs: this.onsetAtMs };
  }

  /** Ends speech now, if any (the stream is over, e.g. the far end hung up): the offset is the end of its last speech frame. */
  flush(): SpeechEvent | undefined {
    if (this.current !== 'speech') return undefined;
    this.current = 'silence';
    this.runMs = 0;
    return { type: 'offset', atMs: this.lastSpeechEndMs, onsetAtMs: this.onsetAtMs };
  }

  /** Decides speech/non-speech against the floor as it was, then updates the floor. */
  private classify(level: number, frameMs: number): boolean {
    const power = dbToPower(level);
    if (this.floorDb === undefined) {
      // First frame: take it as the background (LiveKit starts with silence/comfort noise). If it
      // was speech after all, the floor falls to the first pause.
      this.floorDb = level;
      this.smoothedPower = power;
      return false;
    }
    const floor = this.floorDb;
    const speech = level >= floor + this.marginDb && level >= this.absoluteThresholdDbfs;
    // The floor follows a short power average, not the raw frame, so one dropped-out (all-zero)
    // frame in comfort noise cannot pull it to −100 dB and make the noise look like speech.
    this.smoothedPower += Math.min(1, frameMs / SMOOTHING_MS) * (power - this.smoothedPower);
    const smoothedDb = powerToDb(this.smoothedPower);
    if (smoothedDb <= floor) {
      this.floorDb = smoothedDb;
    } else if (!speech && level > floor && this.current === 'silence') {
      // Learn louder background only between utterances: within one, the gaps between words hold
      // decaying speech, not background, and would lift the floor over the utterance's quiet end.
      const a = Math.min(1, frameMs / this.floorRiseTimeMs);
      const p = dbToPower(floor);
      // Rise towards this frame (not the average, which may still hold the last word's energy).
      this.floorDb = Math.min(level, powerToDb(p + a * (power - p)));
    }
    if (this.current !== 'speech') {
      this.blockMinDb = Infinity;
      this.prevBlockMinDb = Infinity;
      this.blockMs = 0;
      return speech;
    }
    if (level < this.blockMinDb) this.blockMinDb = level;
    this.blockMs += frameMs;
    if (this.blockMs >= this.floorWindowMs / 2) {
      const windowMinDb = Math.min(this.blockMinDb, this.prevBlockMinDb);
      if (windowMinDb !== Infinity && this.prevBlockMinDb !== Infinity) {
        this.floorDb = Math.max(this.floorDb, windowMinDb - this.marginDb / 2);
      }
      this.prevBlockMinDb = this.blockMinDb;
      this.blockMinDb = Infinity;
      this.blockMs = 0;
    }
    return speech;
  }
}

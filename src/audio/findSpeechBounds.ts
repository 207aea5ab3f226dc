import { levelDbfs, SPEECH_DETECTOR_DEFAULTS } from '../media/speechDetector.js';

export interface SpeechBoundsOptions {
  /** Analysis frame. Default 20 ms (one RTP packet). */
  frameMs?: number;
  /** Shortest run of speech frames that counts, at either end. Default 60 (as the live detector). */
  minSpeechMs?: number;
  /**
   * Speech must be this far above the clip's noise floor, its 10th-percentile frame level (so a clip
   * needs some non-speech, at least a tenth of it, to have a floor below its speech). Default 12.
   */
  marginDb?: number;
  /** ...and above this absolute level. Default −45 dBFS. */
  absoluteThresholdDbfs?: number;
}

/** Where the speech in a clip is: `startSample` inclusive, `endSample` exclusive. */
export interface SpeechBounds {
  startSample: number;
  endSample: number;
  startMs: number;
  endMs: number;
  /** The level a frame had to reach, in dBFS. */
  thresholdDbfs: number;
}

/**
 * Offline counterpart of the live {@link SpeechDetector}: same framing and dB scale, but over the
 * whole clip at once, so the noise floor is simply a low percentile of all frame levels. Speech runs
 * from the first frame of the first long-enough run of speech frames to the last frame of the last
 * such run; both ends are then refined to the first/last sample whose magnitude reaches the
 * threshold's amplitude, looking one frame outside the run (speech may begin late in a frame whose
 * RMS stays below the threshold). Returns undefined when the clip holds no speech.
 */
export function findSpeechBounds(
  pcm: Int16Array,
  sampleRate: number,
  options: SpeechBoundsOptions = {},
): SpeechBounds | undefined {
  const frameMs = options.frameMs ?? 20;
  const minSpeechMs = options.minSpeechMs ?? SPEECH_DETECTOR_DEFAULTS.minSpeechMs;
  const marginDb = options.marginDb ?? SPEECH_DETECTOR_DEFAULTS.marginDb;
  const absoluteDbfs = options.absoluteThresholdDbfs ?? SPEECH_DETECTOR_DEFAULTS.absoluteThresholdDbfs;
  const frameLen = Math.max(1, Math.round((sampleRate * frameMs) / 1000));
  const frames = Math.ceil(pcm.length / frameLen);
  if (frames === 0) return undefined;

  const levels = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    levels[f] = levelDbfs(pcm, f * frameLen, Math.min(pcm.length, (f + 1) * frameLen));
  }
  const sorted = levels.slice().sort();
  const floorDb = sorted[Math.floor(0.1 * (frames - 1))]!;
  const thresholdDbfs = Math.max(absoluteDbfs, floorDb + marginDb);
  const minFrames = Math.max(1, Math.ceil(minSpeechMs / frameMs - 1e-9));

  let firstFrame = -1;
  let lastFrame = -1;
  let runStart = -1;
  for (let f = 0; f <= frames; f++) {
    const speech = f < frames && levels[f]! >= thresholdDbfs;
    if (speech) {
      if (runStart < 0) runStart = f;
      continue;
    }
    if (runStart >= 0 && f - runStart >= minFrames) {
      if (firstFrame < 0) firstFrame = runStart;
      lastFrame = f - 1;
    }
    runStart = -1;
  }
  if (firstFrame < 0) return undefined;

  const amplitude = 32768 * Math.pow(10, thresholdDbfs / 20);
  const runFirstSample = firstFrame * frameLen;
  const runEndSample = Math.min(pcm.length, (lastFrame + 1) * frameLen);
  let startSample = runFirstSample;
  for (let i = Math.max(0, runFirstSample - frameLen); i < runFirstSample + frameLen && i < pcm.length; i++) {
    if (Math.abs(pcm[i]!) >= amplitude) {
      startSample = i;
      break;
    }
  }
  let endSample = runEndSample;
  for (let i = Math.min(pcm.length, runEndSample + frameLen) - 1; i >= runEndSample - frameLen && i >= 0; i--) {
    if (Math.abs(pcm[i]!) >= amplitude) {
      endSample = i + 1;
      break;
    }
  }
  return {
    startSample,
    endSample,
    startMs: (startSample * 1000) / sampleRate,
    endMs: (endSample * 1000) / sampleRate,
    thresholdDbfs,
  };
}

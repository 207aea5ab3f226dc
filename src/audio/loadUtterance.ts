import { VoiceloadError } from '../core/errors.js';
import type { FfmpegLocation } from './findFfmpeg.js';
import { findSpeechBounds, type SpeechBoundsOptions } from './findSpeechBounds.js';
import { loadAudio, type LoadAudioOptions } from './loadAudio.js';
import { resample } from './resample.js';

/** The rate everything is sent at (G.711). */
export const UTTERANCE_SAMPLE_RATE = 8000;

/** A caller utterance ready to stream: 8 kHz mono int16 plus where its speech starts and ends. */
export interface Utterance {
  pcm8k: Int16Array;
  durationMs: number;
  /** First speech sample in `pcm8k` (inclusive). */
  speechStartSample: number;
  /** One past the last speech sample in `pcm8k`: trailing silence in the file is not speech (METRICS.md). */
  speechEndSample: number;
  speechStartMs: number;
  speechEndMs: number;
  sourceSampleRate: number;
  /** The ffmpeg that decoded the file, when it was not a WAV (for `--verbose`). */
  decodedWith?: FfmpegLocation;
}

/** Speech-detection settings plus where to find ffmpeg for non-WAV files. */
export interface LoadUtteranceOptions extends SpeechBoundsOptions, LoadAudioOptions {}

/**
 * Loads an audio file (WAV directly; mp3/ogg/flac/m4a through ffmpeg, see loadAudio), downmixes
 * and resamples it to 8 kHz, and locates its speech on the 8 kHz signal (what is actually sent). Throws `AUDIO_FILE`/`AUDIO_FORMAT`/`AUDIO_TRANSCODE` (see loadAudio), or
 * `AUDIO_FORMAT` when the file holds no speech.
 */
export function loadUtterance(path: string, options: LoadUtteranceOptions = {}): Utterance {
  const wav = loadAudio(path, options);
  const pcm8k = resample(wav.samples, wav.sampleRate, UTTERANCE_SAMPLE_RATE);
  const bounds = findSpeechBounds(pcm8k, UTTERANCE_SAMPLE_RATE, options);
  if (bounds === undefined) {
    throw new VoiceloadError('AUDIO_FORMAT', `${path}: no speech found (nothing above the speech threshold)`, {
      hint: 'the file looks silent or too quiet; normalise it (e.g. `sox in.wav out.wav norm -3`)',
    });
  }
  return {
    pcm8k,
    durationMs: (pcm8k.length * 1000) / UTTERANCE_SAMPLE_RATE,
    speechStartSample: bounds.startSample,
    speechEndSample: bounds.endSample,
    speechStartMs: bounds.startMs,
    speechEndMs: bounds.endMs,
    sourceSampleRate: wav.sampleRate,
    ...(wav.decodedWith === undefined ? {} : { decodedWith: wav.decodedWith }),
  };
}

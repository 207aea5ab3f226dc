import { findSpeechBounds, type SpeechBoundsOptions } from './findSpeechBounds.js';
import type { FfmpegLocation } from './findFfmpeg.js';
import { loadAudio, type LoadAudioOptions } from './loadAudio.js';
import { UTTERANCE_SAMPLE_RATE } from './loadUtterance.js';
import { resample } from './resample.js';

/** What `voiceload fixtures inspect` reports about a file. */
export interface AudioInspection {
  /** Length of the file's own samples. */
  durationMs: number;
  /** The file's own rate (before resampling to 8 kHz). */
  sampleRate: number;
  channels: number;
  /** Speech bounds on the 8 kHz audio as sent (as loadUtterance finds them); undefined when silent. */
  speechStartMs: number | undefined;
  speechEndMs: number | undefined;
  decodedWith?: FfmpegLocation;
}

export interface InspectAudioOptions extends SpeechBoundsOptions, LoadAudioOptions {}

/** Loads any audio file (see loadAudio) and measures it, without failing on a silent file. */
export function inspectAudio(path: string, options: InspectAudioOptions = {}): AudioInspection {
  const audio = loadAudio(path, options);
  const pcm8k = resample(audio.samples, audio.sampleRate, UTTERANCE_SAMPLE_RATE);
  const bounds = findSpeechBounds(pcm8k, UTTERANCE_SAMPLE_RATE, options);
  return {
    durationMs: (audio.samples.length * 1000) / audio.sampleRate,
    sampleRate: audio.sampleRate,
    channels: audio.channels,
    speechStartMs: bounds?.startMs,
    speechEndMs: bounds?.endMs,
    ...(audio.decodedWith === undefined ? {} : { decodedWith: audio.decodedWith }),
  };
}

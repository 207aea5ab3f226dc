import { readWav } from './readWav.js';
import { resample } from './resample.js';
import { findSpeechBounds } from './findSpeechBounds.js';
import { UTTERANCE_SAMPLE_RATE } from './loadUtterance.js';
import { synthesizeSpeech, type SynthesizeOptions } from './synthesizeSpeech.js';
import { writeWav } from './writeWav.js';
import { VoiceloadError } from '../core/errors.js';

export interface SynthesizedFixture {
  path: string;
  /** The engine's output came from the speech cache. */
  cached: boolean;
  durationMs: number;
  speechStartMs: number;
  speechEndMs: number;
}

/**
 * Speaks `text` (see synthesizeSpeech) and writes it to `outPath` as an 8 kHz mono 16-bit WAV — the
 * rate it is sent at, so the fixture needs no resampling when loaded. Returns its speech bounds.
 */
export async function synthesizeFixture(text: string, outPath: string, options: SynthesizeOptions = {}): Promise<SynthesizedFixture> {
  const speech = await synthesizeSpeech(text, options);
  const wav = readWav(speech.path);
  const pcm8k = resample(wav.samples, wav.sampleRate, UTTERANCE_SAMPLE_RATE);
  const bounds = findSpeechBounds(pcm8k, UTTERANCE_SAMPLE_RATE);
  if (bounds === undefined) {
    throw new VoiceloadError('AUDIO_SYNTH', `the synthesised speech for "${text}" holds no speech`, { hint: 'check the voice and text' });
  }
  writeWav(outPath, pcm8k, UTTERANCE_SAMPLE_RATE);
  return {
    path: outPath,
    cached: speech.cached,
    durationMs: (pcm8k.length * 1000) / UTTERANCE_SAMPLE_RATE,
    speechStartMs: bounds.startMs,
    speechEndMs: bounds.endMs,
  };
}

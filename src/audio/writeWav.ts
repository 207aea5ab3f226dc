import { writeFileSync } from 'node:fs';
import wavefile from 'wavefile';
import { VoiceloadError } from '../core/errors.js';

/** Encodes mono int16 samples as a 16-bit PCM RIFF/WAVE file (the inverse of readWav for such files). */
export function encodeWav(samples: Int16Array, sampleRate: number): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, sampleRate, '16', samples);
  return wav.toBuffer();
}

/** Writes mono int16 samples to `path` as a 16-bit PCM WAV. Errors: `AUDIO_FILE` naming the path. */
export function writeWav(path: string, samples: Int16Array, sampleRate: number): void {
  try {
    writeFileSync(path, encodeWav(samples, sampleRate));
  } catch (cause) {
    throw new VoiceloadError('AUDIO_FILE', `cannot write ${path}: ${(cause as Error).message}`, { cause, hint: 'check the directory exists and is writable' });
  }
}

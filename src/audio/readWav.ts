import { readFileSync } from 'node:fs';
import wavefile from 'wavefile';
import { VoiceloadError } from '../core/errors.js';

/** A decoded WAV file: mono int16 samples at the file's own rate. */
export interface WavAudio {
  sampleRate: number;
  /** Channel count in the file; `samples` is always mono (channels averaged). */
  channels: number;
  /** The file's sample format as wavefile names it: '8', '16', '24', '32', '32f', '64', '8m' (μ-law), '8a' (A-law). */
  bitDepth: string;
  samples: Int16Array;
}

/**
 * Reads a RIFF/WAVE file (PCM 8/16/24/32-bit integer, 32/64-bit float, G.711 μ-law/A-law; any rate,
 * any channel count) into mono int16. Errors: `AUDIO_FILE` when the file cannot be read,
 * `AUDIO_FORMAT` when it is not a WAV we can decode; both name the file.
 */
export function readWav(source: string | Uint8Array): WavAudio {
  const name = typeof source === 'string' ? source : '<buffer>';
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = readFileSync(source);
    } catch (cause) {
      throw new VoiceloadError('AUDIO_FILE', `cannot read audio file ${name}: ${(cause as Error).message}`, {
        cause,
        hint: 'check the path; audio fixtures are WAV files',
      });
    }
  } else {
    bytes = source;
  }

  let wav: InstanceType<typeof wavefile.WaveFile>;
  try {
    wav = new wavefile.WaveFile(bytes);
  } catch (cause) {
    throw formatError(name, `not a readable WAV file (${(cause as Error).message})`, cause);
  }

  const fmt = wav.fmt as { numChannels?: number; sampleRate?: number; blockAlign?: number };
  const channels = fmt.numChannels ?? 0;
  const sampleRate = fmt.sampleRate ?? 0;
  const blockAlign = fmt.blockAlign ?? 0;
  if (channels < 1 || !(sampleRate > 0) || blockAlign < 1) {
    throw formatError(name, `invalid WAV header (channels ${channels}, sample rate ${sampleRate})`);
  }
  // RIFF pads an odd-sized chunk with one byte (RIFF spec, "chunks"); wavefile returns that pad
  // byte as a sample, so the frame count comes from the data chunk's own size.
  const dataBytes = (wav.data as { chunkSize?: number }).chunkSize ?? 0;
  const frameCount = Math.floor(dataBytes / blockAlign);

  const bitDepth = wav.bitDepth;
  if (bitDepth === '8m' || bitDepth === '8a') {
    try {
      if (bitDepth === '8m') wav.fromMuLaw('16');
      else wav.fromALaw('16');
    } catch (cause) {
      throw formatError(name, `cannot decode G.711 WAV data (${(cause as Error).message})`, cause);
    }
  }
  const toInt16 = sampleConverter(wav.bitDepth);
  if (toInt16 === undefined) {
    throw formatError(name, `unsupported WAV sample format '${bitDepth}'`);
  }

  // Interleaved output is one flat array whatever the channel count.
  const interleaved = wav.getSamples(true, Float64Array);
  const frames = Math.min(frameCount, Math.floor(interleaved.length / channels));
  const samples = new Int16Array(frames);
  for (let i = 0, j = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += toInt16(interleaved[j++]!);
    samples[i] = clampInt16(Math.round(sum / channels));
  }
  return { sampleRate, channels, bitDepth, samples };
}

/** Maps the file's raw sample values onto the int16 scale (not yet rounded or clamped). */
function sampleConverter(bitDepth: string): ((v: number) => number) | undefined {
  if (bitDepth === '32f' || bitDepth === '64') return (v) => v * 32768;
  const bits = Number(bitDepth);
  if (!Number.isInteger(bits) || bits < 8 || bits > 32) return undefined;
  // WAV stores 8-bit samples unsigned (offset 128), wider ones signed.
  if (bits === 8) return (v) => (v - 128) * 256;
  const scale = Math.pow(2, 16 - bits);
  return (v) => v * scale;
}

function clampInt16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

function formatError(name: string, what: string, cause?: unknown): VoiceloadError {
  return new VoiceloadError('AUDIO_FORMAT', `${name}: ${what}`, {
    hint: 'use a PCM or float WAV file (e.g. `sox in.ext -b 16 out.wav`)',
    ...(cause === undefined ? {} : { cause }),
  });
}

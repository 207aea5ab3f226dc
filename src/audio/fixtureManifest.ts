import { basename } from 'node:path';
import { VoiceloadError } from '../core/errors.js';
import { findSpeechBounds, type SpeechBoundsOptions } from './findSpeechBounds.js';
import { loadUtterance } from './loadUtterance.js';
import { readWav } from './readWav.js';

export type FixtureRole = 'caller' | 'agent';

/**
 * One audio fixture as recorded in audio-fixtures/manifest.json. `speechStartMs`/`speechEndMs` are
 * measured on the file's own samples; the `…8kMs` pair on the 8 kHz audio that is actually sent
 * (what {@link loadUtterance} reports). They differ where speech begins or ends with a fricative
 * ("th", "s") whose energy lies mostly above 4 kHz and is removed by the resampler's low-pass.
 */
export interface FixtureManifestEntry {
  file: string;
  text: string;
  role: FixtureRole;
  sampleRate: number;
  durationMs: number;
  speechStartMs: number;
  speechEndMs: number;
  speechStart8kMs: number;
  speechEnd8kMs: number;
}

export interface FixtureManifest {
  /** How the file was made; regenerate rather than edit. */
  generatedBy: string;
  fixtures: FixtureManifestEntry[];
}

/** Rounds to 0.01 ms: finer than any consumer needs, and keeps the JSON readable. */
function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Measures one fixture file (speech offsets from {@link findSpeechBounds} on the file's own samples). */
export function describeFixture(
  path: string,
  text: string,
  role: FixtureRole,
  options: SpeechBoundsOptions = {},
): FixtureManifestEntry {
  const wav = readWav(path);
  const bounds = findSpeechBounds(wav.samples, wav.sampleRate, options);
  if (bounds === undefined) {
    throw new VoiceloadError('AUDIO_FORMAT', `${path}: no speech found`, { hint: 'regenerate the fixture' });
  }
  const sent = loadUtterance(path, options);
  return {
    file: basename(path),
    text,
    role,
    sampleRate: wav.sampleRate,
    durationMs: roundMs((wav.samples.length * 1000) / wav.sampleRate),
    speechStartMs: roundMs(bounds.startMs),
    speechEndMs: roundMs(bounds.endMs),
    speechStart8kMs: roundMs(sent.speechStartMs),
    speechEnd8kMs: roundMs(sent.speechEndMs),
  };
}

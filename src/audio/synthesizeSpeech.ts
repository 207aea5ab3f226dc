import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VoiceloadError } from '../core/errors.js';

/** Where synthesised utterances are kept between runs (git-ignored). */
export const DEFAULT_SPEECH_CACHE_DIR = fileURLToPath(new URL('../../audio-fixtures/.cache/', import.meta.url));

/** Runs the TTS engine binary with an argument array (never a shell); rejects with the spawn/exit error. */
export type SpeechEngineRunner = (command: string, args: readonly string[]) => Promise<void>;

export interface SynthesizeOptions {
  /** espeak-ng voice. Default 'en-us'. */
  voice?: string;
  /** Speaking rate in words per minute (espeak-ng `-s`). Default 160. */
  rateWpm?: number;
  /** Default audio-fixtures/.cache/ in the repository. */
  cacheDir?: string;
  /** The engine binary. Default 'espeak-ng' (found on PATH). */
  engine?: string;
  /** Injected in tests; default spawns the engine with execFile. */
  run?: SpeechEngineRunner;
}

export interface SynthesizedSpeech {
  /** The cached WAV file (the engine's own rate: 22.05 kHz for espeak-ng). */
  path: string;
  /** True when the file was already in the cache and the engine was not run. */
  cached: boolean;
}

const INSTALL_HINT = 'install espeak-ng (`apt-get install espeak-ng`) or give the utterance as `audio:` with a recorded file';

/**
 * Turns `text` into a WAV file with espeak-ng, once: the file is cached under a hash of
 * engine + voice + rate + text, so later runs (and other processes) reuse it. The engine writes to a
 * unique temporary name in the cache directory and the file is renamed into place (rename is atomic
 * on one file system), so a concurrent reader never sees a half-written WAV.
 * Errors: `AUDIO_SYNTH` when the engine is missing or fails.
 */
export async function synthesizeSpeech(text: string, options: SynthesizeOptions = {}): Promise<SynthesizedSpeech> {
  const voice = options.voice ?? 'en-us';
  const rateWpm = options.rateWpm ?? 160;
  const engine = options.engine ?? 'espeak-ng';
  const cacheDir = options.cacheDir ?? DEFAULT_SPEECH_CACHE_DIR;
  const run = options.run ?? runEngine;
  if (text.trim() === '') {
    throw new VoiceloadError('AUDIO_SYNTH', 'cannot synthesise empty text', { hint: 'give the caller something to say' });
  }
  if (!(rateWpm > 0) || !Number.isFinite(rateWpm)) {
    throw new VoiceloadError('AUDIO_SYNTH', `speaking rate must be a positive number of words per minute, got ${rateWpm}`);
  }

  const path = join(cacheDir, `${speechCacheKey(engine, voice, rateWpm, text)}.wav`);
  if (isNonEmptyFile(path)) return { path, cached: true };

  mkdirSync(cacheDir, { recursive: true });
  const tmp = join(cacheDir, `.${process.pid}-${randomBytes(6).toString('hex')}.tmp.wav`);
  try {
    // `--` ends the options: text that starts with '-' is still text.
    await run(engine, ['-v', voice, '-s', String(Math.round(rateWpm)), '-w', tmp, '--', text]);
  } catch (cause) {
    rmSync(tmp, { force: true });
    throw engineError(engine, cause);
  }
  if (!isNonEmptyFile(tmp)) {
    rmSync(tmp, { force: true });
    throw new VoiceloadError('AUDIO_SYNTH', `${engine} wrote no audio for "${text}" (voice ${voice})`, {
      hint: `check the voice name (\`${engine} --voices\`)`,
    });
  }
  renameSync(tmp, path);
  return { path, cached: false };
}

/** The cache file name: sha256 over the fields, separated so "a"+"bc" and "ab"+"c" differ. */
export function speechCacheKey(engine: string, voice: string, rateWpm: number, text: string): string {
  return createHash('sha256').update(JSON.stringify([engine, voice, rateWpm, text])).digest('hex');
}

function isNonEmptyFile(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

function runEngine(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else reject(Object.assign(error, { stderr: String(stderr) }));
    });
  });
}

function engineError(engine: string, cause: unknown): VoiceloadError {
  const e = cause as { code?: unknown; message?: string; stderr?: string };
  if (e.code === 'ENOENT' || e.code === 'EACCES') {
    return new VoiceloadError('AUDIO_SYNTH', `speech engine ${engine} not found (needed for \`text:\` utterances)`, {
      cause,
      hint: INSTALL_HINT,
    });
  }
  const detail = (e.stderr ?? '').trim() || (e.message ?? String(cause));
  return new VoiceloadError('AUDIO_SYNTH', `speech engine ${engine} failed: ${detail}`, { cause, hint: INSTALL_HINT });
}

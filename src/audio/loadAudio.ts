import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { VoiceloadError } from '../core/errors.js';
import { findFfmpeg, type FfmpegLocation, type FindFfmpegOptions } from './findFfmpeg.js';
import { readWav, type WavAudio } from './readWav.js';

export interface LoadAudioOptions extends FindFfmpegOptions {}

/** A decoded audio file: as {@link WavAudio}, plus the ffmpeg that decoded it when it was not a WAV. */
export interface LoadedAudio extends WavAudio {
  decodedWith?: FfmpegLocation;
}

/** Large enough for hours of 48 kHz stereo PCM; spawnSync's default (1 MiB) is not. */
const MAX_DECODED_BYTES = 2 ** 31 - 1;

/**
 * Loads any audio file as mono int16 at its own rate. RIFF/WAVE files are read directly
 * ({@link readWav}); anything else (mp3, ogg, flac, m4a, ...) is decoded by ffmpeg (see
 * {@link findFfmpeg}) to 16-bit PCM WAV on stdout and then read the same way. ffmpeg keeps the
 * source's rate and channels: downmixing and rate conversion stay with our own readWav/resample, so
 * a WAV and a compressed copy of it go through the same low-pass, and the source rate can be reported.
 * Synchronous on purpose: files are loaded once, before a run, and callers (loadUtterance) are sync.
 * Errors: `AUDIO_FILE` (unreadable), `AUDIO_TRANSCODE` (no ffmpeg, or it cannot be run),
 * `AUDIO_FORMAT` (ffmpeg or readWav cannot decode it).
 */
export function loadAudio(path: string, options: LoadAudioOptions = {}): LoadedAudio {
  if (isRiffWave(path)) return readWav(path);
  const ffmpeg = findFfmpeg(options);
  if (ffmpeg === undefined) {
    throw new VoiceloadError('AUDIO_TRANSCODE', `${path} is not a WAV file and no ffmpeg was found to decode it`, {
      hint: NO_FFMPEG_HINT,
    });
  }
  const result = spawnSync(
    ffmpeg.path,
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', path, '-vn', '-map_metadata', '-1', '-c:a', 'pcm_s16le', '-f', 'wav', '-'],
    { maxBuffer: MAX_DECODED_BYTES, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
  if (result.error !== undefined) {
    const code = (result.error as { code?: unknown }).code;
    throw new VoiceloadError('AUDIO_TRANSCODE', `cannot run ffmpeg ${ffmpeg.path} (from ${ffmpeg.source}) to decode ${path}: ${result.error.message}`, {
      cause: result.error,
      hint: code === 'ENOENT' || code === 'EACCES' ? NO_FFMPEG_HINT : 'the file may be too large or ffmpeg hung; convert it to WAV first',
    });
  }
  if (result.status !== 0) {
    const detail = result.stderr.toString().trim().split('\n').slice(-3).join('; ');
    throw new VoiceloadError('AUDIO_FORMAT', `${path}: ffmpeg (${ffmpeg.path}) cannot decode it: ${detail || `exit ${String(result.status)}`}`, {
      hint: 'check the file plays (`ffplay FILE`), or convert it to WAV',
    });
  }
  const wav = readWav(patchStreamedWavSizes(result.stdout));
  return { ...wav, decodedWith: ffmpeg };
}

const NO_FFMPEG_HINT =
  "install ffmpeg (Debian: `apt-get install ffmpeg`) or set FFMPEG_PATH to an ffmpeg binary, or convert the file to WAV (e.g. `sox in.mp3 -b 16 out.wav`)";

/** True when the file starts with a RIFF/WAVE header (the extension is not trusted). */
function isRiffWave(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    throw new VoiceloadError('AUDIO_FILE', `cannot read audio file ${path}: ${(cause as Error).message}`, {
      cause,
      hint: 'check the path',
    });
  }
  try {
    const head = Buffer.alloc(12);
    const n = readSync(fd, head, 0, 12, 0);
    return n === 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE';
  } finally {
    closeSync(fd);
  }
}

/**
 * ffmpeg writing WAV to a pipe cannot seek back to fill in the sizes, so the RIFF and `data` chunk
 * sizes are left as 0xFFFFFFFF. Sets them from the bytes actually received (RIFF: size excludes the
 * 8-byte chunk header). Returns the buffer (patched in place) unchanged if it is not RIFF/WAVE.
 */
export function patchStreamedWavSizes(bytes: Buffer): Buffer {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') return bytes;
  bytes.writeUInt32LE(bytes.length - 8, 4);
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('latin1', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const available = bytes.length - offset - 8;
    if (id === 'data') {
      if (size > available) bytes.writeUInt32LE(available, offset + 4);
      break;
    }
    offset += 8 + size + (size % 2); // chunks are word-aligned (RIFF pad byte)
  }
  return bytes;
}

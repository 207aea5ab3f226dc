import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wavefile from 'wavefile';
import { loadAudio, patchStreamedWavSizes } from '../../src/audio/loadAudio.js';
import { loadUtterance } from '../../src/audio/loadUtterance.js';
import { findFfmpeg } from '../../src/audio/findFfmpeg.js';
import { readWav } from '../../src/audio/readWav.js';
import { isVoiceloadError } from '../../src/core/errors.js';

const FIXTURE = fileURLToPath(new URL('../../audio-fixtures/caller-order-status.wav', import.meta.url));

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-load-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ffmpeg(): string {
  const found = findFfmpeg();
  assert.ok(found !== undefined, 'ffmpeg is needed for this test (Debian package ffmpeg; .ci/run installs it)');
  return found.path;
}

test('a WAV loads without ffmpeg, even when the ffmpeg given does not exist', () => {
  const audio = loadAudio(FIXTURE, { ffmpegPath: '/nonexistent/ffmpeg', env: { PATH: '' } });
  const direct = readWav(FIXTURE);
  assert.equal(audio.sampleRate, direct.sampleRate);
  assert.deepEqual(audio.samples, direct.samples);
  assert.equal(audio.decodedWith, undefined);
});

test('ogg and flac copies of a fixture decode through ffmpeg with speech bounds within 20 ms of the WAV', () => {
  withTempDir((dir) => {
    const bin = ffmpeg();
    const wav = loadUtterance(FIXTURE);
    // Vorbis at its default quality (q3) spreads coding noise under this clip's final "s" and moves
    // the detected end by ~40 ms; at q8 it stays within a few ms.
    const encodings = [['ogg', ['-c:a', 'libvorbis', '-q:a', '8']], ['flac', ['-c:a', 'flac']]] as const;
    for (const [ext, codec] of encodings) {
      const path = join(dir, `copy.${ext}`);
      execFileSync(bin, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', FIXTURE, ...codec, path]);
      const u = loadUtterance(path);
      assert.ok(u.decodedWith !== undefined && u.decodedWith.path.length > 0, `${ext} went through ffmpeg`);
      assert.equal(u.sourceSampleRate, readWav(FIXTURE).sampleRate);
      assert.ok(Math.abs(u.pcm8k.length - wav.pcm8k.length) <= 8 * 20, `${ext} duration ${u.durationMs} vs ${wav.durationMs}`);
      assert.ok(Math.abs(u.speechStartMs - wav.speechStartMs) <= 20, `${ext} start ${u.speechStartMs} vs ${wav.speechStartMs}`);
      assert.ok(Math.abs(u.speechEndMs - wav.speechEndMs) <= 20, `${ext} end ${u.speechEndMs} vs ${wav.speechEndMs}`);
    }
  });
});

test('a lossless flac decodes to exactly the WAV samples', () => {
  withTempDir((dir) => {
    const path = join(dir, 'copy.flac');
    execFileSync(ffmpeg(), ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', FIXTURE, path]);
    assert.deepEqual(loadAudio(path).samples, readWav(FIXTURE).samples);
  });
});

test('a non-WAV file with an ffmpeg that does not exist is AUDIO_TRANSCODE with an install hint', () => {
  withTempDir((dir) => {
    const path = join(dir, 'x.mp3');
    writeFileSync(path, Buffer.from('ID3 not really an mp3'));
    assert.throws(
      () => loadAudio(path, { ffmpegPath: join(dir, 'no-ffmpeg') }),
      (e) => isVoiceloadError(e) && e.code === 'AUDIO_TRANSCODE' && /FFMPEG_PATH/.test(e.hint ?? '') && /apt-get install ffmpeg/.test(e.hint ?? ''),
    );
    // No ffmpeg anywhere (the optional package is absent or binary-less here, PATH is empty).
    assert.throws(
      () => loadAudio(path, { env: { PATH: '' }, ffmpegStatic: () => undefined }),
      (e) => isVoiceloadError(e) && e.code === 'AUDIO_TRANSCODE' && e.message.includes(path),
    );
  });
});

test('a file ffmpeg cannot decode is AUDIO_FORMAT naming the file', () => {
  withTempDir((dir) => {
    const path = join(dir, 'junk.ogg');
    writeFileSync(path, Buffer.alloc(2000, 7));
    assert.throws(
      () => loadAudio(path, { ffmpegPath: ffmpeg() }),
      (e) => isVoiceloadError(e) && e.code === 'AUDIO_FORMAT' && e.message.includes(path),
    );
  });
});

test('a streamed WAV with 0xFFFFFFFF sizes is patched to the bytes received', () => {
  const w = new wavefile.WaveFile();
  const samples = Int16Array.from({ length: 101 }, (_, i) => i * 100 - 5000);
  w.fromScratch(1, 8000, '16', samples);
  const bytes = Buffer.from(w.toBuffer());
  const dataAt = bytes.indexOf('data', 12, 'latin1');
  const streamed = Buffer.from(bytes);
  streamed.writeUInt32LE(0xffffffff, 4);
  streamed.writeUInt32LE(0xffffffff, dataAt + 4);
  const patched = patchStreamedWavSizes(streamed);
  assert.deepEqual(patched, bytes);
  assert.deepEqual(readWav(patched).samples, samples);
});

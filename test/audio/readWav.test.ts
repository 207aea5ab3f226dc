import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { readWav } from '../../src/audio/readWav.js';
import { isVoiceloadError } from '../../src/core/errors.js';

function wavBytes(channels: number, rate: number, bitDepth: string, data: number[][]): Uint8Array {
  const w = new wavefile.WaveFile();
  w.fromScratch(channels, rate, bitDepth, channels === 1 ? data[0]! : data);
  return w.toBuffer();
}

test('16-bit mono is read sample-exact, with rate and channel count', () => {
  const data = [0, 1, -1, 32767, -32768, 1234, -4321];
  const wav = readWav(wavBytes(1, 22050, '16', [data]));
  assert.equal(wav.sampleRate, 22050);
  assert.equal(wav.channels, 1);
  assert.equal(wav.bitDepth, '16');
  assert.deepEqual(Array.from(wav.samples), data);
});

test('stereo is downmixed to the rounded mean of the channels', () => {
  const left = [1000, -2000, 3001, 32767];
  const right = [0, -2000, -3000, 32767];
  const wav = readWav(wavBytes(2, 8000, '16', [left, right]));
  assert.equal(wav.channels, 2);
  assert.deepEqual(
    Array.from(wav.samples),
    left.map((l, i) => Math.round((l + right[i]!) / 2)),
  );
});

test('8-bit (unsigned), 24-bit, 32-bit integer and float formats map onto the int16 scale', () => {
  const u8 = readWav(wavBytes(1, 8000, '8', [[128, 255, 0, 129]]));
  assert.deepEqual(Array.from(u8.samples), [0, 127 * 256, -32768, 256]);

  const s24 = readWav(wavBytes(1, 16000, '24', [[0, 8388607, -8388608, 256 * 1000 + 100]]));
  assert.deepEqual(Array.from(s24.samples), [0, 32767, -32768, 1000]);

  const s32 = readWav(wavBytes(1, 48000, '32', [[0, 2147483647, -2147483648, 65536 * -77]]));
  assert.deepEqual(Array.from(s32.samples), [0, 32767, -32768, -77]);

  const f32 = readWav(wavBytes(1, 44100, '32f', [[0, 0.5, -1, 1.5, -0.25]]));
  assert.equal(f32.bitDepth, '32f');
  assert.deepEqual(Array.from(f32.samples), [0, 16384, -32768, 32767, -8192]);

  const f64 = readWav(wavBytes(1, 44100, '64', [[0.25, -0.5]]));
  assert.deepEqual(Array.from(f64.samples), [8192, -16384]);
});

test('G.711 μ-law WAV is decoded', () => {
  const w = new wavefile.WaveFile();
  const pcm = [0, 1000, -1000, 8000, -30000, 20]; // even: wavefile's writer counts an odd chunk's pad byte as data
  w.fromScratch(1, 8000, '16', pcm);
  w.toMuLaw();
  const wav = readWav(w.toBuffer());
  assert.equal(wav.bitDepth, '8m');
  // μ-law keeps ~3% relative precision.
  wav.samples.forEach((s, i) => assert.ok(Math.abs(s - pcm[i]!) <= Math.abs(pcm[i]!) * 0.04 + 8, `${s} vs ${pcm[i]}`));
});

test('real sox-written variants (24-bit, float, 8-bit, stereo) decode to the same audio as the 16-bit source', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-wav-'));
  try {
    const src = 'audio-fixtures/caller-goodbye.wav';
    const ref = readWav(src).samples;
    const variants: Array<[string, string[], number]> = [
      ['s24.wav', ['-b', '24'], 1],
      ['f32.wav', ['-e', 'floating-point', '-b', '32'], 1],
      ['u8.wav', ['-e', 'unsigned-integer', '-b', '8'], 256], // 8-bit keeps the top byte
      ['stereo.wav', ['-c', '2'], 1],
    ];
    for (const [name, args, tolerance] of variants) {
      const out = join(dir, name);
      execFileSync('sox', ['-D', src, ...args, out], { timeout: 10_000 });
      const wav = readWav(out);
      assert.equal(wav.sampleRate, 22050, name);
      assert.equal(wav.samples.length, ref.length, name);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(wav.samples[i]! - ref[i]!));
      assert.ok(worst <= tolerance, `${name}: max difference ${worst}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing file is AUDIO_FILE and a non-WAV is AUDIO_FORMAT, both naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-wav-'));
  try {
    const missing = join(dir, 'nope.wav');
    assert.throws(
      () => readWav(missing),
      (e) => isVoiceloadError(e) && e.code === 'AUDIO_FILE' && e.message.includes(missing),
    );
    const junk = join(dir, 'junk.wav');
    writeFileSync(junk, 'this is not a RIFF file at all, just text');
    assert.throws(
      () => readWav(junk),
      (e) => isVoiceloadError(e) && e.code === 'AUDIO_FORMAT' && e.message.includes(junk),
    );
    const truncated = join(dir, 'truncated.wav');
    writeFileSync(truncated, Buffer.from(wavBytes(1, 8000, '16', [[1, 2, 3]])).subarray(0, 20));
    assert.throws(
      () => readWav(truncated),
      (e) => isVoiceloadError(e) && e.code === 'AUDIO_FORMAT' && e.message.includes(truncated),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav, writeWav } from '../../src/audio/writeWav.js';
import { readWav } from '../../src/audio/readWav.js';
import { isVoiceloadError } from '../../src/core/errors.js';
import { addNoise } from './signals.js';

test('encodeWav and readWav round-trip mono int16 exactly, odd lengths and extremes included', () => {
  const samples = new Int16Array(8001);
  addNoise(samples, -12, 3);
  samples[0] = -32768;
  samples[1] = 32767;
  const bytes = encodeWav(samples, 8000);
  const back = readWav(bytes);
  assert.equal(back.sampleRate, 8000);
  assert.equal(back.channels, 1);
  assert.equal(back.bitDepth, '16');
  assert.deepEqual(back.samples, samples);
  // Re-encoding what was read gives the same bytes.
  assert.deepEqual(encodeWav(back.samples, back.sampleRate), bytes);
});

test('writeWav writes the encoded bytes; an unwritable path is AUDIO_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-wav-'));
  try {
    const samples = Int16Array.from([1, -2, 3, -4]);
    const path = join(dir, 'x.wav');
    writeWav(path, samples, 16000);
    assert.deepEqual(new Uint8Array(readFileSync(path)), encodeWav(samples, 16000));
    assert.throws(
      () => writeWav(join(dir, 'missing', 'x.wav'), samples, 8000),
      (e) => isVoiceloadError(e) && e.code === 'AUDIO_FILE',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

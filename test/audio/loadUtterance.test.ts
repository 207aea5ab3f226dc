import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { loadUtterance } from '../../src/audio/loadUtterance.js';
import { isVoiceloadError } from '../../src/core/errors.js';
import { addTone } from './signals.js';

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-utt-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeWav(path: string, rate: number, channels: number, samples: Int16Array): void {
  const w = new wavefile.WaveFile();
  w.fromScratch(channels, rate, '16', channels === 1 ? samples : [samples, samples]);
  writeFileSync(path, w.toBuffer());
}

test('a 22.05 kHz stereo WAV with known silence is resampled to 8 kHz with speech bounds ±10 ms', () => {
  withTempDir((dir) => {
    const rate = 22050;
    const leadMs = 312;
    const speechMs = 1500;
    const tailMs = 241;
    const x = new Int16Array(Math.round((rate * (leadMs + speechMs + tailMs)) / 1000));
    const start = Math.round((rate * leadMs) / 1000);
    const end = Math.round((rate * (leadMs + speechMs)) / 1000);
    addTone(x, rate, 300, -18, start, end);
    addTone(x, rate, 900, -26, start, end);
    const path = join(dir, 'u.wav');
    writeWav(path, rate, 2, x);

    const u = loadUtterance(path);
    assert.equal(u.sourceSampleRate, rate);
    assert.equal(u.pcm8k.length, Math.floor((x.length * 8000) / rate));
    assert.equal(u.durationMs, (u.pcm8k.length * 1000) / 8000);
    assert.ok(Math.abs(u.speechStartMs - leadMs) <= 10, `start ${u.speechStartMs}`);
    assert.ok(Math.abs(u.speechEndMs - (leadMs + speechMs)) <= 10, `end ${u.speechEndMs}`);
    assert.equal(u.speechStartMs, (u.speechStartSample * 1000) / 8000);
    assert.equal(u.speechEndMs, (u.speechEndSample * 1000) / 8000);
  });
});

test('a silent file is AUDIO_FORMAT (no speech) and a missing one AUDIO_FILE', () => {
  withTempDir((dir) => {
    const path = join(dir, 'silent.wav');
    writeWav(path, 8000, 1, new Int16Array(8000));
    assert.throws(
      () => loadUtterance(path),
      (e) => isVoiceloadError(e) && e.code === 'AUDIO_FORMAT' && e.message.includes(path),
    );
    assert.throws(
      () => loadUtterance(join(dir, 'missing.wav')),
      (e) => isVoiceloadError(e) && e.code === 'AUDIO_FILE',
    );
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeSpeech, type SpeechEngineRunner } from '../../src/audio/synthesizeSpeech.js';
import { readWav } from '../../src/audio/readWav.js';
import { findSpeechBounds } from '../../src/audio/findSpeechBounds.js';
import { isVoiceloadError } from '../../src/core/errors.js';

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-tts-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The real engine, counting its runs. */
function countingRunner(): { run: SpeechEngineRunner; calls: string[][] } {
  const calls: string[][] = [];
  const run: SpeechEngineRunner = (command, args) => {
    calls.push([command, ...args]);
    return new Promise((resolve, reject) => execFile(command, args, (e) => (e === null ? resolve() : reject(e))));
  };
  return { run, calls };
}

test('espeak-ng speech is synthesised once: the second request is served from the cache without running the engine', async () => {
  await withTempDir(async (cacheDir) => {
    const { run, calls } = countingRunner();
    const first = await synthesizeSpeech('Where is my parcel?', { cacheDir, run });
    assert.equal(first.cached, false);
    assert.equal(calls.length, 1);
    const wav = readWav(first.path);
    assert.ok(findSpeechBounds(wav.samples, wav.sampleRate) !== undefined, 'the file holds speech');
    const mtime = statSync(first.path).mtimeMs;

    const second = await synthesizeSpeech('Where is my parcel?', { cacheDir, run });
    assert.equal(second.cached, true);
    assert.equal(second.path, first.path);
    assert.equal(calls.length, 1, 'the engine did not run again');
    assert.equal(statSync(second.path).mtimeMs, mtime);
    // No temporary files are left behind.
    assert.deepEqual(readdirSync(cacheDir), [first.path.slice(cacheDir.length + 1)]);
  });
});

test('a different voice or rate is a different cache entry; the engine gets voice and rate as arguments', async () => {
  await withTempDir(async (cacheDir) => {
    const { run, calls } = countingRunner();
    const a = await synthesizeSpeech('Thanks a lot.', { cacheDir, run });
    const b = await synthesizeSpeech('Thanks a lot.', { cacheDir, run, voice: 'en-gb' });
    const c = await synthesizeSpeech('Thanks a lot.', { cacheDir, run, rateWpm: 120 });
    assert.equal(new Set([a.path, b.path, c.path]).size, 3);
    assert.equal(b.cached, false);
    assert.equal(c.cached, false);
    assert.equal(calls.length, 3);
    assert.deepEqual(calls[1]!.slice(1, 5), ['-v', 'en-gb', '-s', '160']);
    assert.deepEqual(calls[2]!.slice(1, 5), ['-v', 'en-us', '-s', '120']);
    // Slower speech lasts longer: the rate reached the engine.
    assert.ok(readWav(c.path).samples.length > readWav(a.path).samples.length);
  });
});

test('a missing engine is AUDIO_SYNTH with a hint to install espeak-ng or use audio:', async () => {
  await withTempDir(async (cacheDir) => {
    const engine = join(cacheDir, 'no-such-espeak');
    await assert.rejects(synthesizeSpeech('Hello.', { cacheDir, engine }), (e: unknown) => {
      assert.ok(isVoiceloadError(e));
      assert.equal(e.code, 'AUDIO_SYNTH');
      assert.match(e.message, /no-such-espeak/);
      assert.match(e.hint ?? '', /apt-get install espeak-ng/);
      assert.match(e.hint ?? '', /audio:/);
      return true;
    });
    assert.deepEqual(readdirSync(cacheDir), [], 'nothing cached, no temporary file left');
  });
});

test('an engine failure (unknown voice) is AUDIO_SYNTH and caches nothing', async () => {
  await withTempDir(async (cacheDir) => {
    await assert.rejects(synthesizeSpeech('Hello.', { cacheDir, voice: 'qqqnotavoice' }), (e: unknown) => {
      assert.ok(isVoiceloadError(e));
      assert.equal(e.code, 'AUDIO_SYNTH');
      return true;
    });
    assert.deepEqual(readdirSync(cacheDir), []);
  });
});

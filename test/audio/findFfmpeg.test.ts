import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findFfmpeg } from '../../src/audio/findFfmpeg.js';

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-ffmpeg-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fakeBinary(dir: string, name: string, executable = true): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, executable ? 0o755 : 0o644);
  return path;
}

test('ffmpeg is looked up in order: option, FFMPEG_PATH, ffmpeg-static with a binary, PATH', () => {
  withTempDir((dir) => {
    const staticBin = fakeBinary(join(dir, 'static'), 'ffmpeg');
    const pathBin = fakeBinary(join(dir, 'bin'), 'ffmpeg');
    const env = { FFMPEG_PATH: '/opt/ff/ffmpeg', PATH: [join(dir, 'empty'), join(dir, 'bin')].join(delimiter) };
    const ffmpegStatic = (): string => staticBin;
    assert.deepEqual(findFfmpeg({ ffmpegPath: '/x/ffmpeg', env, ffmpegStatic }), { path: '/x/ffmpeg', source: 'option' });
    assert.deepEqual(findFfmpeg({ env, ffmpegStatic }), { path: '/opt/ff/ffmpeg', source: 'FFMPEG_PATH' });
    const noEnv = { PATH: env.PATH };
    assert.deepEqual(findFfmpeg({ env: noEnv, ffmpegStatic }), { path: staticBin, source: 'ffmpeg-static' });
    assert.deepEqual(findFfmpeg({ env: noEnv, ffmpegStatic: () => undefined }), { path: pathBin, source: 'PATH' });
  });
});

test('an ffmpeg-static package whose download failed (path given, no file) or that returns null is skipped', () => {
  withTempDir((dir) => {
    const pathBin = fakeBinary(join(dir, 'bin'), 'ffmpeg');
    const env = { PATH: join(dir, 'bin') };
    assert.deepEqual(findFfmpeg({ env, ffmpegStatic: () => join(dir, 'node_modules/ffmpeg-static/ffmpeg') }), { path: pathBin, source: 'PATH' });
    assert.deepEqual(findFfmpeg({ env, ffmpegStatic: () => null }), { path: pathBin, source: 'PATH' });
  });
});

test('a non-executable ffmpeg on PATH is skipped; none at all is undefined', () => {
  withTempDir((dir) => {
    fakeBinary(join(dir, 'a'), 'ffmpeg', false);
    const good = fakeBinary(join(dir, 'b'), 'ffmpeg');
    const env = { PATH: [join(dir, 'a'), join(dir, 'b')].join(delimiter) };
    assert.deepEqual(findFfmpeg({ env, ffmpegStatic: () => undefined }), { path: good, source: 'PATH' });
    assert.equal(findFfmpeg({ env: { PATH: join(dir, 'a') }, ffmpegStatic: () => undefined }), undefined);
  });
});

test('the real lookup (the optional package, absent or binary-less here) does not throw', () => {
  const found = findFfmpeg({ env: { PATH: '' } });
  // Without PATH only ffmpeg-static can answer, and only with a binary that exists.
  assert.ok(found === undefined || found.source === 'ffmpeg-static');
});

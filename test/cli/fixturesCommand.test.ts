import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixtureManifest } from '../../src/audio/fixtureManifest.js';
import { findFfmpeg } from '../../src/audio/findFfmpeg.js';
import { loadUtterance } from '../../src/audio/loadUtterance.js';
import { readWav } from '../../src/audio/readWav.js';
import { runCli } from '../interop/helpers/runCli.js';

const FIXTURES = fileURLToPath(new URL('../../audio-fixtures/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as FixtureManifest;

function entry(file: string): FixtureManifest['fixtures'][number] {
  const e = manifest.fixtures.find((f) => f.file === file);
  assert.ok(e !== undefined, `${file} is in the manifest`);
  return e;
}

/** `key: value` lines → record. */
function parseLines(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

test('fixtures inspect prints the committed fixture\'s duration, rate, channels and 8 kHz speech bounds as the manifest records them', async () => {
  const e = entry('caller-order-status.wav');
  const run = await runCli(['fixtures', 'inspect', join(FIXTURES, e.file)]);
  assert.equal(run.code, 0, run.stderr);
  const out = parseLines(run.stdout);
  assert.equal(Number(out['duration_ms']), e.durationMs);
  assert.equal(Number(out['sample_rate_hz']), e.sampleRate);
  assert.equal(Number(out['channels']), 1);
  assert.equal(Number(out['speech_start_ms']), e.speechStart8kMs);
  assert.equal(Number(out['speech_end_ms']), e.speechEnd8kMs);
});

test('fixtures inspect --json on a flac copy (via ffmpeg, named with -v) agrees with the manifest within 20 ms', async () => {
  const e = entry('caller-goodbye.wav');
  const ffmpeg = findFfmpeg();
  assert.ok(ffmpeg !== undefined, 'ffmpeg is needed (Debian package ffmpeg; .ci/run installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-fixtures-'));
  try {
    const flac = join(dir, 'goodbye.flac');
    execFileSync(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', join(FIXTURES, e.file), flac]);
    const run = await runCli(['fixtures', 'inspect', flac, '--json', '-v']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /decoded with .*ffmpeg.* \(from (option|FFMPEG_PATH|ffmpeg-static|PATH)\)/);
    const out = JSON.parse(run.stdout) as { durationMs: number; sampleRate: number; channels: number; speechStartMs: number; speechEndMs: number };
    assert.equal(out.sampleRate, e.sampleRate);
    assert.equal(out.channels, 1);
    assert.ok(Math.abs(out.durationMs - e.durationMs) <= 20, `duration ${out.durationMs} vs ${e.durationMs}`);
    assert.ok(Math.abs(out.speechStartMs - e.speechStart8kMs) <= 20, `start ${out.speechStartMs}`);
    assert.ok(Math.abs(out.speechEndMs - e.speechEnd8kMs) <= 20, `end ${out.speechEndMs}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fixtures inspect of a non-WAV with a missing ffmpeg exits 2 with the install hint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-fixtures-'));
  try {
    const path = join(dir, 'x.ogg');
    execFileSync('cp', [join(FIXTURES, 'agent-greeting.ul'), path]);
    const run = await runCli(['fixtures', 'inspect', path, '--ffmpeg', join(dir, 'no-ffmpeg')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /hint: .*FFMPEG_PATH/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fixtures synth writes an 8 kHz mono 16-bit WAV whose printed speech bounds are what loading it finds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-fixtures-'));
  try {
    const out = join(dir, 'hello.wav');
    const args = ['fixtures', 'synth', 'Hello, is my order ready?', '-o', out, '--voice', 'en-us', '--rate', '150', '--cache-dir', join(dir, 'cache')];
    const run = await runCli(args);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /from cache/);
    const printed = parseLines(run.stdout);
    const wav = readWav(out);
    assert.equal(wav.sampleRate, 8000);
    assert.equal(wav.channels, 1);
    assert.equal(wav.bitDepth, '16');
    const u = loadUtterance(out);
    assert.equal(Number(printed['speech_start_ms']), Math.round(u.speechStartMs * 100) / 100);
    assert.equal(Number(printed['speech_end_ms']), Math.round(u.speechEndMs * 100) / 100);
    assert.equal(Number(printed['duration_ms']), Math.round(u.durationMs * 100) / 100);

    // A second run reuses the synthesised speech and says so; the fixture is the same.
    const again = await runCli(args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /\(speech from cache\)/);
    assert.deepEqual(readWav(out).samples, wav.samples);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

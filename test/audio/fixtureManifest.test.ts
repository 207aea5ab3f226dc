import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import alawmulaw from 'alawmulaw';
import { describeFixture, type FixtureManifest } from '../../src/audio/fixtureManifest.js';
import { readWav } from '../../src/audio/readWav.js';

const DIR = 'audio-fixtures';
const manifest = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')) as FixtureManifest;

test('manifest.json lists every WAV fixture and agrees with a fresh measurement (within 1 ms)', () => {
  const wavs = readdirSync(DIR).filter((f) => f.endsWith('.wav')).sort();
  assert.deepEqual(manifest.fixtures.map((e) => e.file).sort(), wavs);
  for (const entry of manifest.fixtures) {
    const fresh = describeFixture(`${DIR}/${entry.file}`, entry.text, entry.role);
    assert.equal(fresh.sampleRate, entry.sampleRate, entry.file);
    for (const key of ['durationMs', 'speechStartMs', 'speechEndMs', 'speechStart8kMs', 'speechEnd8kMs'] as const) {
      assert.ok(Math.abs(fresh[key] - entry[key]) <= 1, `${entry.file} ${key}: ${fresh[key]} vs ${entry[key]}`);
    }
  }
});

test('caller fixtures are 22.05 kHz mono 16-bit with ~300 ms lead and ~200 ms tail of silence', () => {
  const callers = manifest.fixtures.filter((e) => e.role === 'caller');
  assert.ok(callers.length >= 3);
  for (const entry of callers) {
    const wav = readWav(`${DIR}/${entry.file}`);
    assert.deepEqual([wav.sampleRate, wav.channels, wav.bitDepth], [22050, 1, '16'], entry.file);
    // generate.sh trims espeak-ng's own leading/trailing zeros (0–13 ms before, ~350 ms after, for
    // these texts) and pads exactly 300 ms / 200 ms of digital zeros. The measured start therefore
    // cannot be before 300 ms; what comes after is the time until the first sample reaches the
    // −45 dBFS threshold amplitude, measured at under 1 ms here. One 20 ms frame of slack allows a
    // softer onset from another espeak-ng build.
    assert.ok(entry.speechStartMs >= 300 && entry.speechStartMs <= 320, `${entry.file} start ${entry.speechStartMs}`);
    const tail = entry.durationMs - entry.speechEndMs;
    assert.ok(tail >= 200 && tail <= 220, `${entry.file} tail ${tail}`);
    assert.ok(entry.speechEndMs - entry.speechStartMs > 1000, 'each utterance holds over a second of speech');
  }
});

test('agent fixtures are 8 kHz mono 16-bit; the .ul twin of the greeting is the same audio as raw μ-law', () => {
  const agent = manifest.fixtures.filter((e) => e.role === 'agent');
  assert.deepEqual(agent.map((e) => e.file), ['agent-greeting.wav', 'agent-reply-order.wav', 'agent-reply-goodbye.wav']);
  for (const e of agent) {
    const w = readWav(`${DIR}/${e.file}`);
    assert.deepEqual([w.sampleRate, w.channels, w.bitDepth], [8000, 1, '16'], e.file);
  }
  const entry = agent[0]!;
  const wav = readWav(`${DIR}/${entry.file}`);

  const ulPath = `${DIR}/${entry.file.replace(/\.wav$/, '.ul')}`;
  // Raw: one byte per sample, no header (SIPp's rtp_stream sends the bytes as they are).
  assert.equal(statSync(ulPath).size, wav.samples.length);
  const decoded = alawmulaw.mulaw.decode(new Uint8Array(readFileSync(ulPath)));
  let signal = 0;
  let error = 0;
  for (let i = 0; i < wav.samples.length; i++) {
    signal += wav.samples[i]! ** 2;
    error += (wav.samples[i]! - decoded[i]!) ** 2;
  }
  const snrDb = 10 * Math.log10(signal / error);
  // G.711 μ-law quantisation gives roughly 35–38 dB SNR on speech; a header or offset would give ~0.
  assert.ok(snrDb > 30, `SNR ${snrDb} dB`);
});

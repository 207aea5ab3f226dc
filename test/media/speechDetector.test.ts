import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SpeechDetector, SPEECH_DETECTOR_DEFAULTS, levelDbfs, type SpeechEvent } from '../../src/media/speechDetector.js';
import { loadUtterance } from '../../src/audio/loadUtterance.js';
import { findSpeechBounds } from '../../src/audio/findSpeechBounds.js';
import type { FixtureManifest } from '../../src/audio/fixtureManifest.js';
import { addDither, addNoise, addTone, frames, rmsDbfs } from '../audio/signals.js';

const RATE = 8000;
const FRAME = 160; // 20 ms
const T0 = 10_000; // arrival time of the first frame, ms: onsets are absolute times, not offsets

/** Feeds `x` in frames of `frameLen`, frame f arriving at T0 + f·frameMs; returns every event. */
function run(x: Int16Array, d = new SpeechDetector({ sampleRate: RATE }), frameLen = FRAME, rate = RATE): SpeechEvent[] {
  const frameMs = (frameLen * 1000) / rate;
  const events: SpeechEvent[] = [];
  for (const [frame, f] of frames(x, frameLen)) {
    const e = d.push(frame, T0 + f * frameMs);
    if (e !== undefined) events.push(e);
  }
  return events;
}

/** Arrival time of the frame holding sample `i`. */
function frameArrival(i: number, frameLen = FRAME, rate = RATE): number {
  return T0 + Math.floor(i / frameLen) * ((frameLen * 1000) / rate);
}

test('levelDbfs: full-scale square is 0 dBFS, a sine of RMS level L measures L, zeros clamp to -100', () => {
  assert.equal(levelDbfs(new Int16Array(160).fill(-32768)), 0);
  const tone = new Int16Array(8000);
  addTone(tone, RATE, 300, -20, 0);
  assert.ok(Math.abs(levelDbfs(tone) - -20) < 0.05, `${levelDbfs(tone)}`);
  assert.equal(levelDbfs(new Int16Array(160)), -100);
  assert.equal(levelDbfs(new Int16Array(0)), -100);
});

test('onset of a tone after low noise is the frame where the tone starts (not frame-aligned)', () => {
  const x = new Int16Array(RATE * 3);
  addNoise(x, -60);
  const start = RATE + 1237; // 1.154625 s: mid-frame
  addTone(x, RATE, 300, -20, start, start + RATE);
  const events = run(x);
  const onset = events[0];
  assert.equal(onset?.type, 'onset');
  assert.ok(Math.abs(onset.atMs - frameArrival(start)) <= 20, `onset ${onset.atMs} vs ${frameArrival(start)}`);
});

test('onset time is the first frame of the run even though it is confirmed minSpeechMs later', () => {
  const x = new Int16Array(RATE * 2);
  addNoise(x, -65);
  const start = 40 * FRAME; // frame-aligned: the expected frame is exact
  addTone(x, RATE, 300, -25, start, start + RATE / 2);
  const d = new SpeechDetector({ sampleRate: RATE, minSpeechMs: 100 });
  let confirmedAtFrame = -1;
  let onsetAtMs = -1;
  for (const [frame, f] of frames(x, FRAME)) {
    const e = d.push(frame, T0 + f * 20);
    if (e?.type === 'onset') {
      confirmedAtFrame = f;
      onsetAtMs = e.atMs;
    }
  }
  assert.equal(onsetAtMs, frameArrival(start));
  assert.equal(confirmedAtFrame, 40 + 100 / 20 - 1, 'confirmed on the 5th speech frame');
});

test('clicks shorter than minSpeechMs never trigger; a run of exactly minSpeechMs does', () => {
  const clicks = new Int16Array(RATE * 3);
  addNoise(clicks, -60);
  for (let at = 4000; at + 320 < clicks.length; at += 4000) addTone(clicks, RATE, 1000, -10, at - (at % FRAME), at - (at % FRAME) + 2 * FRAME);
  assert.deepEqual(run(clicks), []);

  const burst = new Int16Array(RATE * 2);
  addNoise(burst, -60);
  addTone(burst, RATE, 1000, -10, 50 * FRAME, 53 * FRAME);
  const events = run(burst);
  assert.equal(events[0]?.type, 'onset');
  assert.equal(events[0].atMs, T0 + 50 * 20);
});

test('5 s of comfort noise at -60 dBFS and digital silence with dither do not trigger', () => {
  const noise = new Int16Array(RATE * 5);
  addNoise(noise, -60, 3);
  assert.ok(Math.abs(rmsDbfs(noise) - -60) < 0.5);
  const d = new SpeechDetector({ sampleRate: RATE });
  assert.deepEqual(run(noise, d), []);
  assert.equal(d.state, 'silence');
  assert.ok(Math.abs(d.noiseFloorDbfs! - -60) < 3, `floor ${d.noiseFloorDbfs}`);

  const dithered = new Int16Array(RATE * 5);
  addDither(dithered);
  assert.deepEqual(run(dithered), []);
});

test('a -40 dBFS background does not trigger, and speech 15 dB above it is still detected', () => {
  const x = new Int16Array(RATE * 4);
  addNoise(x, -40, 5);
  const start = RATE * 2 + 77;
  addTone(x, RATE, 300, -25, start, start + RATE);
  const d = new SpeechDetector({ sampleRate: RATE });
  const events = run(x, d);
  assert.equal(events[0]?.type, 'onset', JSON.stringify(events));
  assert.ok(Math.abs(events[0].atMs - frameArrival(start)) <= 20);
  // Before the tone, nothing: the onset above is the first event.
  assert.ok(events[0].atMs >= frameArrival(start) - 20);
});

test('a lone all-zero frame in comfort noise does not make the noise look like speech', () => {
  const x = new Int16Array(RATE * 3);
  addNoise(x, -40, 9);
  x.fill(0, 50 * FRAME, 51 * FRAME);
  x.fill(0, 90 * FRAME, 92 * FRAME);
  assert.deepEqual(run(x), []);
});

test('offset comes after endSilenceMs of silence and is timed at the end of the last speech frame', () => {
  const x = new Int16Array(RATE * 4);
  addNoise(x, -60);
  const start = 25 * FRAME;
  const end = 75 * FRAME + 40; // tone ends 40 samples into frame 75
  addTone(x, RATE, 300, -20, start, end);
  const d = new SpeechDetector({ sampleRate: RATE, endSilenceMs: 700 });
  const seen: Array<[SpeechEvent, number]> = [];
  for (const [frame, f] of frames(x, FRAME)) {
    const e = d.push(frame, T0 + f * 20);
    if (e !== undefined) seen.push([e, f]);
  }
  assert.equal(seen.length, 2);
  const [onset, offset] = seen;
  assert.equal(onset![0].type, 'onset');
  assert.equal(offset![0].type, 'offset');
  const lastSpeechFrameEnd = frameArrival(end - 1) + 20;
  assert.ok(offset![0].type === 'offset');
  assert.ok(Math.abs(offset![0].atMs - lastSpeechFrameEnd) <= 20, `${offset![0].atMs} vs ${lastSpeechFrameEnd}`);
  assert.equal(offset![0].onsetAtMs, onset![0].atMs);
  // Emitted on the frame that completes 700 ms of silence after the last speech frame.
  const emittedAtEndMs = T0 + (offset![1] + 1) * 20;
  assert.equal(emittedAtEndMs - offset![0].atMs, 700);
  assert.equal(d.state, 'silence');
});

test('pauses shorter than endSilenceMs keep one utterance', () => {
  const x = new Int16Array(RATE * 4);
  addNoise(x, -60);
  addTone(x, RATE, 300, -20, 10 * FRAME, 40 * FRAME);
  addTone(x, RATE, 300, -20, 70 * FRAME, 100 * FRAME); // 600 ms gap
  const events = run(x);
  assert.deepEqual(
    events.map((e) => e.type),
    ['onset', 'offset'],
  );
  assert.equal(events[1]?.type === 'offset' && events[1].atMs, T0 + 100 * 20);
});

test('reset starts a new turn but keeps the learnt noise floor', () => {
  const x = new Int16Array(RATE);
  addNoise(x, -50, 11);
  addTone(x, RATE, 300, -20, 30 * FRAME);
  const d = new SpeechDetector({ sampleRate: RATE });
  run(x, d);
  assert.equal(d.state, 'speech');
  const floor = d.noiseFloorDbfs;
  d.reset();
  assert.equal(d.state, 'silence');
  assert.equal(d.noiseFloorDbfs, floor);
  // Speech continuing after reset is a new onset.
  const more = new Int16Array(RATE / 2);
  addTone(more, RATE, 300, -20, 0);
  const e = run(more, d);
  assert.equal(e[0]?.type, 'onset');
  assert.equal(e[0].atMs, T0);
});

test('frame size is free: 10 ms frames at 8 kHz and 30 ms frames at 16 kHz find the same onset', () => {
  for (const [rate, frameLen] of [
    [8000, 80],
    [16000, 480],
  ] as const) {
    const x = new Int16Array(rate * 2);
    addNoise(x, -60, 2);
    const start = Math.round(rate * 0.8) + 13;
    addTone(x, rate, 300, -20, start, start + rate / 2);
    const events = run(x, new SpeechDetector({ sampleRate: rate }), frameLen, rate);
    assert.equal(events[0]?.type, 'onset');
    const frameMs = (frameLen * 1000) / rate;
    assert.ok(Math.abs(events[0].atMs - frameArrival(start, frameLen, rate)) <= frameMs);
  }
});

test('on the espeak fixtures, onset and offset match the manifest 8 kHz offsets (±20 ms)', () => {
  const manifest = JSON.parse(readFileSync('audio-fixtures/manifest.json', 'utf8')) as FixtureManifest;
  assert.ok(manifest.fixtures.length >= 4);
  for (const entry of manifest.fixtures) {
    const u = loadUtterance(`audio-fixtures/${entry.file}`);
    // Append a second of silence so the final offset can complete.
    const x = new Int16Array(u.pcm8k.length + RATE);
    x.set(u.pcm8k);
    const events = run(x);
    const label = `${entry.file}: ${JSON.stringify(events)}`;
    const first = events[0];
    const last = events.at(-1);
    assert.equal(first?.type, 'onset', label);
    assert.ok(Math.abs(first.atMs - T0 - entry.speechStart8kMs) <= 20, label);
    assert.equal(last?.type, 'offset', label);
    assert.ok(Math.abs(last.atMs - T0 - entry.speechEnd8kMs) <= 20, label);
  }
});

test('under -55 dBFS comfort noise, live onset/offset agree with the offline bounds of the same signal (±20 ms)', () => {
  const manifest = JSON.parse(readFileSync('audio-fixtures/manifest.json', 'utf8')) as FixtureManifest;
  for (const entry of manifest.fixtures) {
    const u = loadUtterance(`audio-fixtures/${entry.file}`);
    const x = new Int16Array(u.pcm8k.length + RATE);
    x.set(u.pcm8k);
    addNoise(x, -55, 4);
    // Ground truth for this signal: the offline finder, whose floor is the clip's 10th-percentile level.
    const truth = findSpeechBounds(x, RATE)!;
    const events = run(x);
    const label = `${entry.file}: ${JSON.stringify(events)} vs ${truth.startMs}..${truth.endMs}`;
    const first = events[0];
    const last = events.at(-1);
    assert.equal(first?.type, 'onset', label);
    assert.ok(Math.abs(first.atMs - T0 - truth.startMs) <= 20, label);
    assert.equal(last?.type, 'offset', label);
    assert.ok(Math.abs(last.atMs - T0 - truth.endMs) <= 20, label);
  }
});

test('a lasting step up in background noise is re-learnt as floor, and later speech is still found', () => {
  const x = new Int16Array(RATE * 20);
  addNoise(x, -60, 21, 0, RATE * 2);
  addNoise(x, -35, 22, RATE * 2);
  const toneAt = RATE * 16;
  addTone(x, RATE, 300, -15, toneAt, toneAt + RATE);
  const events = run(x);
  // The step itself looks like speech at first (nothing can tell them apart in one frame)...
  assert.equal(events[0]?.type, 'onset');
  assert.ok(Math.abs(events[0].atMs - frameArrival(RATE * 2)) <= 20);
  // ...but "speech" that never dips towards a background is soon re-learnt as background.
  assert.equal(events[1]?.type, 'offset');
  // Minimum statistics: the first correction comes once a whole window of confirmed speech has passed.
  assert.ok(events[1].atMs <= frameArrival(RATE * 2) + SPEECH_DETECTOR_DEFAULTS.minSpeechMs + SPEECH_DETECTOR_DEFAULTS.floorWindowMs + 20, JSON.stringify(events));
  assert.equal(events[2]?.type, 'onset');
  assert.ok(Math.abs(events[2].atMs - frameArrival(toneAt)) <= 20, JSON.stringify(events));
});

test('long continuous speech (three utterances, 300 ms gaps, under noise) stays one utterance', () => {
  const parts = ['caller-order-status.wav', 'caller-order-number.wav', 'caller-goodbye.wav'].map((f) => {
    const u = loadUtterance(`audio-fixtures/${f}`);
    return u.pcm8k.subarray(u.speechStartSample, u.speechEndSample);
  });
  const gap = RATE * 0.3;
  const total = RATE + parts.reduce((n, p) => n + p.length + gap, 0) + RATE;
  const x = new Int16Array(total);
  let at = RATE;
  for (const p of parts) {
    x.set(p, at);
    at += p.length + gap;
  }
  addNoise(x, -55, 8);
  const events = run(x);
  assert.deepEqual(
    events.map((e) => e.type),
    ['onset', 'offset'],
    JSON.stringify(events),
  );
  assert.ok(Math.abs(events[0]!.atMs - frameArrival(RATE)) <= 40);
});

test('espeak speech inserted at a known sample offset into comfort noise: onset at that frame (±1 frame)', () => {
  const u = loadUtterance('audio-fixtures/caller-order-number.wav');
  const speech = u.pcm8k.subarray(u.speechStartSample, u.speechEndSample);
  for (const at of [RATE * 2, RATE * 2 + 59, RATE * 3 + 151]) {
    const x = new Int16Array(at + speech.length + RATE);
    x.set(speech, at);
    addNoise(x, -62, at);
    const events = run(x);
    assert.equal(events[0]?.type, 'onset', JSON.stringify(events));
    assert.ok(Math.abs(events[0].atMs - frameArrival(at)) <= 20, `inserted at ${at}: ${JSON.stringify(events)}`);
  }
});

test('a gap in packets counts as silence: idle() ends speech endSilenceMs after the last speech frame', () => {
  const d = new SpeechDetector({ sampleRate: 8000, endSilenceMs: 700 });
  const silence = new Int16Array(160);
  const tone = new Int16Array(160);
  for (let i = 0; i < 160; i++) tone[i] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / 8000));
  let t = 0;
  for (let i = 0; i < 10; i++, t += 20) d.push(silence, t);
  let onset: number | undefined;
  for (let i = 0; i < 10; i++, t += 20) {
    const ev = d.push(tone, t);
    if (ev?.type === 'onset') onset = ev.atMs;
  }
  assert.equal(onset, 200);
  // No more packets: the last speech frame ended at t = 400.
  assert.equal(d.idle(1099), undefined);
  const ev = d.idle(1100);
  assert.deepEqual(ev, { type: 'offset', atMs: 400, onsetAtMs: 200 });
  assert.equal(d.state, 'silence');
  assert.equal(d.idle(5000), undefined);
});

test('flush() ends speech at the last speech frame and does nothing in silence', () => {
  const d = new SpeechDetector({ sampleRate: 8000 });
  const tone = new Int16Array(160).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / 8000)));
  d.push(new Int16Array(160), 0);
  assert.equal(d.flush(), undefined);
  for (let t = 20; t <= 120; t += 20) d.push(tone, t);
  assert.deepEqual(d.flush(), { type: 'offset', atMs: 140, onsetAtMs: 20 });
  assert.equal(d.state, 'silence');
});

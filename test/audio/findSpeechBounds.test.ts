import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSpeechBounds } from '../../src/audio/findSpeechBounds.js';
import { addNoise, addTone } from './signals.js';

/** A "word": 300 Hz tone with a 40 Hz envelope-ish second tone so it is not a pure sine. */
function speechLike(x: Int16Array, rate: number, start: number, end: number, dbfs = -20): void {
  addTone(x, rate, 300, dbfs, start, end);
  addTone(x, rate, 1100, dbfs - 8, start, end);
}

test('bounds of a burst with known lead and tail silence are sample-precise', () => {
  for (const rate of [8000, 16000, 22050]) {
    const lead = Math.round(rate * 0.437); // not on a 20 ms boundary
    const end = lead + Math.round(rate * 1.3);
    const x = new Int16Array(end + Math.round(rate * 0.263));
    speechLike(x, rate, lead, end);
    const b = findSpeechBounds(x, rate);
    assert.ok(b, `${rate}`);
    assert.ok(Math.abs(b.startMs - (lead * 1000) / rate) <= 10, `${rate}: start ${b.startMs}`);
    assert.ok(Math.abs(b.endMs - (end * 1000) / rate) <= 10, `${rate}: end ${b.endMs}`);
    // The sample refinement is much finer than the 10 ms requirement: within 1 ms for a clean signal.
    assert.ok(Math.abs(b.startSample - lead) <= rate / 1000, `${rate}: start sample ${b.startSample} vs ${lead}`);
    assert.ok(Math.abs(b.endSample - end) <= rate / 1000, `${rate}: end sample ${b.endSample} vs ${end}`);
  }
});

test('under a -50 dBFS noise floor the bounds still hold (±10 ms)', () => {
  const rate = 8000;
  const x = new Int16Array(rate * 3);
  addNoise(x, -50, 3);
  speechLike(x, rate, 6000, 18_000);
  const b = findSpeechBounds(x, rate)!;
  assert.ok(b.thresholdDbfs > -45, 'the threshold follows the clip floor (−50 + 12)');
  assert.ok(Math.abs(b.startMs - 750) <= 10, `${b.startMs}`);
  assert.ok(Math.abs(b.endMs - 2250) <= 10, `${b.endMs}`);
});

test('clicks shorter than minSpeechMs at either end are not speech', () => {
  const rate = 8000;
  const x = new Int16Array(rate * 3);
  addTone(x, rate, 1000, -10, 800, 800 + 160); // 20 ms click at 100 ms
  speechLike(x, rate, 4000, 16_000);
  addTone(x, rate, 1000, -10, 20_000, 20_000 + 320); // 40 ms click at 2.5 s
  const b = findSpeechBounds(x, rate)!;
  assert.ok(Math.abs(b.startMs - 500) <= 10, `${b.startMs}`);
  assert.ok(Math.abs(b.endMs - 2000) <= 10, `${b.endMs}`);
});

test('silence, quiet noise and an empty clip have no speech', () => {
  assert.equal(findSpeechBounds(new Int16Array(8000), 8000), undefined);
  const noise = new Int16Array(8000);
  addNoise(noise, -60);
  assert.equal(findSpeechBounds(noise, 8000), undefined);
  assert.equal(findSpeechBounds(new Int16Array(0), 8000), undefined);
});

test('speech touching either end of the clip is bounded by the clip', () => {
  const atStart = new Int16Array(8000);
  speechLike(atStart, 8000, 0, 5600);
  // A zero-phase sine is 0 at its first sample, so speech is audible from sample 1.
  assert.ok(findSpeechBounds(atStart, 8000)!.startSample <= 1);
  const atEnd = new Int16Array(8000);
  speechLike(atEnd, 8000, 2400, 8000);
  assert.equal(findSpeechBounds(atEnd, 8000)!.endSample, 8000);
});

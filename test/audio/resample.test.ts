import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resample } from '../../src/audio/resample.js';
import { addTone, rmsDbfs } from './signals.js';

/** Frequency from zero crossings (upward) over the middle of the signal, away from filter edges. */
function measuredHz(x: Int16Array, rate: number): number {
  const from = Math.floor(x.length * 0.1);
  const to = Math.floor(x.length * 0.9);
  let first = -1;
  let last = -1;
  let count = 0;
  for (let i = from + 1; i < to; i++) {
    if (x[i - 1]! < 0 && x[i]! >= 0) {
      // Linear interpolation of the crossing instant.
      const t = i - 1 + -x[i - 1]! / (x[i]! - x[i - 1]!);
      if (first < 0) first = t;
      else count++;
      last = t;
    }
  }
  return (count * rate) / (last - first);
}

function middle(x: Int16Array): Int16Array {
  return x.subarray(Math.floor(x.length * 0.1), Math.floor(x.length * 0.9));
}

for (const from of [22050, 16000, 44100, 48000]) {
  test(`${from} → 8000: a 1 kHz tone keeps its frequency and level, length scales with the rate`, () => {
    const x = new Int16Array(from); // 1 s
    addTone(x, from, 1000, -10, 0);
    const y = resample(x, from, 8000);
    assert.equal(y.length, 8000);
    const hz = measuredHz(y, 8000);
    assert.ok(Math.abs(hz - 1000) < 1, `measured ${hz} Hz`);
    const dropDb = rmsDbfs(middle(y)) - rmsDbfs(middle(x));
    assert.ok(Math.abs(dropDb) < 0.2, `level change ${dropDb} dB`);
  });
}

test('22050 → 8000: a 3 kHz tone (inside the 8 kHz band) survives', () => {
  const x = new Int16Array(22050);
  addTone(x, 22050, 3000, -10, 0);
  const y = resample(x, 22050, 8000);
  assert.ok(Math.abs(measuredHz(y, 8000) - 3000) < 2);
  assert.ok(Math.abs(rmsDbfs(middle(y)) - -10) < 0.5);
});

test('anti-aliasing: tones above the new Nyquist frequency are removed, not folded back', () => {
  for (const [from, hz] of [
    [22050, 5000], // would alias to 3 kHz
    [48000, 7000], // would alias to 1 kHz
    [16000, 4600], // would alias to 3.4 kHz
  ] as const) {
    const x = new Int16Array(from);
    addTone(x, from, hz, -10, 0);
    const y = resample(x, from, 8000);
    const level = rmsDbfs(middle(y));
    assert.ok(level < -10 - 50, `${from} Hz ${hz} Hz tone: ${level} dBFS left`);
  }
});

test('8000 → 16000 upsampling keeps a tone and adds no image', () => {
  const x = new Int16Array(8000);
  addTone(x, 8000, 440, -6, 0);
  const y = resample(x, 8000, 16000);
  assert.equal(y.length, 16000);
  assert.ok(Math.abs(measuredHz(y, 16000) - 440) < 0.5);
  assert.ok(Math.abs(rmsDbfs(middle(y)) - -6) < 0.2);
});

test('DC is kept exactly, same rate is a copy, and invalid rates throw', () => {
  const dc = new Int16Array(4410).fill(1000);
  const y = resample(dc, 44100, 8000);
  assert.deepEqual(Array.from(middle(y)), new Array(middle(y).length).fill(1000));
  const x = Int16Array.from([1, 2, 3]);
  const same = resample(x, 8000, 8000);
  assert.deepEqual(Array.from(same), [1, 2, 3]);
  assert.notEqual(same, x);
  assert.throws(() => resample(x, 0, 8000), RangeError);
  assert.throws(() => resample(x, 8000.5, 8000), RangeError);
});

test('an unusual ratio without a small phase table (11025 → 7993) still works', () => {
  const x = new Int16Array(11025);
  addTone(x, 11025, 500, -10, 0);
  const y = resample(x, 11025, 7993);
  assert.equal(y.length, 7993);
  assert.ok(Math.abs(measuredHz(y, 7993) - 500) < 1);
  assert.ok(Math.abs(rmsDbfs(middle(y)) - -10) < 0.2);
});

// Synthetic signals for audio and speech-detector tests (seeded, so every run sees the same samples).

/** Linear amplitude (int16 scale) whose RMS is `dbfs` for a full-period sine: A = 32768·10^(dB/20)·√2. */
export function sineAmplitude(dbfs: number): number {
  return 32768 * Math.pow(10, dbfs / 20) * Math.SQRT2;
}

/** Writes a sine of RMS level `dbfs` into `out[start, end)`, phase 0 at `start`. */
export function addTone(out: Int16Array, sampleRate: number, hz: number, dbfs: number, start: number, end = out.length): void {
  const a = sineAmplitude(dbfs);
  for (let i = start; i < end && i < out.length; i++) {
    out[i] = clamp(out[i]! + a * Math.sin((2 * Math.PI * hz * (i - start)) / sampleRate));
  }
}

/** Adds Gaussian-ish noise (sum of 4 uniforms) of RMS level `dbfs`, from a seeded generator. */
export function addNoise(out: Int16Array, dbfs: number, seed = 1, start = 0, end = out.length): void {
  const rng = lcg(seed);
  // A sum of 4 uniforms on [−1, 1] has variance 4/3.
  const scale = (32768 * Math.pow(10, dbfs / 20)) / Math.sqrt(4 / 3);
  for (let i = start; i < end && i < out.length; i++) {
    out[i] = clamp(out[i]! + scale * (rng() + rng() + rng() + rng()));
  }
}

/** ±1 LSB triangular dither on top of digital silence. */
export function addDither(out: Int16Array, seed = 7): void {
  const rng = lcg(seed);
  for (let i = 0; i < out.length; i++) out[i] = clamp(out[i]! + Math.round((rng() + rng()) / 2));
}

/** Uniform on [−1, 1), deterministic. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2147483648 - 1;
  };
}

/** RMS level of a whole signal in dBFS (same scale as levelDbfs). */
export function rmsDbfs(x: Int16Array, start = 0, end = x.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += x[i]! * x[i]!;
  return 10 * Math.log10(sum / (end - start) / (32768 * 32768));
}

/** Splits into consecutive frames of `frameLen` samples (the last may be shorter). */
export function* frames(x: Int16Array, frameLen: number): Generator<[Int16Array, number]> {
  for (let i = 0, f = 0; i < x.length; i += frameLen, f++) yield [x.subarray(i, i + frameLen), f];
}

function clamp(v: number): number {
  const r = Math.round(v);
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}

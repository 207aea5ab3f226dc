/**
 * Band-limited sample-rate conversion of int16 audio with a Blackman-windowed sinc.
 *
 * The low-pass cutoff sits a little below the lower of the two Nyquist frequencies, so downsampling
 * (22.05/44.1/48 kHz → 8 kHz) removes what would alias, and upsampling does not image. When the rate
 * ratio reduces to a small fraction L/M (every common pair does: 22050→8000 is 160/441) the kernel is
 * precomputed for the L phases (polyphase); otherwise it is evaluated per output sample.
 * Meant for loading fixtures, not for per-packet work.
 */

export interface ResampleOptions {
  /** Zero crossings of the sinc on each side of the centre (kernel length ≈ 2 × this / cutoff). Default 16. */
  zeroCrossings?: number;
  /** Cutoff as a fraction of the lower Nyquist frequency. Default 0.92. */
  cutoff?: number;
}

/** Largest number of phases worth a table (L × taps floats). */
const MAX_TABLE_PHASES = 4096;

export function resample(
  samples: Int16Array,
  fromRate: number,
  toRate: number,
  options: ResampleOptions = {},
): Int16Array {
  if (!(fromRate > 0) || !(toRate > 0) || !Number.isInteger(fromRate) || !Number.isInteger(toRate)) {
    throw new RangeError(`sample rates must be positive integers, got ${fromRate} → ${toRate}`);
  }
  if (fromRate === toRate) return samples.slice();

  const g = gcd(fromRate, toRate);
  const up = toRate / g; // L
  const down = fromRate / g; // M
  // Cutoff in cycles per *input* sample.
  const fc = 0.5 * Math.min(1, toRate / fromRate) * (options.cutoff ?? 0.92);
  const halfWidth = Math.ceil((options.zeroCrossings ?? 16) / (2 * fc)); // input samples each side
  const taps = 2 * halfWidth;
  const outLength = Math.floor((samples.length * toRate) / fromRate);
  const out = new Int16Array(outLength);

  const table = up <= MAX_TABLE_PHASES ? kernelTable(up, taps, halfWidth, fc) : undefined;
  const weights = table === undefined ? new Float64Array(taps) : undefined;

  for (let n = 0; n < outLength; n++) {
    // Output n sits at input position n·M/L = base + phase/L.
    const pos = n * down;
    const base = Math.floor(pos / up);
    const phase = pos - base * up;
    let w: Float64Array;
    let offset: number;
    if (table !== undefined) {
      w = table;
      offset = phase * taps;
    } else {
      w = weights!;
      offset = 0;
      fillKernel(w, 0, phase / up, taps, halfWidth, fc);
    }
    // Taps cover input samples base − halfWidth + 1 … base + halfWidth.
    const first = base - halfWidth + 1;
    let acc = 0;
    const kStart = Math.max(0, -first);
    const kEnd = Math.min(taps, samples.length - first);
    for (let k = kStart; k < kEnd; k++) acc += samples[first + k]! * w[offset + k]!;
    const r = Math.round(acc);
    out[n] = r > 32767 ? 32767 : r < -32768 ? -32768 : r;
  }
  return out;
}

function kernelTable(phases: number, taps: number, halfWidth: number, fc: number): Float64Array {
  const table = new Float64Array(phases * taps);
  for (let p = 0; p < phases; p++) fillKernel(table, p * taps, p / phases, taps, halfWidth, fc);
  return table;
}

/**
 * Weights for input samples at distances (frac + halfWidth − 1 − k) from the output position,
 * normalised to sum to 1 so DC (and low frequencies) keep their level at every phase.
 */
function fillKernel(out: Float64Array, offset: number, frac: number, taps: number, halfWidth: number, fc: number): void {
  let sum = 0;
  for (let k = 0; k < taps; k++) {
    const d = frac + halfWidth - 1 - k; // output position minus input sample position
    const v = windowedSinc(d, halfWidth, fc);
    out[offset + k] = v;
    sum += v;
  }
  if (sum !== 0) for (let k = 0; k < taps; k++) out[offset + k] = out[offset + k]! / sum;
}

function windowedSinc(d: number, halfWidth: number, fc: number): number {
  const x = d / halfWidth; // −1 … 1 over the window
  if (x <= -1 || x >= 1) return 0;
  // Blackman window centred on 0.
  const w = 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x);
  const t = 2 * fc * d;
  const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
  return 2 * fc * sinc * w;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

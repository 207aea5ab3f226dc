import type { Rng } from '../core/rng.js';
import { nearestRank } from '../results/nearestRank.js';

/** A bootstrap confidence interval of a percentile's change, candidate − baseline, in the metric's unit. */
export interface PercentileDiffInterval {
  /** Percentile, 0–100 (nearest rank). */
  percentile: number;
  /** The change measured on the samples themselves. */
  estimate: number;
  low: number;
  high: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  iterations: number;
}

export interface BootstrapOptions {
  rng: Rng;
  /** Resamples; 1000 by default. */
  iterations?: number;
  /** 0.95 by default. */
  level?: number;
}

/**
 * Pure (given the seeded rng): percentile bootstrap of percentile(candidate) − percentile(baseline).
 * Each side is resampled with replacement independently. A resample's percentile is found without
 * sorting it: the original is sorted once, drawn indices are counted, and the cumulative count
 * reaches the rank at the answer — O(n) per resample. Null when either sample is empty.
 */
export function bootstrapPercentileDiff(baseline: readonly number[], candidate: readonly number[], percentile: number, options: BootstrapOptions): PercentileDiffInterval | null {
  if (baseline.length === 0 || candidate.length === 0) return null;
  const iterations = options.iterations ?? 1000;
  const level = options.level ?? 0.95;
  const a = [...baseline].sort((x, y) => x - y);
  const b = [...candidate].sort((x, y) => x - y);
  const estimate = nearestRank(b, percentile)! - nearestRank(a, percentile)!;
  const countsA = new Uint32Array(a.length);
  const countsB = new Uint32Array(b.length);
  const diffs = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    diffs[i] = resampledPercentile(b, countsB, percentile, options.rng) - resampledPercentile(a, countsA, percentile, options.rng);
  }
  diffs.sort();
  const tail = (1 - level) / 2;
  return { percentile, estimate, low: quantileOfSorted(diffs, tail), high: quantileOfSorted(diffs, 1 - tail), level, iterations };
}

function resampledPercentile(sorted: readonly number[], counts: Uint32Array, percentile: number, rng: Rng): number {
  const n = sorted.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor(rng() * n)]!++;
  const rank = Math.min(n, Math.max(1, Math.ceil((percentile / 100) * n - 1e-9)));
  let seen = 0;
  for (let i = 0; i < n; i++) {
    seen += counts[i]!;
    if (seen >= rank) return sorted[i]!;
  }
  return sorted[n - 1]!;
}

/** Nearest-rank quantile (0–1) of ascending values. */
function quantileOfSorted(sorted: Float64Array, q: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length - 1e-9)));
  return sorted[rank - 1]!;
}

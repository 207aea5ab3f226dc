/** Nearest-rank percentile (0–100] of ascending values, exact; null when there are none. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  // The epsilon keeps e.g. 95 % of 20 at rank 19 despite float error in the product.
  const rank = Math.ceil((p / 100) * sorted.length - 1e-9);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

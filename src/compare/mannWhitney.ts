import { normalUpperTail } from './normalCdf.js';

/** The result of a two-sided Mann–Whitney U test of `b` against `a`. */
export interface MannWhitneyResult {
  n1: number;
  n2: number;
  /** U of the second sample: the number of (a, b) pairs with b > a, ties counting ½. */
  u: number;
  /** z of the normal approximation (tie-corrected variance, continuity correction); positive when b tends to be larger. */
  z: number;
  /** Two-sided p-value; 1 when either sample is empty or every value is the same. */
  pValue: number;
  /** P(b > a) + ½·P(b = a): 0.5 means no shift; an effect size independent of the sample sizes. */
  probabilityOfSuperiority: number;
}

/**
 * Pure: Mann–Whitney U (Wilcoxon rank-sum) with the normal approximation. Ties get average ranks and
 * the variance the usual tie correction, σ² = n1·n2/12 · ((N+1) − Σ(t³−t)/(N(N−1))); a continuity
 * correction of ½ moves U towards its mean. Good from about 8 values per sample; latency samples of
 * a load run are far larger.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { n1, n2, u: 0, z: 0, pValue: 1, probabilityOfSuperiority: 0.5 };
  const all: { v: number; fromB: boolean }[] = [];
  for (const v of a) all.push({ v, fromB: false });
  for (const v of b) all.push({ v, fromB: true });
  all.sort((x, y) => x.v - y.v);
  const n = all.length;
  let rankSumB = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const t = j - i + 1;
    const rank = (i + j) / 2 + 1; // average of ranks i+1 … j+1
    for (let k = i; k <= j; k++) if (all[k]!.fromB) rankSumB += rank;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSumB - (n2 * (n2 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const probabilityOfSuperiority = u / (n1 * n2);
  if (!(variance > 0)) return { n1, n2, u, z: 0, pValue: 1, probabilityOfSuperiority };
  const d = u - mean;
  const corrected = Math.sign(d) * Math.max(0, Math.abs(d) - 0.5);
  const z = corrected / Math.sqrt(variance);
  const pValue = Math.min(1, 2 * normalUpperTail(Math.abs(z)));
  return { n1, n2, u, z, pValue, probabilityOfSuperiority };
}

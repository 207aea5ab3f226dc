import { nearestRank } from '../../results/nearestRank.js';

/** ttfa_ms of one turn index over all calls. */
export interface TurnRow {
  /** 1-based, as a person counts turns. */
  turn: number;
  /** Turns that got a reply (samples). */
  count: number;
  noReply: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** Pure: per turn index (0-based in the input), the count and exact nearest-rank p50/p95 of ttfa_ms. */
export function turnBreakdown(turns: readonly (readonly (number | null)[])[]): TurnRow[] {
  return turns.map((samples, i) => {
    const values = samples.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
    return {
      turn: i + 1,
      count: values.length,
      noReply: samples.length - values.length,
      p50Ms: nearestRank(values, 50),
      p95Ms: nearestRank(values, 95),
    };
  });
}

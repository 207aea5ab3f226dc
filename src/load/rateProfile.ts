import type { LoadStage } from './loadTypes.js';

/** One linear piece of the rate: `fromPerSec` at `startMs` to `toPerSec` at `endMs` (Infinity: constant forever). */
interface RateSegment {
  startMs: number;
  endMs: number;
  fromPerSec: number;
  toPerSec: number;
  /** Expected arrivals before `startMs` (the integral of the rate up to here). */
  countBefore: number;
}

/**
 * An arrival rate over time (calls/s, piecewise linear: k6 stages, or one constant rate forever) and
 * its integral Λ(t), the expected number of arrivals by t. Both arrival processes are built on Λ: the
 * constant one places arrival n where Λ reaches n, the Poisson one rescales time through Λ (a unit-rate
 * Poisson process in Λ-space is an inhomogeneous one of rate r(t) in real time; Çinlar's time-change).
 * Times are ms since the plan started. Pure; immutable.
 */
export class RateProfile {
  private readonly segments: RateSegment[];
  /** Where the rate ends (Infinity for a constant rate without stages). */
  readonly endMs: number;

  private constructor(segments: RateSegment[], endMs: number) {
    this.segments = segments;
    this.endMs = endMs;
  }

  static constant(ratePerSec: number): RateProfile {
    return new RateProfile([{ startMs: 0, endMs: Infinity, fromPerSec: ratePerSec, toPerSec: ratePerSec, countBefore: 0 }], Infinity);
  }

  /** k6 ramping arrival rate: linear from `startPerSec` (0 in k6) to each stage's target. */
  static fromStages(stages: readonly LoadStage[], startPerSec: number): RateProfile {
    const segments: RateSegment[] = [];
    let from = startPerSec;
    let startMs = 0;
    let count = 0;
    for (const s of stages) {
      if (s.durationMs > 0) {
        segments.push({ startMs, endMs: startMs + s.durationMs, fromPerSec: from, toPerSec: s.target, countBefore: count });
        count += ((from + s.target) / 2) * (s.durationMs / 1000);
      }
      from = s.target;
      startMs += s.durationMs;
    }
    return new RateProfile(segments, startMs);
  }

  /** The rate at `tMs` (calls/s); 0 outside the profile. */
  rateAt(tMs: number): number {
    const seg = this.segmentAt(tMs);
    return seg === undefined ? 0 : segmentRate(seg, tMs);
  }

  /** Λ(t): expected arrivals in [0, t]. */
  cumulative(tMs: number): number {
    if (tMs <= 0) return 0;
    let last: RateSegment | undefined;
    for (const seg of this.segments) {
      if (tMs < seg.endMs) return seg.countBefore + segmentCount(seg, tMs - seg.startMs);
      last = seg;
    }
    return last === undefined ? 0 : last.countBefore + segmentCount(last, last.endMs - last.startMs);
  }

  /**
   * The moment Λ passes `count` (the earliest t where it reaches `count` and keeps rising), or undefined
   * when the profile ends first (its end is outside: stages are half-open). Zero-rate stretches are
   * jumped over, never waited on; a count reached just as the rate falls to 0 for good is never passed.
   */
  timeOfCount(count: number): number | undefined {
    for (const seg of this.segments) {
      // A segment with a positive area has a positive rate right after its start (linear, ends ≥ 0).
      if (count < seg.countBefore + segmentCount(seg, seg.endMs - seg.startMs)) {
        const t = seg.startMs + solveElapsedMs(seg, count - seg.countBefore);
        return t < this.endMs ? t : undefined;
      }
    }
    return undefined;
  }

  private segmentAt(tMs: number): RateSegment | undefined {
    return this.segments.find((s) => tMs >= s.startMs && tMs < s.endMs);
  }
}

function segmentRate(seg: RateSegment, tMs: number): number {
  if (seg.endMs === Infinity) return seg.fromPerSec;
  return seg.fromPerSec + ((seg.toPerSec - seg.fromPerSec) * (tMs - seg.startMs)) / (seg.endMs - seg.startMs);
}

/** Expected arrivals in the first `elapsedMs` of a segment: the area under the linear rate. */
function segmentCount(seg: RateSegment, elapsedMs: number): number {
  if (elapsedMs === Infinity) return seg.fromPerSec > 0 ? Infinity : 0;
  const slope = seg.endMs === Infinity ? 0 : (seg.toPerSec - seg.fromPerSec) / (seg.endMs - seg.startMs);
  return (seg.fromPerSec * elapsedMs + (slope * elapsedMs * elapsedMs) / 2) / 1000;
}

/**
 * Solves segmentCount(seg, x) = count for x ≥ 0: (slope/2)·x² + from·x − 1000·count = 0, in the form
 * 2c / (b + √(b² + 2·slope·c)) that stays accurate when the slope is tiny or the start rate is 0.
 */
function solveElapsedMs(seg: RateSegment, count: number): number {
  const c = count * 1000;
  if (c <= 0) return 0;
  const slope = seg.endMs === Infinity ? 0 : (seg.toPerSec - seg.fromPerSec) / (seg.endMs - seg.startMs);
  const b = seg.fromPerSec;
  const disc = Math.max(0, b * b + 2 * slope * c);
  const denom = b + Math.sqrt(disc);
  if (denom <= 0) return seg.endMs - seg.startMs;
  return Math.min((2 * c) / denom, seg.endMs - seg.startMs);
}

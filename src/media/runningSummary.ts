/**
 * Where a per-event measurement goes. Deliberately tiny so an HDR histogram can replace the
 * running summary later without touching the producers (pacer, session).
 */
export interface ValueRecorder {
  record(value: number): void;
}

export interface SummarySnapshot {
  count: number;
  /** 0 when count is 0. */
  mean: number;
  /** 0 when count is 0. */
  min: number;
  /** 0 when count is 0. */
  max: number;
}

/** Count, mean, min and max in O(1) memory; no allocation per value. */
export class RunningSummary implements ValueRecorder {
  private n = 0;
  private sum = 0;
  private lo = Infinity;
  private hi = -Infinity;

  record(value: number): void {
    this.n++;
    this.sum += value;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
  }

  get count(): number {
    return this.n;
  }

  snapshot(): SummarySnapshot {
    if (this.n === 0) return { count: 0, mean: 0, min: 0, max: 0 };
    return { count: this.n, mean: this.sum / this.n, min: this.lo, max: this.hi };
  }
}

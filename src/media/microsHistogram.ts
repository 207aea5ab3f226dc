import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { ValueRecorder } from './runningSummary.js';

/** Percentiles of a {@link MicrosHistogram}, reported in milliseconds (METRICS.md: µs inside, ms out). */
export interface LatencySummaryMs {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** Values recorded below 0 (counted in `count` as 0; an HDR histogram holds no negatives). */
  negativeCount: number;
  /** Smallest value recorded, negative included; 0 when empty. */
  min: number;
}

/**
 * An HDR histogram (3 significant digits) fed in milliseconds and stored in whole microseconds.
 * Negative values (a timer that fired a fraction of a millisecond early) are recorded as 0 and
 * counted apart, so percentiles stay honest about lateness while the early side is still visible.
 * `record` allocates nothing (about 0.1 µs).
 */
export class MicrosHistogram implements ValueRecorder {
  readonly histogram: Histogram;
  private negatives = 0;
  private lowestMs = Infinity;

  constructor() {
    this.histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  }

  record(valueMs: number): void {
    if (valueMs < this.lowestMs) this.lowestMs = valueMs;
    if (valueMs < 0) {
      this.negatives++;
      this.histogram.recordValue(0);
      return;
    }
    this.histogram.recordValue(Math.round(valueMs * 1000));
  }

  /** `count` values of `valueMs` at once (a batch that left together). */
  recordCount(valueMs: number, count: number): void {
    if (count <= 0) return;
    if (valueMs < this.lowestMs) this.lowestMs = valueMs;
    if (valueMs < 0) {
      this.negatives += count;
      this.histogram.recordValueWithCount(0, count);
      return;
    }
    this.histogram.recordValueWithCount(Math.round(valueMs * 1000), count);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummaryMs {
    const h = this.histogram;
    if (h.totalCount === 0) return { count: 0, p50: 0, p99: 0, max: 0, negativeCount: 0, min: 0 };
    return {
      count: h.totalCount,
      p50: h.getValueAtPercentile(50) / 1000,
      p99: h.getValueAtPercentile(99) / 1000,
      max: h.maxValue / 1000,
      negativeCount: this.negatives,
      min: this.lowestMs,
    };
  }

  /** Forgets everything (e.g. after a benchmark's warm-up). */
  reset(): void {
    this.histogram.reset();
    this.negatives = 0;
    this.lowestMs = Infinity;
  }
}

import type { ArrivalProcess } from './arrivalProcess.js';
import type { RateProfile } from './rateProfile.js';

/** Λ(t) is only accurate to rounding: an arrival computed for count n may read back as n − 1e-12. */
const COUNT_TOLERANCE = 1e-7;

/**
 * Evenly spaced arrivals (SIPp -r, k6 constant/ramping arrival rate), exact under a ramp: arrival n
 * (n = 0, 1, 2, …) is where the integral of the rate passes n. Arrival 0 is the first moment the rate
 * is positive, so a run starts its first call at once, as SIPp and k6 do; 10/s for 1 s is then 10 calls
 * at 0, 100, …, 900 ms, and a ramp 0→10/s over 10 s is 50 (its area; the 51st would fall on its end). Stateless: the next arrival is
 * computed from the previous one, so nothing drifts.
 */
export class ConstantArrivals implements ArrivalProcess {
  /** `phase` (0 ≤ phase < 1) shifts every arrival to where the integral reaches n + phase (shards interleave). */
  constructor(
    private readonly profile: RateProfile,
    private readonly phase = 0,
  ) {}

  nextArrivalAtMs(prevAtMs: number | undefined): number | undefined {
    if (prevAtMs === undefined) return this.profile.timeOfCount(this.phase);
    const n = Math.floor(this.profile.cumulative(prevAtMs) - this.phase + COUNT_TOLERANCE) + 1;
    const at = this.profile.timeOfCount(n + this.phase);
    return at === undefined ? undefined : Math.max(at, prevAtMs);
  }
}

import type { Rng } from '../core/rng.js';
import type { ArrivalProcess } from './arrivalProcess.js';
import type { RateProfile } from './rateProfile.js';

/**
 * Poisson arrivals with the instantaneous rate of the profile, by time-rescaling: the gaps of a unit-rate
 * Poisson process are Exp(1) draws E, and mapping Λ(prev) + E back through Λ⁻¹ gives an inhomogeneous
 * process of rate r(t) (exact for any ramp, no rejected draws as thinning would need). One draw per arrival.
 */
export class PoissonArrivals implements ArrivalProcess {
  constructor(
    private readonly profile: RateProfile,
    private readonly rng: Rng,
  ) {}

  nextArrivalAtMs(prevAtMs: number | undefined): number | undefined {
    const gap = -Math.log(1 - this.rng()); // 1 − [0, 1) is in (0, 1]: ln never sees 0
    const base = prevAtMs === undefined ? 0 : this.profile.cumulative(prevAtMs);
    const at = this.profile.timeOfCount(base + gap);
    if (at === undefined) return undefined;
    return prevAtMs === undefined ? at : Math.max(at, prevAtMs);
  }
}

import { createRng } from '../core/rng.js';
import { ConstantArrivals } from './constantArrivals.js';
import type { LoadModel } from './loadTypes.js';
import { PoissonArrivals } from './poissonArrivals.js';
import { RateProfile } from './rateProfile.js';

/**
 * When open-model calls arrive. Times are ms since the plan started. Deterministic for a given seed:
 * the controller asks for one arrival at a time, so only one timer is ever pending.
 */
export interface ArrivalProcess {
  /**
   * The arrival after the one at `prevAtMs` (undefined: the first), or undefined when no more come
   * (the stages ended, or the rate stays 0 from here on: zero-rate stretches are skipped, never waited on).
   */
  nextArrivalAtMs(prevAtMs: number | undefined): number | undefined;
}

type OpenModel = Extract<LoadModel, { kind: 'open' }>;

/**
 * The rate over time of an open model: its stages ramp from `ratePerSec` (k6's startRate), or, without
 * stages, `ratePerSec` holds for ever.
 */
export function rateProfileOf(model: OpenModel): RateProfile {
  return model.stages === undefined ? RateProfile.constant(model.ratePerSec) : RateProfile.fromStages(model.stages, model.ratePerSec);
}

/** The arrival process a plan's open model asks for; `seed` drives the Poisson draws. */
export function createArrivalProcess(model: OpenModel, seed: number): ArrivalProcess {
  const profile = rateProfileOf(model);
  return model.arrivals === 'poisson' ? new PoissonArrivals(profile, createRng(seed)) : new ConstantArrivals(profile, model.phase ?? 0);
}

import type { CapacitySettings, CapacityStepResult } from './capacityTypes.js';

export const DEFAULT_COLLAPSE_FACTOR = 5;
export const DEFAULT_COLLAPSE_RATE = 0.5;

/** Whether one step met its SLOs, and whether its failures climbed past the collapse limit. */
export interface StepVerdict {
  passed: boolean;
  collapsed: boolean;
  /** Sources of the failed SLO conditions, in the order given. */
  brokenSlos: string[];
  /** The failure rate above which the step counts as collapsed. */
  collapseLimit: number;
}

/**
 * A step passes when every SLO condition holds and it did not collapse. Collapse: failure rate above
 * `collapseFactor` × the tightest `failure_rate` SLO limit, or above `collapseRate` regardless.
 */
export function stepVerdict(settings: Pick<CapacitySettings, 'collapseFactor' | 'collapseRate'>, step: CapacityStepResult): StepVerdict {
  const brokenSlos = step.slos.filter((r) => !r.passed).map((r) => r.source);
  const collapseLimit = collapseLimitOf(settings, step);
  const collapsed = step.failureRate !== null && step.failureRate > collapseLimit;
  return { passed: brokenSlos.length === 0 && !collapsed, collapsed, brokenSlos, collapseLimit };
}

function collapseLimitOf(settings: Pick<CapacitySettings, 'collapseFactor' | 'collapseRate'>, step: CapacityStepResult): number {
  return collapseLimit(settings, step.slos);
}

/**
 * The failure rate above which a step counts as collapsed: `collapseFactor` × the tightest
 * `failure_rate` SLO limit, capped by `collapseRate`. Takes the SLO conditions (metric, op, limit).
 */
export function collapseLimit(settings: Pick<CapacitySettings, 'collapseFactor' | 'collapseRate'>, conditions: readonly { metric: string; op: string; limit: number }[]): number {
  const rate = settings.collapseRate ?? DEFAULT_COLLAPSE_RATE;
  const factor = settings.collapseFactor ?? DEFAULT_COLLAPSE_FACTOR;
  // Only upper bounds say how many failures the user tolerates; a limit of 0 would make any failure a collapse.
  const limits = conditions.filter((r) => r.metric === 'failure_rate' && (r.op === '<' || r.op === '<=') && r.limit > 0).map((r) => r.limit);
  return limits.length === 0 ? rate : Math.min(rate, factor * Math.min(...limits));
}

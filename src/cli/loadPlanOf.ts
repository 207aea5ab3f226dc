import { formatDurationMs } from '../core/duration.js';
import type { LoadPlan } from '../load/loadTypes.js';
import { formatStages } from '../load/parseStages.js';
import type { RunConfig } from './runOptions.js';

/** No -l: a cap this high never drops an arrival. */
const NO_CAP = 1_000_000;

/** The load plan of a run: -m stops after that many calls; without -m a run is bounded by --duration, the stages or --users (else one call). */
export function loadPlanOf(c: RunConfig): LoadPlan {
  const bounded = c.durationMs !== undefined || c.model.stages !== undefined || c.model.kind === 'closed';
  const maxCalls = c.callsGiven || !bounded ? c.calls : undefined;
  return {
    model: c.model,
    concurrencyCap: c.concurrency ?? maxCalls ?? NO_CAP,
    ...(maxCalls === undefined ? {} : { maxCalls }),
    ...(c.durationMs === undefined ? {} : { durationMs: c.durationMs }),
    seed: c.seed,
  };
}

/** How long the plan runs, when it says (--duration, the stages): the progress line's "/ total". */
export function plannedLengthMs(plan: LoadPlan): number | undefined {
  const stages = plan.model.stages;
  const stagesMs = stages === undefined ? undefined : stages.reduce((t, s) => t + s.durationMs, 0);
  if (plan.durationMs === undefined) return stagesMs;
  return stagesMs === undefined ? plan.durationMs : Math.min(plan.durationMs, stagesMs);
}

/** One line: "10 calls/s (poisson), at most 50 at once, 1000 calls, for 10m". */
export function describePlan(plan: LoadPlan): string {
  const m = plan.model;
  const load =
    m.kind === 'open'
      ? m.stages === undefined
        ? `${Math.round(m.ratePerSec * 100) / 100} calls/s (${m.arrivals})`
        : `open model, stages ${formatStages(m.stages)}`
      : m.stages === undefined
        ? `${m.users} users`
        : `closed model, stages ${formatStages(m.stages)}`;
  const cap = plan.concurrencyCap >= NO_CAP ? '' : `, at most ${plan.concurrencyCap} at once`;
  const limit = plan.maxCalls === undefined ? '' : `, ${plan.maxCalls} call${plan.maxCalls === 1 ? '' : 's'}`;
  const duration = plan.durationMs === undefined ? '' : `, for ${formatDurationMs(plan.durationMs)}`;
  return `${load}${cap}${limit}${duration}`;
}

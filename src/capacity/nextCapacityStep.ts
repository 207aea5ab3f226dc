import { bottleneckHint } from './bottleneckHint.js';
import type { BrokenSlo, CapacityDecision, CapacityLevel, CapacityResult, CapacitySettings, CapacityStepResult, CapacityStopReason } from './capacityTypes.js';
import { stepVerdict } from './stepVerdict.js';

/**
 * The capacity search, pure: from the settings and the steps run so far (in order), the next level
 * to hold or the result. Ramp from `start` (by step or factor) until a step breaks an SLO or
 * reaches `max`; then bisect between the last passing and the first failing level down to
 * `resolution`. A collapsed step (failures climbing sharply) is a failing level like any other: the
 * search never climbs past it and refines below it; only a collapsed start ends the search at once.
 */
export function nextCapacityStep(settings: CapacitySettings, history: readonly CapacityStepResult[]): CapacityDecision {
  const levels = classify(settings, history);
  const last = levels[levels.length - 1];
  if (last === undefined) return { kind: 'step', level: roundLevel(settings, Math.min(settings.start, settings.max)), phase: 'ramp' };
  const done = (stopReason: CapacityStopReason): CapacityDecision => ({ kind: 'done', result: buildResult(settings, history, levels, stopReason) });

  const { lastPass, firstFail } = bracket(levels);
  if (last.collapsed && lastPass === null) return done('collapsed');
  if (firstFail === null) {
    if (last.level >= settings.max) return done('max-reached');
    return { kind: 'step', level: rampAfter(settings, last.level), phase: 'ramp' };
  }
  if (lastPass === null) return done('start-failed');
  if (firstFail - lastPass <= settings.resolution) return done('resolved');
  const mid = roundLevel(settings, (lastPass + firstFail) / 2);
  if (mid <= lastPass || mid >= firstFail || levels.some((l) => l.level === mid)) return done('resolved');
  return { kind: 'step', level: mid, phase: 'refine' };
}

/** The result of the steps run so far, whatever the search would do next (an interrupted search). */
export function capacityResultSoFar(settings: CapacitySettings, history: readonly CapacityStepResult[], stopReason: CapacityStopReason): CapacityResult {
  return buildResult(settings, history, classify(settings, history), stopReason);
}

/** Concurrency is a whole number of calls; a rate keeps three decimals. */
function roundLevel(settings: CapacitySettings, level: number): number {
  return settings.by === 'concurrency' ? Math.floor(level + 1e-9) : Math.round(level * 1000) / 1000;
}

function rampAfter(settings: CapacitySettings, level: number): number {
  const raw = settings.ramp.kind === 'step' ? level + settings.ramp.step : level * settings.ramp.factor;
  // Factor steps round up (10 × 1.5 × 1.5 = 22.5 → 23) and always move by at least one call.
  const next = settings.by === 'concurrency' ? Math.max(level + 1, Math.ceil(raw - 1e-9)) : Math.round(raw * 1000) / 1000;
  return Math.min(next, settings.max);
}

function classify(settings: CapacitySettings, history: readonly CapacityStepResult[]): CapacityLevel[] {
  let failed = false;
  return history.map((step) => {
    const v = stepVerdict(settings, step);
    const level: CapacityLevel = {
      level: step.level,
      phase: failed ? 'refine' : 'ramp',
      passed: v.passed,
      collapsed: v.collapsed,
      failureRate: step.failureRate,
      brokenSlos: v.brokenSlos,
    };
    failed ||= !v.passed;
    return level;
  });
}

/** The lowest failing level, and the highest passing level below it (a noisy pass above a fail is ignored). */
function bracket(levels: readonly CapacityLevel[]): { lastPass: number | null; firstFail: number | null } {
  const fails = levels.filter((l) => !l.passed).map((l) => l.level);
  const firstFail = fails.length === 0 ? null : Math.min(...fails);
  const passes = levels.filter((l) => l.passed && (firstFail === null || l.level < firstFail)).map((l) => l.level);
  return { lastPass: passes.length === 0 ? null : Math.max(...passes), firstFail };
}

function buildResult(settings: CapacitySettings, history: readonly CapacityStepResult[], levels: CapacityLevel[], stopReason: CapacityStopReason): CapacityResult {
  const { lastPass, firstFail } = bracket(levels);
  const breaking = firstFail === null ? undefined : history.find((s) => s.level === firstFail);
  return {
    by: settings.by,
    effectiveCapacity: lastPass,
    breakingLevel: firstFail,
    firstBrokenSlo: breaking === undefined ? null : worstSlo(breaking),
    stopReason,
    levels,
    hint: bottleneckHint(history, firstFail),
  };
}

/** The failed SLO furthest past its limit (relative); an SLO with no value counts as furthest. */
function worstSlo(step: CapacityStepResult): BrokenSlo | null {
  let worst: { slo: BrokenSlo; excess: number } | undefined;
  for (const r of step.slos) {
    if (r.passed) continue;
    const excess = r.actual === null ? Infinity : r.op === '<' || r.op === '<=' ? r.actual / r.limit : r.op === '==' ? Math.abs(r.actual - r.limit) : r.limit / r.actual;
    if (worst === undefined || excess > worst.excess) worst = { slo: { source: r.source, limit: r.limit, actual: r.actual }, excess };
  }
  return worst?.slo ?? null;
}

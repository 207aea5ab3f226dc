import type { CapacityResult, CapacitySettings, CapacityStepResult } from './capacityTypes.js';
import { nextCapacityStep } from './nextCapacityStep.js';
import { validateCapacitySettings } from './validateCapacitySettings.js';

/** Holds one level and reports what it measured (the capacity command runs a load step; tests use a model). */
export type RunCapacityStep = (level: number, phase: 'ramp' | 'refine') => Promise<CapacityStepResult> | CapacityStepResult;

/** Drives nextCapacityStep until it is done; no I/O of its own. */
export async function searchCapacity(settings: CapacitySettings, runStep: RunCapacityStep): Promise<CapacityResult> {
  validateCapacitySettings(settings);
  const history: CapacityStepResult[] = [];
  for (;;) {
    const next = nextCapacityStep(settings, history);
    if (next.kind === 'done') return next.result;
    const result = await runStep(next.level, next.phase);
    history.push({ ...result, level: next.level });
  }
}

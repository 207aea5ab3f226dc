/** Capacity search (pure: history → next level or done), its result file, and capacity planning. */
export { nextCapacityStep, capacityResultSoFar } from './nextCapacityStep.js';
export { measuredStepSummary } from './measuredStepSummary.js';
export type { MeasuredWindow } from './measuredStepSummary.js';
export { searchCapacity } from './searchCapacity.js';
export type { RunCapacityStep } from './searchCapacity.js';
export { validateCapacitySettings } from './validateCapacitySettings.js';
export { stepVerdict, DEFAULT_COLLAPSE_FACTOR, DEFAULT_COLLAPSE_RATE } from './stepVerdict.js';
export type { StepVerdict } from './stepVerdict.js';
export { stepResultFromSummary } from './stepResultFromSummary.js';
export { bottleneckHint } from './bottleneckHint.js';
export { HINT_METRICS } from './capacityTypes.js';
export type {
  BottleneckHint,
  BrokenSlo,
  CapacityDecision,
  CapacityDimension,
  CapacityLevel,
  CapacityRamp,
  CapacityResult,
  CapacitySettings,
  CapacityStepResult,
  CapacityStopReason,
  HintMetric,
  StepPercentiles,
} from './capacityTypes.js';
export { CAPACITY_SCHEMA, buildCapacityDoc, formatCapacityFile, parseCapacityFile } from './capacityFile.js';
export type { CapacityDoc, CapacityDocParts } from './capacityFile.js';
export { planCapacity, componentsFromCapacity, parseUnitCapacity, mergeComponents, DEFAULT_TARGET_UTILIZATION, WHOLE_STACK } from './planCapacity.js';
export type { CapacityPlan, ComponentCapacity, ComponentPlan, PlanInput } from './planCapacity.js';
export { formatPlan } from './formatPlan.js';
export { formatCapacity, formatStepEnd, formatLevel } from './formatCapacity.js';

/** Build-vs-build comparison of two results directories (`voiceload compare`). */
export { mannWhitneyU } from './mannWhitney.js';
export type { MannWhitneyResult } from './mannWhitney.js';
export { bootstrapPercentileDiff } from './bootstrap.js';
export type { PercentileDiffInterval, BootstrapOptions } from './bootstrap.js';
export { parseGate, parseGates } from './parseGate.js';
export { FAILURE_RATE, GATE_STATS, formatLimit } from './regressionGate.js';
export type { RegressionGate, GateStat, CompareMetric } from './regressionGate.js';
export { CallSamples } from './callSamples.js';
export type { LoadedRun } from './loadedRun.js';
export { loadRunDir } from './loadRunDir.js';
export { compareRuns } from './compareRuns.js';
export type { CompareOptions } from './compareRuns.js';
export { COMPARE_SCHEMA, COMPARED_STATS } from './comparison.js';
export type { Comparison, MetricComparison, GateResult, StatChange, RunInfo, ComparedStat } from './comparison.js';
export { formatCompareMarkdown } from './formatCompareMarkdown.js';
export { formatCompareJson } from './formatCompareJson.js';
export { formatCompareHtml } from './formatCompareHtml.js';

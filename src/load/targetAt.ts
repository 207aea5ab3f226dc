import type { LoadStage } from './loadTypes.js';

/** How long the stages last in total: the run ends there. */
export function stagesDurationMs(stages: readonly LoadStage[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/**
 * The ramp's value at `tMs` (ms since the stages began): linear from the previous target (`startTarget`
 * before the first stage, 0 in k6) to each stage's target over its duration. Stages are half-open
 * [start, end), so a zero-length stage is a jump. Before 0 it is `startTarget`; from the end of the last
 * stage on it is undefined: the run ends there.
 */
export function targetAt(stages: readonly LoadStage[], startTarget: number, tMs: number): number | undefined {
  if (tMs < 0) return startTarget;
  let from = startTarget;
  let stageStartMs = 0;
  for (const stage of stages) {
    const endMs = stageStartMs + stage.durationMs;
    if (tMs < endMs) return from + ((stage.target - from) * (tMs - stageStartMs)) / stage.durationMs;
    from = stage.target;
    stageStartMs = endMs;
  }
  return undefined;
}

/** What the watch needs of a progress tick (cumulative counts since the step's run started). */
export interface CollapseTick {
  elapsedMs: number;
  answered: number;
  failed: number;
}

export interface CollapseWatchOptions {
  /** Only calls after this (the warmup's end, run ms) count. */
  fromMs: number;
  /** The collapse limit (stepVerdict's collapseLimit). */
  limit: number;
  /** Failed calls needed before a verdict: a few early failures are not a collapse. Default 10. */
  minFailed?: number;
}

/**
 * Pure: watches a capacity step's progress ticks and says when its failures climbed past the
 * collapse limit after the warmup, so the step can be cut short instead of hammering a broken
 * system for its whole duration. The rate is failed / (failed + answered) since the first tick
 * after the warmup: a refused call is never answered. Returns the rate when collapsed, else null.
 */
export function createCollapseWatch(o: CollapseWatchOptions): (tick: CollapseTick) => number | null {
  const minFailed = o.minFailed ?? 10;
  let base: { answered: number; failed: number } | undefined;
  return (tick) => {
    if (tick.elapsedMs < o.fromMs) return null;
    base ??= { answered: tick.answered, failed: tick.failed };
    const failed = tick.failed - base.failed;
    const answered = tick.answered - base.answered;
    if (failed < minFailed) return null;
    const rate = failed / (failed + answered);
    return rate > o.limit ? rate : null;
  };
}

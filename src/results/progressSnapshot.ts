import type { ProgressSnapshot } from './formatProgress.js';
import type { RunCounts } from './runCounters.js';
import type { TimelineRow } from './timeline.js';

/**
 * The progress snapshot after an interval closed: rate, active calls and TTFA from the last
 * finished interval (Timeline.closeUpTo), totals from the run's counts so far.
 */
export function progressSnapshot(p: { elapsedMs: number; totalMs?: number; lastRow: TimelineRow | undefined; counts: RunCounts }): ProgressSnapshot {
  const row = p.lastRow;
  const seconds = row === undefined ? 0 : (row.endMs - row.startMs) / 1000;
  return {
    elapsedMs: p.elapsedMs,
    ...(p.totalMs === undefined ? {} : { totalMs: p.totalMs }),
    activeCalls: row?.activeCalls ?? 0,
    callsPerSec: row === undefined || seconds === 0 ? 0 : row.started / seconds,
    answered: p.counts.callsAnswered,
    failed: p.counts.callsFailed,
    failedByReason: p.counts.failedByReason,
    dropped: p.counts.callsDropped,
    ttfaP50Ms: row?.ttfaMs.p50 ?? null,
    ttfaP95Ms: row?.ttfaMs.p95 ?? null,
  };
}

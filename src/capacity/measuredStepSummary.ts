import type { CallRecord } from '../load/loadTypes.js';
import { MetricHistograms } from '../results/metricHistograms.js';
import { RunCounters } from '../results/runCounters.js';
import { buildRunSummary, type RunSummaryDoc } from '../results/runSummaryDoc.js';
import type { Threshold } from '../results/threshold.js';

/** The part of a capacity step that counts: after the warmup, until the step's end (ms since the step's run started). */
export interface MeasuredWindow {
  fromMs: number;
  toMs: number;
}

export interface MeasuredSummaryParts {
  slos: readonly Threshold[];
  version: string;
  config: unknown;
  tags?: Readonly<Record<string, string>>;
  /** Epoch ms of the step's run start (time 0 of the records). */
  runStartEpochMs: number;
}

/**
 * Pure: the summary of one capacity step over its measured window only, SLOs evaluated on it.
 *
 * Warmup is excluded this way. Calls: every call up during the window counts in the call counts
 * (failure rate); one the step's end cut short (BYE at `toMs`, reason `aborted`) counts as not
 * failed, since it had not failed by then. Call-level latencies (setup, greeting, RTP) come from the
 * calls that STARTED in the window. Turns: those whose reply began inside the window
 * (`replyOnsetAtMs`), from any call, so the long calls of a closed model, which mostly start in the
 * warmup, are measured at the level held; a turn without a reply counts only for a call that
 * started in the window and was not cut (it cannot be placed in time otherwise). A turn's stage
 * breakdown (`run --livekit`) is counted with its turn.
 */
export function measuredStepSummary(records: readonly CallRecord[], window: MeasuredWindow, parts: MeasuredSummaryParts): RunSummaryDoc {
  const histograms = new MetricHistograms();
  const counters = new RunCounters();
  const inWindow = (atMs: number | null | undefined): boolean => atMs !== null && atMs !== undefined && atMs >= window.fromMs && atMs < window.toMs;
  for (const r of records) {
    if (r.startedAtMs >= window.toMs || r.endedAtMs < window.fromMs) continue;
    const cut = r.reason === 'aborted' && r.endedAtMs >= window.toMs;
    const startedIn = r.startedAtMs >= window.fromMs && !cut;
    const kept = r.ttfaMs.flatMap((t, i) => ((t === null ? startedIn && (r.replyOnsetAtMs?.[i] ?? null) === null : inWindow(r.replyOnsetAtMs?.[i])) ? [i] : []));
    const turns = kept.map((i) => r.ttfaMs[i] ?? null);
    const stages = r.turnStages === undefined ? undefined : kept.map((i) => r.turnStages?.[i] ?? null);
    const measured: CallRecord = { ...r, ttfaMs: turns, ...(stages === undefined ? {} : { turnStages: stages }) };
    const record: CallRecord = cut ? { ...measured, outcome: 'completed', reason: null, reasonText: null } : measured;
    counters.recordCall(record);
    if (r.startedAtMs >= window.fromMs) histograms.recordCall(record);
    else {
      for (const t of turns) if (t !== null) histograms.record('ttfa_ms', t);
      for (const stage of stages ?? []) histograms.recordTurnStages(stage);
    }
  }
  return buildRunSummary({
    config: parts.config,
    ...(parts.tags === undefined ? {} : { tags: parts.tags }),
    version: parts.version,
    startedAt: new Date(parts.runStartEpochMs + window.fromMs).toISOString(),
    endedAt: new Date(parts.runStartEpochMs + window.toMs).toISOString(),
    histograms,
    counters,
    thresholds: parts.slos,
  });
}

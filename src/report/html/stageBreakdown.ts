import type { TurnStageBreakdown } from '../../load/loadTypes.js';
import { STAGE_METRICS, TTFA_STAGE_METRICS } from '../../results/metricNames.js';
import type { StageMetric } from '../../results/metricNames.js';
import { nearestRank } from '../../results/nearestRank.js';
import type { RunSummaryDoc } from '../../results/runSummaryDoc.js';
import { turnStageSamples } from '../../results/turnStageSamples.js';
import { STAGE_LABELS } from '../stageLabels.js';

export interface StageSegment {
  metric: StageMetric;
  label: string;
  /** The stage's own percentile; null when the stage has no samples. */
  ms: number | null;
}

/** One stacked bar: each stage at the same percentile, beside ttfa_ms at it. */
export interface StageBar {
  percentile: 'p50' | 'p95';
  segments: StageSegment[];
  /** Sum of the segments (percentiles do not add up exactly: this is not the TTFA percentile). */
  stackedMs: number;
  ttfaMs: number | null;
}

export interface StageRow {
  metric: StageMetric;
  label: string;
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Medians of each stage over the turns at one index (1-based, as a person counts turns). */
export interface StageTurnRow {
  turn: number;
  /** Turns at this index with a breakdown. */
  count: number;
  medians: Record<StageMetric, number | null>;
}

/** "Where the time goes": the report's stage breakdown of `run --livekit` results. */
export interface StageSection {
  bars: StageBar[];
  rows: StageRow[];
  turns: StageTurnRow[];
}

/**
 * Pure: the stage section from summary.json (percentiles) and calls.ndjson's per-turn breakdowns
 * (turn index → the breakdowns seen at it, 0-based); null when no stage metric has samples.
 */
export function stageSection(summary: RunSummaryDoc, turnStages: readonly (readonly (TurnStageBreakdown | null)[])[] = []): StageSection | null {
  const stats = (m: StageMetric) => summary.metrics[m];
  if (!STAGE_METRICS.some((m) => (stats(m)?.count ?? 0) > 0)) return null;
  const bars = (['p50', 'p95'] as const).map((percentile): StageBar => {
    const segments = TTFA_STAGE_METRICS.map((metric) => ({ metric, label: STAGE_LABELS[metric], ms: stats(metric)?.[percentile] ?? null }));
    return { percentile, segments, stackedMs: round(segments.reduce((sum, s) => sum + (s.ms ?? 0), 0)), ttfaMs: summary.metrics.ttfa_ms[percentile] };
  });
  const rows = STAGE_METRICS.filter((m) => (stats(m)?.count ?? 0) > 0).map((metric): StageRow => {
    const s = stats(metric)!;
    return { metric, label: STAGE_LABELS[metric], count: s.count, p50: s.p50, p95: s.p95, p99: s.p99 };
  });
  return { bars, rows, turns: turnRows(turnStages) };
}

function turnRows(turnStages: readonly (readonly (TurnStageBreakdown | null)[])[]): StageTurnRow[] {
  const rows: StageTurnRow[] = [];
  turnStages.forEach((breakdowns, i) => {
    const values = new Map<StageMetric, number[]>();
    let count = 0;
    for (const b of breakdowns) {
      const samples = turnStageSamples(b);
      if (samples.length > 0) count++;
      for (const [m, v] of samples) (values.get(m) ?? values.set(m, []).get(m)!).push(v);
    }
    if (count === 0) return;
    const medians = Object.fromEntries(STAGE_METRICS.map((m) => [m, nearestRank((values.get(m) ?? []).sort((a, b) => a - b), 50)])) as Record<StageMetric, number | null>;
    rows.push({ turn: i + 1, count, medians });
  });
  return rows;
}

/** Drops float noise of the sum (the histograms keep 0.001 ms). */
function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

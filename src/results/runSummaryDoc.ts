import { HISTOGRAM_METRICS, isStageMetric } from './metricNames.js';
import type { CoreHistogramMetric, StageMetric } from './metricNames.js';
import type { MetricHistograms, MetricStats } from './metricHistograms.js';
import { RunCounters } from './runCounters.js';
import type { RunCounts } from './runCounters.js';
import { evaluateThresholds } from './evaluateThresholds.js';
import type { Threshold, ThresholdResult } from './threshold.js';
import { redactSecrets } from './redactSecrets.js';

export const SUMMARY_SCHEMA = 'voiceload.summary/1';

/** One metric in summary.json: its unit and HDR statistics (see MetricStats for precision). */
export interface SummaryMetric extends MetricStats {
  unit: 'ms' | '%';
}

/**
 * summary.json, schema `voiceload.summary/1` (docs/summary-schema.md). Additive changes keep the
 * version; a renamed or removed field bumps it.
 */
export interface RunSummaryDoc {
  schema: typeof SUMMARY_SCHEMA;
  voiceloadVersion: string;
  /** ISO 8601 times of the run's start and end. */
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** `--tag key=value` pairs. */
  tags: Record<string, string>;
  /** The run's configuration, secrets redacted. */
  config: unknown;
  counters: {
    calls_attempted: number;
    calls_answered: number;
    calls_completed: number;
    calls_failed: number;
    calls_failed_by_reason: Record<string, number>;
    calls_dropped: number;
    turns: number;
    turns_no_reply: number;
  };
  rates: { failure_rate: number | null; answer_seizure_ratio: number | null };
  /**
   * Every histogram metric, in METRICS.md order; empty ones have count 0 and nulls. The per-turn
   * stage metrics (`run --livekit`) are listed only when they have samples.
   */
  metrics: Record<CoreHistogramMetric, SummaryMetric> & Partial<Record<StageMetric, SummaryMetric>>;
  /** Samples outside a histogram's range (negative or over 1 h), recorded clamped. */
  valuesClamped: number;
  thresholds: { passed: boolean; results: ThresholdResult[] };
}

export interface RunSummaryParts {
  config: unknown;
  tags?: Readonly<Record<string, string>>;
  version: string;
  startedAt: string;
  endedAt: string;
  histograms: MetricHistograms;
  counters: RunCounters | RunCounts;
  /** Parsed thresholds, evaluated here against the histograms (any percentile) and counts. */
  thresholds?: readonly Threshold[];
}

/** Pure: the summary.json object of a run. */
export function buildRunSummary(p: RunSummaryParts): RunSummaryDoc {
  const counts = p.counters instanceof RunCounters ? p.counters.snapshot() : p.counters;
  const metrics = Object.fromEntries(
    HISTOGRAM_METRICS.filter((name) => !isStageMetric(name) || p.histograms.count(name) > 0).map((name) => [name, { unit: name === 'rtp_loss_pct' ? '%' : 'ms', ...p.histograms.stats(name) }]),
  ) as RunSummaryDoc['metrics'];
  const results = evaluateThresholds(p.thresholds ?? [], { histograms: p.histograms, counts });
  return {
    schema: SUMMARY_SCHEMA,
    voiceloadVersion: p.version,
    startedAt: p.startedAt,
    endedAt: p.endedAt,
    durationMs: Date.parse(p.endedAt) - Date.parse(p.startedAt),
    tags: { ...(p.tags ?? {}) },
    config: redactSecrets(p.config),
    counters: {
      calls_attempted: counts.callsAttempted,
      calls_answered: counts.callsAnswered,
      calls_completed: counts.callsCompleted,
      calls_failed: counts.callsFailed,
      calls_failed_by_reason: { ...counts.failedByReason },
      calls_dropped: counts.callsDropped,
      turns: counts.turns,
      turns_no_reply: counts.turnsNoReply,
    },
    rates: { failure_rate: counts.failureRate, answer_seizure_ratio: counts.answerSeizureRatio },
    metrics,
    valuesClamped: p.histograms.clamped,
    thresholds: { passed: results.every((r) => r.passed), results },
  };
}

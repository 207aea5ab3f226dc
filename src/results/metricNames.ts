/**
 * The metrics a run keeps in HDR histograms (names from METRICS.md). Every value is stored as an
 * integer in thousandths of its unit: milliseconds as microseconds, `rtp_loss_pct` as thousandths
 * of a percent. One scale for all keeps encode/decode and merging free of per-metric cases.
 */
export const HISTOGRAM_METRICS = [
  'invite_to_trying_ms',
  'post_dial_delay_ms',
  'invite_to_answer_ms',
  'greeting_ttfa_ms',
  'ttfa_ms',
  'agent_reply_ms',
  'barge_in_stop_ms',
  'rtp_jitter_ms',
  'rtp_loss_pct',
  'start_lag_ms',
  // `run --livekit`: one turn's TTFA taken apart (TurnStageBreakdown); absent from runs without it.
  'eou_delay_ms',
  'transcription_delay_ms',
  'stt_ms',
  'llm_ttft_ms',
  'tts_ttfb_ms',
  'transport_remainder_ms',
  'bridge_delay_ms',
] as const;

export type HistogramMetric = (typeof HISTOGRAM_METRICS)[number];

/**
 * The per-turn stage metrics (`run --livekit`), in HISTOGRAM_METRICS order. Unlike the other
 * histogram metrics, summary.json lists them only when they have samples: a run that did not
 * observe the agent has no such metrics at all.
 */
export const STAGE_METRICS = ['eou_delay_ms', 'transcription_delay_ms', 'stt_ms', 'llm_ttft_ms', 'tts_ttfb_ms', 'transport_remainder_ms', 'bridge_delay_ms'] as const;
export type StageMetric = (typeof STAGE_METRICS)[number];
/**
 * The stages that follow one another and add up to a turn's TTFA, in order; STT and transcription
 * run inside the end-of-utterance delay, the SIP bridge's delay inside the remainder.
 */
export const TTFA_STAGE_METRICS = ['eou_delay_ms', 'llm_ttft_ms', 'tts_ttfb_ms', 'transport_remainder_ms'] as const satisfies readonly StageMetric[];
/** The histogram metrics every summary.json lists (count 0 and nulls when empty). */
export type CoreHistogramMetric = Exclude<HistogramMetric, StageMetric>;

export function isStageMetric(name: string): name is StageMetric {
  return (STAGE_METRICS as readonly string[]).includes(name);
}

/** Stored integer = value × VALUE_SCALE (ms → µs, pct → milli-pct). */
export const VALUE_SCALE = 1000;

/** Largest value kept, in the metric's unit: one hour of milliseconds (larger values are clamped). */
export const MAX_VALUE = 3_600_000;

/** Counters and ratios of a run (RunCounters), usable in thresholds next to the histograms. */
export const COUNTER_METRICS = [
  'calls_attempted',
  'calls_answered',
  'calls_completed',
  'calls_failed',
  'calls_dropped',
  'turns_no_reply',
] as const;
export type CounterMetric = (typeof COUNTER_METRICS)[number];

export const RATE_METRICS = ['failure_rate', 'answer_seizure_ratio'] as const;
export type RateMetric = (typeof RATE_METRICS)[number];

export function isHistogramMetric(name: string): name is HistogramMetric {
  return (HISTOGRAM_METRICS as readonly string[]).includes(name);
}
export function isCounterMetric(name: string): name is CounterMetric {
  return (COUNTER_METRICS as readonly string[]).includes(name);
}
export function isRateMetric(name: string): name is RateMetric {
  return (RATE_METRICS as readonly string[]).includes(name);
}

import type { ThresholdResult } from '../results/threshold.js';
import type { SeriesMean } from '../scrape/seriesMeans.js';

/** What a capacity search steps: concurrent calls, or new calls per second (`--by rate`). */
export type CapacityDimension = 'concurrency' | 'rate';

/** How the search moves from one level to the next while every SLO holds. */
export type CapacityRamp = { kind: 'step'; step: number } | { kind: 'factor'; factor: number };

export interface CapacitySettings {
  by: CapacityDimension;
  /** First level tried. */
  start: number;
  ramp: CapacityRamp;
  /** Highest level ever tried; reaching it with every SLO met ends the search. */
  max: number;
  /** Bisection stops once the last passing and the first failing level are this close (level units). */
  resolution: number;
  /**
   * A step collapses when its failure rate exceeds this many times the `failure_rate` SLO's limit
   * (default 5)…: the step is cut short (no point hammering a broken system), the search climbs no
   * higher, and it refines below it as after any failing level…
   */
  collapseFactor?: number;
  /** …or this failure rate, with or without a `failure_rate` SLO (default 0.5). */
  collapseRate?: number;
}

/** Percentiles of one metric over one step; null when the step had no sample. */
export interface StepPercentiles {
  p50: number | null;
  p95: number | null;
  /** Samples behind the percentiles (absent in results of older versions: treated as enough). */
  count?: number;
}

/** The metrics the bottleneck hint compares between steps. */
export const HINT_METRICS = ['invite_to_answer_ms', 'greeting_ttfa_ms', 'ttfa_ms', 'rtp_loss_pct', 'rtp_jitter_ms'] as const;
export type HintMetric = (typeof HINT_METRICS)[number];

/** What one finished step at one level measured (the capacity command builds it from the step's summary). */
export interface CapacityStepResult {
  level: number;
  /** evaluateThresholds of the SLOs against this step: one entry per condition. */
  slos: ThresholdResult[];
  /** Failed calls / ended calls; null when no call ended. */
  failureRate: number | null;
  callsAttempted: number;
  metrics: Partial<Record<HintMetric, StepPercentiles>>;
  /** Calls refused with 503 Service Unavailable / 486 Busy Here. */
  rejected503: number;
  rejected486: number;
  /** `--scrape`: each scraped series' mean over the step's measured window (after the warmup). */
  scraped?: readonly SeriesMean[];
}

/** One step of the search, as it is kept in the result. */
export interface CapacityLevel {
  level: number;
  phase: 'ramp' | 'refine';
  passed: boolean;
  /** The step's failure rate exceeded the collapse limit. */
  collapsed: boolean;
  failureRate: number | null;
  /** Sources of the SLO conditions that failed (`ttfa_ms: p(95)<1200`). */
  brokenSlos: string[];
}

/** Which part of a voice stack most likely limits capacity, and why we think so. */
export interface BottleneckHint {
  /** `target queueing`: a scraped queue of the target (`--scrape`) that names no known part rose. */
  component: 'signalling or agent dispatch' | 'dispatch/TTS' | 'STT/LLM/TTS queueing' | 'trunk or worker limits' | 'network or media path' | 'target queueing';
  /** What degraded: a metric name, or `sip_503/486` for rejections. */
  signal: string;
  /** The level at which that signal first crossed its degradation limit. */
  fromLevel: number;
  /** e.g. `ttfa_ms p95 rose 2.3x from level 10 to 40`. */
  evidence: string;
  /**
   * `--scrape`: a queue-like gauge of the target that rose, when the hint rests on a SIP-side signal
   * (when none degraded, the queue is the hint itself), e.g.
   * `voiceload_agent_stage_queue_depth{stage="llm"} rose from 0.0 at level 10 to 3.2 at level 16`.
   */
  targetEvidence?: string;
}

export type CapacityStopReason =
  /** Last pass and first fail are within the resolution. */
  | 'resolved'
  /** The max level met every SLO. */
  | 'max-reached'
  /** The start level's failures climbed sharply (a collapse above the start refines below it instead). */
  | 'collapsed'
  /** The start level already broke an SLO. */
  | 'start-failed'
  /** Stopped by the user (Ctrl-C): the result covers the steps finished before. */
  | 'interrupted';

export interface BrokenSlo {
  source: string;
  limit: number;
  /** The measured value; null when the metric had no value (which fails the SLO). */
  actual: number | null;
}

export interface CapacityResult {
  by: CapacityDimension;
  /** The highest level that met every SLO; null when none did. */
  effectiveCapacity: number | null;
  /** The lowest level that broke an SLO (or collapsed); null when none did. */
  breakingLevel: number | null;
  /** The SLO most over its limit at the breaking level; null when none broke (e.g. a collapse with all SLOs met). */
  firstBrokenSlo: BrokenSlo | null;
  stopReason: CapacityStopReason;
  /** Every step, in the order it ran. */
  levels: CapacityLevel[];
  hint: BottleneckHint | null;
}

/** What the search wants next: another step, or it is done. */
export type CapacityDecision = { kind: 'step'; level: number; phase: 'ramp' | 'refine' } | { kind: 'done'; result: CapacityResult };

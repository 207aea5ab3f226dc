import type { BottleneckHint, CapacityStepResult, HintMetric } from './capacityTypes.js';
import { scrapedQueueRise } from './scrapedQueueRise.js';

/** A latency counts as degraded once its p95 is this many times the first step's… */
export const LATENCY_RATIO = 1.5;
/** …and at least this many ms above it (a 3 ms setup doubling to 6 ms on loopback is noise). */
export const LATENCY_FLOOR_MS = 20;
/** Rejections (503/486) count once they refuse this share of a step's calls. */
export const REJECTION_SHARE = 0.01;
/** RTP loss counts once its p95 is this many percentage points above the first step's. */
export const LOSS_POINTS = 1;
/** Jitter counts once its p95 is this many times the first step's and 10 ms above it. */
export const JITTER_RATIO = 2;
const JITTER_FLOOR_MS = 10;
/**
 * A latency's p95 is compared only when both steps have this many samples: below it the p95 is
 * one of the few largest values, and a single slow turn would name a bottleneck.
 */
export const MIN_LATENCY_SAMPLES = 20;

type Component = BottleneckHint['component'];

interface Signal {
  signal: string;
  component: Component;
  /** ≥ 1 when degraded at this step; larger means more degraded (compares signals at one level). */
  score(step: CapacityStepResult, base: CapacityStepResult): number;
  evidence(base: CapacityStepResult, from: CapacityStepResult, last: CapacityStepResult): string;
}

const p95 = (s: CapacityStepResult, m: HintMetric): number | null => s.metrics[m]?.p95 ?? null;
const enoughSamples = (s: CapacityStepResult, m: HintMetric): boolean => (s.metrics[m]?.count ?? Infinity) >= MIN_LATENCY_SAMPLES;
const fmt = (n: number): string => String(Math.round(n * 10) / 10);
const rejectedShare = (s: CapacityStepResult): number => (s.callsAttempted === 0 ? 0 : (s.rejected503 + s.rejected486) / s.callsAttempted);

function latency(metric: HintMetric, component: Component, ratioLimit = LATENCY_RATIO, floor = LATENCY_FLOOR_MS): Signal {
  return {
    signal: metric,
    component,
    score(step, base) {
      const now = p95(step, metric);
      const then = p95(base, metric);
      if (now === null || then === null || now - then < floor || !enoughSamples(step, metric) || !enoughSamples(base, metric)) return 0;
      return then <= 0 ? Infinity : now / then / ratioLimit;
    },
    evidence(base, from, last) {
      const end = p95(last, metric) === null ? from : last;
      const ratio = p95(end, metric)! / p95(base, metric)!;
      const first = end.level === from.level ? '' : ` (past ${ratioLimit}x from level ${from.level})`;
      return `${metric} p95 rose ${fmt(ratio)}x from level ${base.level} to ${end.level}${first}`;
    },
  };
}

const SIGNALS: readonly Signal[] = [
  latency('invite_to_answer_ms', 'signalling or agent dispatch'),
  latency('greeting_ttfa_ms', 'dispatch/TTS'),
  latency('ttfa_ms', 'STT/LLM/TTS queueing'),
  {
    signal: 'sip_503/486',
    component: 'trunk or worker limits',
    score: (step, base) => {
      const share = rejectedShare(step);
      return share <= rejectedShare(base) ? 0 : share / REJECTION_SHARE;
    },
    evidence: (base, from, last) => {
      const pct = (s: CapacityStepResult): string => `${fmt(rejectedShare(s) * 100)} %`;
      const end = last.level === from.level ? '' : `, ${pct(last)} at level ${last.level}`;
      return `503/486 rejections: ${pct(base)} of calls at level ${base.level}, ${pct(from)} at level ${from.level}${end}`;
    },
  },
  {
    signal: 'rtp_loss_pct',
    component: 'network or media path',
    score: (step, base) => {
      const now = p95(step, 'rtp_loss_pct');
      return now === null ? 0 : (now - (p95(base, 'rtp_loss_pct') ?? 0)) / LOSS_POINTS;
    },
    evidence: (base, from, last) => {
      const end = p95(last, 'rtp_loss_pct') === null ? from : last;
      return `rtp_loss_pct p95 rose from ${fmt(p95(base, 'rtp_loss_pct') ?? 0)} % at level ${base.level} to ${fmt(p95(end, 'rtp_loss_pct')!)} % at level ${end.level}`;
    },
  },
  latency('rtp_jitter_ms', 'network or media path', JITTER_RATIO, JITTER_FLOOR_MS),
];

/**
 * Which component most likely limits capacity: the signal that degraded first (lowest level)
 * relative to the lowest step, ties broken by how far past its limit it is. Steps above the
 * breaking level are left out: past the break everything degrades and nothing is learnt.
 * With `--scrape`, a queue of the target that rose (scrapedQueueRise) is added as `targetEvidence`,
 * or is the hint itself when no SIP-side signal degraded. When nothing crossed its limit, the SLO
 * that broke first names the component, if its metric maps to one (e.g. a mean TTFA that crept up).
 */
export function bottleneckHint(steps: readonly CapacityStepResult[], breakingLevel: number | null): BottleneckHint | null {
  const sorted = [...steps].filter((s) => breakingLevel === null || s.level <= breakingLevel).sort((a, b) => a.level - b.level);
  const queue = scrapedQueueRise(sorted);
  const sipSide = sipSideHint(sorted);
  if (sipSide !== null) return queue === undefined ? sipSide : { ...sipSide, targetEvidence: queue.evidence };
  if (queue !== undefined) return { component: queue.component, signal: queue.series, fromLevel: queue.fromLevel, evidence: queue.evidence };
  return brokenSloHint(sorted, breakingLevel);
}

const SLO_COMPONENTS: Partial<Record<string, Component>> = {
  invite_to_answer_ms: 'signalling or agent dispatch',
  post_dial_delay_ms: 'signalling or agent dispatch',
  greeting_ttfa_ms: 'dispatch/TTS',
  ttfa_ms: 'STT/LLM/TTS queueing',
  rtp_loss_pct: 'network or media path',
  rtp_jitter_ms: 'network or media path',
};

/** The latency SLO the breaking step failed, traced from the lowest step (steps ascending by level). */
function brokenSloHint(sorted: readonly CapacityStepResult[], breakingLevel: number | null): BottleneckHint | null {
  const base = sorted[0];
  const broken = sorted.find((s) => s.level === breakingLevel);
  if (base === undefined || broken === undefined || broken === base) return null;
  for (const r of broken.slos) {
    const component = SLO_COMPONENTS[r.metric];
    const then = base.slos.find((b) => b.source === r.source)?.actual ?? null;
    if (r.passed || component === undefined || r.actual === null || then === null) continue;
    return {
      component,
      signal: r.metric,
      fromLevel: broken.level,
      evidence: `${r.metric} ${r.stat} (the SLO broken, ${r.source}) rose from ${fmt(then)} at level ${base.level} to ${fmt(r.actual)} at level ${broken.level}`,
    };
  }
  return null;
}

/** The SIP-side signals only (steps ascending by level). */
function sipSideHint(sorted: readonly CapacityStepResult[]): BottleneckHint | null {
  const base = sorted[0];
  if (base === undefined) return null;
  const last = sorted[sorted.length - 1]!;
  for (const step of sorted.slice(1)) {
    let best: { signal: Signal; score: number } | undefined;
    for (const signal of SIGNALS) {
      const score = signal.score(step, base);
      if (score >= 1 && (best === undefined || score > best.score)) best = { signal, score };
    }
    if (best !== undefined) {
      return { component: best.signal.component, signal: best.signal.signal, fromLevel: step.level, evidence: best.signal.evidence(base, step, last) };
    }
  }
  return null;
}

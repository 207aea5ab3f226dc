import type { BottleneckHint, CapacityStepResult } from './capacityTypes.js';

/** A scraped queue counts as risen once its step mean is at least this (requests or calls waiting)… */
export const QUEUE_MIN_MEAN = 1;
/** …this many times the lowest step's mean… */
export const QUEUE_RATIO = 2;
/** …and this much above it. */
export const QUEUE_FLOOR = 1;

/** A gauge that counts waiting work, by its name. */
const QUEUE_NAME = /queue|pending|waiting|backlog|depth/i;
/** Counter, histogram and summary suffixes: cumulative, not a level. */
const CUMULATIVE = /_(total|count|sum|bucket|created|gsum|gcount)$/;

export interface ScrapedQueueRise {
  target: string;
  series: string;
  component: BottleneckHint['component'];
  fromLevel: number;
  evidence: string;
}

const fmt = (n: number): string => n.toFixed(1);

/** Which part of the stack a queue's series key names (its metric name and labels). */
export function queueComponent(series: string): BottleneckHint['component'] {
  const words = series.toLowerCase();
  const has = (re: RegExp): boolean => re.test(words);
  if (has(/(^|[^a-z])(stt|asr|llm|tts|speech|transcri\w*|synth\w*|stage)([^a-z]|$)/)) return 'STT/LLM/TTS queueing';
  if (has(/worker|dispatch|job|room|agent_?slot/)) return 'signalling or agent dispatch';
  if (has(/trunk|channel|sip|call/)) return 'trunk or worker limits';
  return 'target queueing';
}

/**
 * Pure: the first scraped queue-like gauge (`--scrape`; name says queue, pending, waiting, backlog or
 * depth) whose mean over a step rose to at least {@link QUEUE_MIN_MEAN}, {@link QUEUE_RATIO} times and
 * {@link QUEUE_FLOOR} above the lowest step's; at the same level, the one that rose most. `steps`
 * ascending by level, the lowest first (the base). Undefined when none rose or nothing was scraped.
 */
export function scrapedQueueRise(steps: readonly CapacityStepResult[]): ScrapedQueueRise | undefined {
  const base = steps[0];
  if (base === undefined) return undefined;
  const meanAt = (step: CapacityStepResult, target: string, series: string): number | undefined =>
    step.scraped?.find((m) => m.target === target && m.series === series)?.mean;
  const candidates = new Map<string, { target: string; series: string }>();
  for (const step of steps) {
    for (const m of step.scraped ?? []) {
      const name = m.series.replace(/\{.*$/s, '');
      if ((m.type === 'gauge' || m.type === 'untyped' || m.type === 'unknown') && QUEUE_NAME.test(name) && !CUMULATIVE.test(name)) {
        candidates.set(`${m.target}\n${m.series}`, { target: m.target, series: m.series });
      }
    }
  }
  if (candidates.size === 0) return undefined;
  const targets = new Set([...candidates.values()].map((c) => c.target));
  const last = steps[steps.length - 1]!;
  for (const step of steps.slice(1)) {
    let best: { target: string; series: string; rise: number; baseMean: number; mean: number } | undefined;
    for (const c of candidates.values()) {
      const mean = meanAt(step, c.target, c.series);
      if (mean === undefined) continue;
      const baseMean = meanAt(base, c.target, c.series) ?? 0;
      const rose = mean >= QUEUE_MIN_MEAN && mean >= QUEUE_RATIO * baseMean && mean - baseMean >= QUEUE_FLOOR;
      if (rose && (best === undefined || mean - baseMean > best.rise)) best = { ...c, rise: mean - baseMean, baseMean, mean };
    }
    if (best === undefined) continue;
    const lastMean = last.level === step.level ? undefined : meanAt(last, best.target, best.series);
    const where = targets.size > 1 ? ` (${best.target})` : '';
    const end = lastMean === undefined ? '' : `, ${fmt(lastMean)} at level ${last.level}`;
    return {
      target: best.target,
      series: best.series,
      component: queueComponent(best.series),
      fromLevel: step.level,
      evidence: `${best.series}${where} rose from ${fmt(best.baseMean)} at level ${base.level} to ${fmt(best.mean)} at level ${step.level}${end} (mean per step)`,
    };
  }
  return undefined;
}

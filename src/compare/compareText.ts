import type { TtfaAttribution } from './attributeTtfa.js';
import type { RunInfo, StatChange } from './comparison.js';

// Text pieces the comparison's formats share (markdown, HTML): the same facts spelled the same way.

/** `build=abc123` when the run has a build tag, else the fallback (e.g. "baseline"). */
export function runName(r: RunInfo, fallback: string): string {
  const build = r.tags['build'];
  return build === undefined ? fallback : `build=${build}`;
}

/** The unit of a metric's values: failure_rate is a fraction, rtp_loss_pct percent, the rest ms. */
export function unitOf(metric: string): string {
  return metric === 'failure_rate' ? '' : metric === 'rtp_loss_pct' ? '%' : 'ms';
}

/** A value to three decimals, or — when there is none. */
export function num(v: number | null): string {
  if (v === null) return '—';
  return String(Math.round(v * 1000) / 1000);
}

/** A relative change with its sign: +12.3%. */
export function signedPct(v: number): string {
  return `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
}

/** Absolute change and, when defined, the relative one: +40 (+12.3%). */
export function changeText(v: StatChange): string {
  if (v.change === null) return '—';
  const abs = `${v.change > 0 ? '+' : ''}${num(v.change)}`;
  return v.relativeChange === null ? abs : `${abs} (${signedPct(v.relativeChange)})`;
}

/**
 * The "attributed to" line: `ttfa_ms p95 +23.0% — llm_ttft_ms p50 +150 ms is the stage that moved`
 * (a stage that did not change significantly on its own test says so).
 */
export function attributionText(a: TtfaAttribution): string {
  const v = a.ttfa.value;
  const ttfa = `ttfa_ms ${a.ttfa.stat} ${v.relativeChange !== null ? signedPct(v.relativeChange) : v.change !== null ? signedMs(v.change) : a.direction}`;
  if (a.stage === null) return `${ttfa} — no stage the agent reported moved the same way`;
  const change = a.stage.p50.change!;
  return `${ttfa} — ${a.stage.metric} p50 ${signedMs(change)} is the stage that moved${a.stage.significant ? '' : ' (its own change is not significant)'}`;
}

function signedMs(v: number): string {
  return `${v > 0 ? '+' : ''}${Math.round(v * 10) / 10} ms`;
}

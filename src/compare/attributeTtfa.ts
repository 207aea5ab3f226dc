import { TTFA_STAGE_METRICS } from '../results/metricNames.js';
import type { StageMetric } from '../results/metricNames.js';
import type { MetricComparison, StatChange } from './comparison.js';

/** A significant TTFA change and the stage that moved with it (`run --livekit` runs). */
export interface TtfaAttribution {
  /** worse: the candidate's ttfa_ms tends higher (Mann–Whitney z > 0). */
  direction: 'worse' | 'better';
  /** The ttfa_ms statistic quoted: p95, or p50 when p95 is missing. */
  ttfa: { stat: 'p95' | 'p50'; value: StatChange };
  /** The stage whose median moved most in the same direction; null when none moved that way. */
  stage: { metric: StageMetric; p50: StatChange; significant: boolean } | null;
}

/**
 * Pure: when ttfa_ms changed significantly and stage metrics were compared, the stage that adds
 * to TTFA (TTFA_STAGE_METRICS; the overlapping STT, transcription and bridge delays are compared
 * but never blamed) whose p50 moved most (in ms) the same way as TTFA. Null when TTFA did not
 * change significantly or the runs have no such stage in common.
 */
export function attributeTtfa(metrics: readonly MetricComparison[]): TtfaAttribution | null {
  const ttfa = metrics.find((m) => m.metric === 'ttfa_ms');
  if (ttfa === undefined || !ttfa.significant || ttfa.test.z === 0) return null;
  const direction = ttfa.test.z > 0 ? 'worse' : 'better';
  const stages = metrics.filter((m) => (TTFA_STAGE_METRICS as readonly string[]).includes(m.metric));
  if (stages.length === 0) return null;
  const p95 = ttfa.stats.p95;
  const quoted = p95 !== undefined && p95.change !== null ? { stat: 'p95' as const, value: p95 } : { stat: 'p50' as const, value: ttfa.stats.p50 ?? { baseline: null, candidate: null, change: null, relativeChange: null } };
  const sign = direction === 'worse' ? 1 : -1;
  let best: TtfaAttribution['stage'] = null;
  for (const m of stages) {
    const p50 = m.stats.p50;
    if (p50 === undefined || p50.change === null || p50.change * sign <= 0) continue;
    if (best === null || p50.change * sign > best.p50.change! * sign) best = { metric: m.metric as StageMetric, p50, significant: m.significant };
  }
  return { direction, ttfa: quoted, stage: best };
}

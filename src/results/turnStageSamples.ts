import type { TurnStageBreakdown } from '../load/loadTypes.js';
import type { StageMetric } from './metricNames.js';

/** Which TurnStageBreakdown field each stage metric is recorded from. */
export const STAGE_FIELDS: Readonly<Record<StageMetric, keyof TurnStageBreakdown>> = {
  eou_delay_ms: 'eouDelayMs',
  transcription_delay_ms: 'transcriptionDelayMs',
  stt_ms: 'sttMs',
  llm_ttft_ms: 'llmTtftMs',
  tts_ttfb_ms: 'ttsTtfbMs',
  transport_remainder_ms: 'transportRemainderMs',
  bridge_delay_ms: 'bridgeDelayMs',
};

/**
 * Pure: the stage metrics of one turn that have a value, as [metric, ms] in STAGE_METRICS order.
 * A null turn (nothing observed) or a null or non-finite field gives no sample. Tolerant of a
 * calls.ndjson line from elsewhere: anything that is not an object or a number is skipped.
 */
export function turnStageSamples(stage: TurnStageBreakdown | null | undefined): [StageMetric, number][] {
  if (typeof stage !== 'object' || stage === null) return [];
  const out: [StageMetric, number][] = [];
  for (const [metric, field] of Object.entries(STAGE_FIELDS) as [StageMetric, keyof TurnStageBreakdown][]) {
    const v: unknown = stage[field];
    if (typeof v === 'number' && Number.isFinite(v)) out.push([metric, v]);
  }
  return out;
}

import type { StageMetric } from '../results/metricNames.js';

/** How reports name each per-turn stage metric (`run --livekit`). */
export const STAGE_LABELS: Readonly<Record<StageMetric, string>> = {
  eou_delay_ms: 'end of utterance',
  transcription_delay_ms: 'transcription delay',
  stt_ms: 'STT',
  llm_ttft_ms: 'LLM TTFT',
  tts_ttfb_ms: 'TTS TTFB',
  transport_remainder_ms: 'transport remainder',
  bridge_delay_ms: 'SIP bridge delay',
};

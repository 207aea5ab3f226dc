import type { CoreHistogramMetric, RunSummaryDoc, SummaryMetric } from '../results/index.js';
import { STAGE_METRICS } from '../results/metricNames.js';
import type { StageMetric } from '../results/metricNames.js';

const ms = (v: number | null): string => (v === null ? '—' : `${Math.round(v)} ms`);

const METRIC_LINES: [CoreHistogramMetric, string][] = [
  ['invite_to_answer_ms', 'INVITE → answer'],
  ['greeting_ttfa_ms', 'greeting TTFA'],
  ['ttfa_ms', 'turn TTFA'],
  ['barge_in_stop_ms', 'barge-in stop'],
  ['start_lag_ms', 'start lag'],
];

/** Short names of the turn's stages (`run --livekit`), printed under turn TTFA. */
const STAGE_LINES: Record<StageMetric, string> = {
  eou_delay_ms: 'EOU delay',
  transcription_delay_ms: 'transcription',
  stt_ms: 'STT',
  llm_ttft_ms: 'LLM TTFT',
  tts_ttfb_ms: 'TTS TTFB',
  transport_remainder_ms: 'transport rest',
  bridge_delay_ms: 'SIP bridge',
};

/** The closing summary of a load run: counts, latency percentiles, thresholds. */
export function formatLoadSummary(s: RunSummaryDoc): string {
  const c = s.counters;
  const reasons = Object.entries(c.calls_failed_by_reason)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    `calls: ${c.calls_attempted}, completed ${c.calls_completed}, failed ${c.calls_failed}${reasons === '' ? '' : ` (${reasons})`}` +
      `${c.calls_dropped > 0 ? `, dropped ${c.calls_dropped} (the concurrency cap was full)` : ''}`,
  ];
  const line = (name: string, m: SummaryMetric): string =>
    `  ${name.padEnd(18)}${m.count === 0 ? '—' : `p50 ${ms(m.p50)}  p95 ${ms(m.p95)}  p99 ${ms(m.p99)}  max ${ms(m.max)}  (n=${m.count})`}`;
  for (const [key, label] of METRIC_LINES) {
    const m = s.metrics[key];
    if (m.count > 0 || key === 'ttfa_ms') lines.push(line(label, m));
    // run --livekit: the turn's stages under its TTFA.
    if (key === 'ttfa_ms') for (const stage of STAGE_METRICS) if ((s.metrics[stage]?.count ?? 0) > 0) lines.push(line(`  ${STAGE_LINES[stage]}`, s.metrics[stage]!));
  }
  if (c.turns_no_reply > 0) lines.push(`  turns without reply ${c.turns_no_reply} of ${c.turns}`);
  for (const t of s.thresholds.results) {
    const actual = t.actual === null ? (t.note ?? 'no value') : String(Math.round(t.actual * 100) / 100);
    lines.push(`  threshold ${t.passed ? 'ok  ' : 'FAIL'} ${t.source} (actual ${actual})`);
  }
  return lines.join('\n');
}

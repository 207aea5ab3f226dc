import type { RunSummaryDoc, SummaryMetric } from '../results/index.js';

const ms = (v: number | null): string => (v === null ? '—' : `${Math.round(v)} ms`);

const METRIC_LINES: [keyof RunSummaryDoc['metrics'], string][] = [
  ['invite_to_answer_ms', 'INVITE → answer'],
  ['greeting_ttfa_ms', 'greeting TTFA'],
  ['ttfa_ms', 'turn TTFA'],
  ['barge_in_stop_ms', 'barge-in stop'],
  ['start_lag_ms', 'start lag'],
];

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
  }
  if (c.turns_no_reply > 0) lines.push(`  turns without reply ${c.turns_no_reply} of ${c.turns}`);
  for (const t of s.thresholds.results) {
    const actual = t.actual === null ? (t.note ?? 'no value') : String(Math.round(t.actual * 100) / 100);
    lines.push(`  threshold ${t.passed ? 'ok  ' : 'FAIL'} ${t.source} (actual ${actual})`);
  }
  return lines.join('\n');
}

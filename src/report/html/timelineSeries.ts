/** Columns of timeline.csv the report charts, with their series labels. */
const LATENCY_COLUMNS = [
  ['TTFA_p50_ms(P)', 'ttfa p50'],
  ['TTFA_p95_ms(P)', 'ttfa p95'],
  ['TTFA_p99_ms(P)', 'ttfa p99'],
  ['GreetingTTFA_p50_ms(P)', 'greeting p50'],
  ['GreetingTTFA_p95_ms(P)', 'greeting p95'],
  ['GreetingTTFA_p99_ms(P)', 'greeting p99'],
] as const;

/** Latency percentiles per interval against active calls; x is seconds since the run's start. */
export interface TimelineSeries {
  timeSec: number[];
  activeCalls: number[];
  latency: { label: string; valuesMs: (number | null)[] }[];
}

/** `HH:MM:SS:mmm` (SIPp's ElapsedTime) → seconds; NaN when malformed. */
export function elapsedSeconds(text: string): number {
  const m = /^(\d+):(\d{2}):(\d{2}):(\d{3})$/.exec(text.trim());
  if (m === null) return Number.NaN;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

const cell = (text: string | undefined): number | null => {
  if (text === undefined || text.trim() === '') return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
};

/** Pure: timeline.csv rows → chart series. Each point sits at its interval's end (ElapsedTime(C)). */
export function timelineSeries(rows: readonly Record<string, string>[]): TimelineSeries {
  const kept = rows.filter((r) => Number.isFinite(elapsedSeconds(r['ElapsedTime(C)'] ?? '')));
  return {
    timeSec: kept.map((r) => elapsedSeconds(r['ElapsedTime(C)'] ?? '')),
    activeCalls: kept.map((r) => cell(r['CurrentCall']) ?? 0),
    latency: LATENCY_COLUMNS.map(([column, label]) => ({ label, valuesMs: kept.map((r) => cell(r[column])) })),
  };
}

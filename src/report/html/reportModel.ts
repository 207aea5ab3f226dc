import type { RunSummaryDoc } from '../../results/runSummaryDoc.js';
import { capacitySection, type CapacitySection } from './capacitySeries.js';
import type { ReportInputs } from './reportInputs.js';
import { histogramCdf, type CdfSeries } from './ttfaCdf.js';
import { targetMetricsSeries, type TargetMetricsSeries } from './targetMetricsSeries.js';
import { timelineSeries, type TimelineSeries } from './timelineSeries.js';
import { stageSection, type StageSection } from './stageBreakdown.js';
import { turnBreakdown, type TurnRow } from './turnBreakdown.js';

export interface ReportCard {
  label: string;
  value: string;
  detail?: string;
  /** Colours the card: a failed threshold set, a success rate below 100 %. */
  status?: 'ok' | 'bad';
}

export interface ReportRecording {
  /** Relative to the report (which sits in the results directory): recordings/call-000012.wav. */
  file: string;
  callNumber: number;
  why: string;
}

/** Everything the page shows; the `charts` part is embedded as JSON and drawn in the browser. */
export interface ReportModel {
  title: string;
  dir: string;
  voiceloadVersion: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  tags: [string, string][];
  cards: ReportCard[];
  thresholds: { passed: boolean; results: { source: string; actual: string; passed: boolean; note?: string }[] };
  outcomes: { label: string; count: number }[];
  failureReasons: { reason: string; count: number }[];
  rtp: { label: string; count: number; p50: number | null; p95: number | null; p99: number | null; max: number | null; unit: string }[];
  turns: TurnRow[];
  /** "Where the time goes" (`run --livekit` results); null without stage metrics. */
  stages: StageSection | null;
  recordings: ReportRecording[] | null;
  capacity: CapacitySection | null;
  /** A capacity search's report: the step its run part shows (cards: its measured window; charts: the whole step). */
  runStep: { level: number; dir: string } | null;
  charts: {
    timeline: TimelineSeries | null;
    /** scrape.csv's most telling series, on the timeline's time axis. */
    targetMetrics: TargetMetricsSeries | null;
    ttfaCdf: CdfSeries | null;
    greetingCdf: CdfSeries | null;
    outcomes: { labels: string[]; counts: number[] };
    capacity: CapacitySection | null;
  };
}

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${Math.round(v * 10) / 10} ms`);

/** Pure: the report's content from the parsed results directory. */
export function buildReportModel(inputs: ReportInputs): ReportModel {
  const s = inputs.summary;
  const c = s.counters;
  const capacity = inputs.capacity === null ? null : capacitySection(inputs.capacity, inputs.capacitySteps);
  const failureReasons = Object.entries(c.calls_failed_by_reason)
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const outcomes = [
    { label: 'completed', count: c.calls_completed },
    { label: 'failed', count: c.calls_failed },
    { label: 'dropped', count: c.calls_dropped },
  ];
  const histograms = inputs.histograms;
  return {
    title: `voiceload ${inputs.runStep === undefined ? 'report' : 'capacity report'}${s.tags['build'] === undefined ? '' : ` — build ${s.tags['build']}`}`,
    dir: inputs.dir,
    voiceloadVersion: s.voiceloadVersion,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    durationMs: s.durationMs,
    tags: Object.entries(s.tags).sort(([a], [b]) => a.localeCompare(b)),
    cards: cardsOf(s, capacity),
    thresholds: {
      passed: s.thresholds.passed,
      results: s.thresholds.results.map((r) => ({
        source: r.source,
        actual: r.actual === null ? 'no value' : String(Math.round(r.actual * 1000) / 1000),
        passed: r.passed,
        ...(r.note === undefined ? {} : { note: r.note }),
      })),
    },
    outcomes,
    failureReasons,
    rtp: (['rtp_loss_pct', 'rtp_jitter_ms'] as const).map((name) => {
      const m = s.metrics[name];
      return { label: name, count: m?.count ?? 0, p50: m?.p50 ?? null, p95: m?.p95 ?? null, p99: m?.p99 ?? null, max: m?.max ?? null, unit: name === 'rtp_loss_pct' ? '%' : 'ms' };
    }),
    turns: turnBreakdown(inputs.turnTtfaMs),
    stages: stageSection(s, inputs.turnStages),
    recordings: inputs.recordings === null ? null : inputs.recordings.filter((r) => isRelativeFile(r.file)).map((r) => ({ file: r.file.replace(/\\/g, '/'), callNumber: r.callNumber, why: recordingWhy(r) })),
    capacity,
    runStep: inputs.runStep ?? null,
    charts: {
      timeline: inputs.timeline === null || inputs.timeline.length === 0 ? null : timelineSeries(inputs.timeline),
      targetMetrics: inputs.scrape === undefined ? null : targetMetricsSeries(inputs.scrape),
      ttfaCdf: histograms === null || histograms.count('ttfa_ms') === 0 ? null : histogramCdf(histograms, 'ttfa_ms'),
      greetingCdf: histograms === null || histograms.count('greeting_ttfa_ms') === 0 ? null : histogramCdf(histograms, 'greeting_ttfa_ms'),
      outcomes: {
        labels: [...outcomes.map((o) => o.label), ...failureReasons.map((f) => `failed: ${f.reason}`)],
        counts: [...outcomes.map((o) => o.count), ...failureReasons.map((f) => f.count)],
      },
      capacity,
    },
  };
}

function cardsOf(s: RunSummaryDoc, capacity: CapacitySection | null): ReportCard[] {
  const c = s.counters;
  const ended = c.calls_completed + c.calls_failed;
  const success = ended === 0 ? null : c.calls_completed / ended;
  const ttfa = s.metrics.ttfa_ms;
  const cards: ReportCard[] = [
    { label: 'Calls', value: String(c.calls_attempted), detail: `${c.calls_completed} completed, ${c.calls_failed} failed, ${c.calls_dropped} dropped` },
    {
      label: 'Success rate',
      value: success === null ? '–' : `${Math.round(success * 10000) / 100} %`,
      status: success === null || success < 1 ? 'bad' : 'ok',
    },
    { label: 'TTFA p50', value: ms(ttfa?.p50), detail: `${ttfa?.count ?? 0} turns` },
    { label: 'TTFA p95', value: ms(ttfa?.p95) },
    { label: 'TTFA p99', value: ms(ttfa?.p99) },
    { label: 'Set-up time p95', value: ms(s.metrics.invite_to_answer_ms?.p95), detail: 'INVITE → 200 OK (invite_to_answer_ms)' },
    {
      label: 'Thresholds',
      value: s.thresholds.results.length === 0 ? 'none' : s.thresholds.passed ? 'passed' : 'failed',
      ...(s.thresholds.results.length === 0 ? {} : { status: s.thresholds.passed ? ('ok' as const) : ('bad' as const) }),
    },
  ];
  if (capacity !== null) {
    cards.push({ label: 'Capacity', value: capacity.effectiveCapacity === null ? 'none met the SLOs' : `${capacity.effectiveCapacity} ${capacity.by === 'rate' ? 'calls/s' : 'concurrent calls'}`, detail: `broke at ${capacity.breakingLevel ?? '–'} (${capacity.stopReason})` });
  }
  return cards;
}

function recordingWhy(r: { failed: boolean; reason?: string; slowTurns: { turn: number; ttfaMs: number }[] }): string {
  const parts: string[] = [];
  if (r.failed) parts.push(`failed${r.reason === undefined ? '' : `: ${r.reason}`}`);
  for (const t of r.slowTurns) parts.push(`slow turn ${t.turn + 1}: ${ms(t.ttfaMs)}`);
  return parts.join('; ');
}

/** Only plain relative paths become links: no scheme (`javascript:`), no absolute path, no `..`. */
function isRelativeFile(file: unknown): file is string {
  return typeof file === 'string' && file !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[\\/]/.test(file) && !file.split(/[\\/]/).includes('..');
}

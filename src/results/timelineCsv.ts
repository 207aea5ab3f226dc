import type { TimelineRow } from './timeline.js';

/**
 * timeline.csv, shaped like SIPp's `-trace_stat` file: `;`-separated, one header line, one row
 * per interval. SIPp's column names are kept where they mean the same ((P) = this interval,
 * (C) = cumulative since the start); voiceload's own columns follow. Times are SIPp's
 * `date<TAB>time<TAB>epoch` triple, in UTC so the file does not depend on the machine's zone.
 * IncomingCall is always 0: voiceload places calls (SIPp's UAC side).
 */
export const SIPP_COLUMNS = [
  'StartTime',
  'LastResetTime',
  'CurrentTime',
  'ElapsedTime(P)',
  'ElapsedTime(C)',
  'TargetRate',
  'CallRate(P)',
  'CallRate(C)',
  'IncomingCall(P)',
  'IncomingCall(C)',
  'OutgoingCall(P)',
  'OutgoingCall(C)',
  'TotalCallCreated',
  'CurrentCall',
  'SuccessfulCall(P)',
  'SuccessfulCall(C)',
  'FailedCall(P)',
  'FailedCall(C)',
] as const;

export const VOICELOAD_COLUMNS = [
  'Dropped(P)',
  'Dropped(C)',
  'AnsweredCall(P)',
  'AnsweredCall(C)',
  'TTFA_count(P)',
  'TTFA_p50_ms(P)',
  'TTFA_p95_ms(P)',
  'TTFA_p99_ms(P)',
  'GreetingTTFA_p50_ms(P)',
  'GreetingTTFA_p95_ms(P)',
  'GreetingTTFA_p99_ms(P)',
  'InviteToAnswer_p50_ms(P)',
  'InviteToAnswer_p95_ms(P)',
  'InviteToAnswer_p99_ms(P)',
] as const;

export interface TimelineCsvOptions {
  /** Wall-clock time of the run's start (epoch ms): run time 0. */
  startEpochMs: number;
  /** Run time the run ended: the last row's CurrentTime stops there (a partial last interval). */
  endMs?: number;
  /** The schedule's rate (calls/s), constant or at a run time (stages); empty cells when absent. */
  targetRatePerSec?: number | ((atMs: number) => number);
}

/** The column of failures of one reason in this interval: `Failed_sip_503(P)`. */
export function reasonColumn(reason: string): string {
  return `Failed_${reason.replace(/[^A-Za-z0-9_]/g, '_')}(P)`;
}

/** Pure: the CSV text (header + rows, `\n` line ends). Reason columns: every reason in the rows, sorted. */
export function formatTimelineCsv(rows: readonly TimelineRow[], options: TimelineCsvOptions): string {
  const reasons = [...new Set(rows.flatMap((r) => Object.keys(r.failedByReason)))].sort();
  const header = [...SIPP_COLUMNS, ...VOICELOAD_COLUMNS, ...reasons.map(reasonColumn)];
  const lines = [header.join(';')];
  let started = 0;
  let completed = 0;
  let failed = 0;
  let dropped = 0;
  let answered = 0;
  for (const r of rows) {
    started += r.started;
    completed += r.completed;
    failed += r.failed;
    dropped += r.dropped;
    answered += r.answered;
    const endMs = options.endMs === undefined ? r.endMs : Math.max(r.startMs, Math.min(r.endMs, options.endMs));
    const periodSec = (endMs - r.startMs) / 1000;
    const target = options.targetRatePerSec;
    const cells: string[] = [
      sippTime(options.startEpochMs),
      sippTime(options.startEpochMs + r.startMs),
      sippTime(options.startEpochMs + endMs),
      elapsed(endMs - r.startMs),
      elapsed(endMs),
      target === undefined ? '' : num(typeof target === 'number' ? target : target(r.startMs)),
      num(periodSec > 0 ? r.started / periodSec : 0),
      num(endMs > 0 ? started / (endMs / 1000) : 0),
      '0',
      '0',
      String(r.started),
      String(started),
      String(started),
      String(r.activeCalls),
      String(r.completed),
      String(completed),
      String(r.failed),
      String(failed),
      String(r.dropped),
      String(dropped),
      String(r.answered),
      String(answered),
      String(r.ttfaMs.count),
      num(r.ttfaMs.p50),
      num(r.ttfaMs.p95),
      num(r.ttfaMs.p99),
      num(r.greetingTtfaMs.p50),
      num(r.greetingTtfaMs.p95),
      num(r.greetingTtfaMs.p99),
      num(r.inviteToAnswerMs.p50),
      num(r.inviteToAnswerMs.p95),
      num(r.inviteToAnswerMs.p99),
      ...reasons.map((k) => String(r.failedByReason[k] ?? 0)),
    ];
    lines.push(cells.join(';'));
  }
  return `${lines.join('\n')}\n`;
}

/** Reads timeline.csv back as header names and one name → cell map per row (for tools and tests). */
export function parseTimelineCsv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const lines = text.split('\n').filter((l) => l !== '');
  const header = (lines[0] ?? '').split(';');
  const rows = lines.slice(1).map((line) => {
    const cells = line.split(';');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
  return { header, rows };
}

/** Up to 3 decimals (µs for ms values), no trailing zeros; empty for null. */
function num(v: number | null): string {
  return v === null ? '' : String(Math.round(v * 1000) / 1000);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** SIPp's `YYYY-MM-DD<TAB>HH:MM:SS.uuuuuu<TAB>epoch.uuuuuu`, UTC. */
export function sippTime(epochMs: number): string {
  const d = new Date(Math.floor(epochMs));
  const micros = Math.round((epochMs - Math.floor(epochMs / 1000) * 1000) * 1000);
  const frac = pad(Math.min(micros, 999_999), 6);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${frac}`;
  return `${date}\t${time}\t${Math.floor(epochMs / 1000)}.${frac}`;
}

/** SIPp's elapsed-time format `HH:MM:SS:mmm`. */
export function elapsed(ms: number): string {
  const total = Math.round(ms);
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}:${pad(total % 1000, 3)}`;
}

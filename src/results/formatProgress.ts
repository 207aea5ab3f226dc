/** What the live progress line shows; the engine fills it once per interval. */
export interface ProgressSnapshot {
  elapsedMs: number;
  /** Planned length of the run, when it has one (--duration, stages). */
  totalMs?: number;
  activeCalls: number;
  /** Calls started per second over the last interval. */
  callsPerSec: number;
  answered: number;
  failed: number;
  failedByReason: Readonly<Record<string, number>>;
  dropped?: number;
  /** TTFA percentiles of the last finished interval (null: no turn replied in it). */
  ttfaP50Ms: number | null;
  ttfaP95Ms: number | null;
}

/**
 * Pure: one plain line, e.g.
 * `elapsed 00:42 / 05:00 | active 120 | 9.8 calls/s | answered 410 | failed 3 (no_reply 2, sip_503 1) | ttfa p50 820 ms p95 1410 ms`.
 * Failure reasons: the top 3 by count (ties by name), the rest as "+N more".
 */
export function formatProgress(s: ProgressSnapshot): string {
  const parts = [
    `elapsed ${clock(s.elapsedMs)}${s.totalMs === undefined ? '' : ` / ${clock(s.totalMs)}`}`,
    `active ${s.activeCalls}`,
    `${s.callsPerSec.toFixed(1)} calls/s`,
    `answered ${s.answered}`,
    `failed ${s.failed}${reasons(s.failedByReason)}`,
  ];
  if (s.dropped !== undefined && s.dropped > 0) parts.push(`dropped ${s.dropped}`);
  parts.push(s.ttfaP50Ms === null || s.ttfaP95Ms === null ? 'ttfa —' : `ttfa p50 ${Math.round(s.ttfaP50Ms)} ms p95 ${Math.round(s.ttfaP95Ms)} ms`);
  return parts.join(' | ');
}

function reasons(byReason: Readonly<Record<string, number>>): string {
  const sorted = Object.entries(byReason)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (sorted.length === 0) return '';
  const shown = sorted.slice(0, 3).map(([k, n]) => `${k} ${n}`);
  if (sorted.length > 3) shown.push(`+${sorted.length - 3} more`);
  return ` (${shown.join(', ')})`;
}

/** mm:ss, or h:mm:ss from one hour. */
function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

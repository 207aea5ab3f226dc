import type { CallRecord } from '../load/loadTypes.js';

/** One ttfa sample and when (run time, ms) the reply it measures started. */
export interface TimedSample {
  atMs: number;
  value: number;
}

/**
 * Each replied turn's ttfa with the run time of the reply's onset, so a timeline puts the sample in
 * the interval it was heard. The onset is derived from the YAML call result in `detail` (a
 * CallResult: turn `speechEndSentAtMs + ttfaMs` on the call's monotonic clock, moved to run time by
 * the offset between the record's and the result's `endedAtMs`, which mark the same instant). When
 * `detail` does not have that shape (SIPp calls, or turns that disagree with `ttfaMs`), every sample
 * is placed at the call's end. Onsets are kept within [startedAtMs, endedAtMs].
 */
export function turnOnsets(r: CallRecord): TimedSample[] {
  const fromDetail = r.replyOnsetAtMs?.length === r.ttfaMs.length ? r.replyOnsetAtMs : onsetsFromDetail(r);
  const out: TimedSample[] = [];
  r.ttfaMs.forEach((value, i) => {
    if (value === null) return;
    const at = fromDetail?.[i] ?? r.endedAtMs;
    out.push({ atMs: Math.min(Math.max(at, r.startedAtMs), r.endedAtMs), value });
  });
  return out;
}

interface TurnShape {
  speechEndSentAtMs?: unknown;
  ttfaMs?: unknown;
}

function onsetsFromDetail(r: CallRecord): (number | null)[] | null {
  const d = r.detail as { turns?: unknown; timeline?: { endedAtMs?: unknown } } | null | undefined;
  if (typeof d !== 'object' || d === null || !Array.isArray(d.turns)) return null;
  const endedAt = d.timeline?.endedAtMs;
  if (typeof endedAt !== 'number' || d.turns.length !== r.ttfaMs.length) return null;
  const offset = r.endedAtMs - endedAt;
  const onsets: (number | null)[] = [];
  for (const [i, t] of (d.turns as TurnShape[]).entries()) {
    if (t.ttfaMs !== r.ttfaMs[i]) return null;
    onsets.push(typeof t.speechEndSentAtMs === 'number' && typeof t.ttfaMs === 'number' ? t.speechEndSentAtMs + t.ttfaMs + offset : null);
  }
  return onsets;
}

import type { CallRecord } from '../load/loadTypes.js';

/**
 * One turn of a call as the caller (the SIP side) measured it, on the run's wall clock (epoch ms:
 * RunClockBase.runStartEpochMs + run ms). These are the turns CallRecord.ttfaMs lists, in order.
 */
export interface CallerTurn {
  /** Position in CallRecord.ttfaMs. */
  index: number;
  /** Send time of the last speech sample of the caller's utterance; null when it was never sent. */
  speechEndEpochMs: number | null;
  /** Arrival of the agent's reply onset at the SIP side; null when no reply started. */
  replyOnsetEpochMs: number | null;
  ttfaMs: number | null;
}

interface TurnDetail {
  outcome: string;
  speechEndSentAtMs: number | null;
  ttfaMs: number | null;
}

/** The CallResult turns kept in `detail` by YAML scenarios, when they are there (SIPp records have none). */
function detailTurns(detail: unknown): { turns: TurnDetail[]; endedAtMs: number } | null {
  if (detail === null || typeof detail !== 'object') return null;
  const d = detail as { turns?: unknown; timeline?: { endedAtMs?: unknown } };
  if (!Array.isArray(d.turns) || typeof d.timeline?.endedAtMs !== 'number') return null;
  const turns: TurnDetail[] = [];
  for (const t of d.turns as unknown[]) {
    if (t === null || typeof t !== 'object') return null;
    const x = t as Record<string, unknown>;
    if (typeof x['outcome'] !== 'string') return null;
    turns.push({
      outcome: x['outcome'],
      speechEndSentAtMs: typeof x['speechEndSentAtMs'] === 'number' ? x['speechEndSentAtMs'] : null,
      ttfaMs: typeof x['ttfaMs'] === 'number' ? x['ttfaMs'] : null,
    });
  }
  return { turns, endedAtMs: d.timeline.endedAtMs };
}

/**
 * Pure: a finished call's turns on the wall clock. The CallResult in `detail` holds the speech ends on
 * the call's own clock, which differs from run time by a constant (the shard's toRunMs), recovered from
 * the call's end as both know it. Without that detail, a turn's speech end is its reply onset − TTFA,
 * so a turn without a reply has none.
 */
export function callerTurnsFromRecord(record: CallRecord, runStartEpochMs: number): CallerTurn[] {
  const onsets = record.replyOnsetAtMs ?? [];
  const detail = detailTurns(record.detail);
  // Same selection as the CallRecord's ttfaMs: the turns that awaited a reply and were reached.
  const timed = detail?.turns.filter((t) => t.outcome === 'replied' || t.outcome === 'no_reply');
  const useDetail = detail !== null && timed !== undefined && timed.length === record.ttfaMs.length;
  const callToRunMs = detail === null ? 0 : record.endedAtMs - detail.endedAtMs;
  return record.ttfaMs.map((ttfaMs, index) => {
    const onsetRunMs = onsets[index] ?? null;
    let speechEndRunMs: number | null = null;
    const fromDetail = useDetail ? timed[index]?.speechEndSentAtMs ?? null : null;
    if (fromDetail !== null) speechEndRunMs = fromDetail + callToRunMs;
    else if (onsetRunMs !== null && ttfaMs !== null) speechEndRunMs = onsetRunMs - ttfaMs;
    return {
      index,
      speechEndEpochMs: speechEndRunMs === null ? null : runStartEpochMs + speechEndRunMs,
      replyOnsetEpochMs: onsetRunMs === null ? null : runStartEpochMs + onsetRunMs,
      ttfaMs,
    };
  });
}

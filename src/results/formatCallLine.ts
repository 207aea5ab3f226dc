import type { CallRecord } from '../load/loadTypes.js';
import { VoiceloadError } from '../core/errors.js';

/**
 * One line of calls.ndjson: the CallRecord as JSON (a CDR: Call-ID, test id, outcome, reason,
 * run-relative event times, per-turn latencies, RTP stats and the full per-call result in
 * `detail`), no newline inside. Non-finite numbers become null, as JSON requires.
 */
export function formatCallLine(record: CallRecord): string {
  return JSON.stringify(record, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : typeof v === 'bigint' ? v.toString() : v));
}

/** The inverse of {@link formatCallLine} (shape-checked lightly: the fields every record has). */
export function parseCallLine(line: string, where = 'calls.ndjson'): CallRecord {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (cause) {
    throw new VoiceloadError('CONFIG', `${where}: not a JSON line`, { cause });
  }
  const r = v as Partial<CallRecord> | null;
  if (typeof r !== 'object' || r === null || typeof r.callNumber !== 'number' || typeof r.callId !== 'string' || (r.outcome !== 'completed' && r.outcome !== 'failed') || !Array.isArray(r.ttfaMs)) {
    throw new VoiceloadError('CONFIG', `${where}: not a call record (callNumber, callId, outcome, ttfaMs expected)`);
  }
  return r as CallRecord;
}

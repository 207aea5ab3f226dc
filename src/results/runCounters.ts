import type { CallRecord, DropRecord } from '../load/loadTypes.js';

/**
 * A run's call counts (METRICS.md, "Load and run"). `calls_attempted` counts calls whose INVITE
 * was sent (every CallRecord); dropped arrivals never sent one and are counted apart, so
 * `attempted + dropped` is what the schedule asked for.
 */
export interface RunCounts {
  callsAttempted: number;
  callsAnswered: number;
  callsCompleted: number;
  callsFailed: number;
  /** Failed calls by reason (`sip_503`, `no_reply`, …), reasons sorted by name. */
  failedByReason: Record<string, number>;
  callsDropped: number;
  turns: number;
  /** Turns whose reply did not start (dead air). */
  turnsNoReply: number;
  /** failed / (completed + failed); null before any call ended. */
  failureRate: number | null;
  /** answered / attempted; null before any attempt. */
  answerSeizureRatio: number | null;
}

/** Counts calls and drops; merged across shards with {@link add}. */
export class RunCounters {
  private attempted = 0;
  private answered = 0;
  private completed = 0;
  private failed = 0;
  private dropped = 0;
  private turns = 0;
  private turnsNoReply = 0;
  private readonly reasons = new Map<string, number>();

  recordCall(r: CallRecord): void {
    this.attempted++;
    if (r.answeredAtMs !== null) this.answered++;
    if (r.outcome === 'completed') this.completed++;
    else {
      this.failed++;
      const reason = r.reason ?? 'unknown';
      this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    }
    this.turns += r.ttfaMs.length;
    this.turnsNoReply += r.ttfaMs.filter((t) => t === null).length;
  }

  recordDrop(_drop: DropRecord): void {
    this.dropped++;
  }

  add(other: RunCounters): void {
    this.attempted += other.attempted;
    this.answered += other.answered;
    this.completed += other.completed;
    this.failed += other.failed;
    this.dropped += other.dropped;
    this.turns += other.turns;
    this.turnsNoReply += other.turnsNoReply;
    for (const [k, v] of other.reasons) this.reasons.set(k, (this.reasons.get(k) ?? 0) + v);
  }

  snapshot(): RunCounts {
    const ended = this.completed + this.failed;
    return {
      callsAttempted: this.attempted,
      callsAnswered: this.answered,
      callsCompleted: this.completed,
      callsFailed: this.failed,
      failedByReason: Object.fromEntries([...this.reasons].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      callsDropped: this.dropped,
      turns: this.turns,
      turnsNoReply: this.turnsNoReply,
      failureRate: ended === 0 ? null : this.failed / ended,
      answerSeizureRatio: this.attempted === 0 ? null : this.answered / this.attempted,
    };
  }
}

import type { CallRecord, DropRecord, ShardEvent } from '../load/loadTypes.js';
import { nearestRank } from './nearestRank.js';
import { turnOnsets } from './turnOnsets.js';

/** Exact nearest-rank percentiles of one metric's samples in one interval. */
export interface IntervalPercentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** One interval of the run: [startMs, endMs) in run time. */
export interface TimelineRow {
  index: number;
  startMs: number;
  endMs: number;
  /** Calls up at the interval's end (started before it, not ended before it). */
  activeCalls: number;
  started: number;
  answered: number;
  completed: number;
  failed: number;
  failedByReason: Record<string, number>;
  dropped: number;
  /** Turn TTFA by the time the reply started (see turnOnsets). */
  ttfaMs: IntervalPercentiles;
  /** By the greeting's onset (answer + greeting_ttfa_ms). */
  greetingTtfaMs: IntervalPercentiles;
  /** By the answer time. */
  inviteToAnswerMs: IntervalPercentiles;
}

interface Bucket {
  activeDelta: number;
  started: number;
  answered: number;
  completed: number;
  failed: number;
  reasons: Map<string, number>;
  dropped: number;
  ttfa: number[];
  greeting: number[];
  answer: number[];
}

interface OpenCall {
  startCounted: boolean;
  answerCounted: boolean;
}

export interface TimelineOptions {
  /** Interval length; default 1000 ms (SIPp's -fd default is 60 s; voiceload's timeline is finer). */
  intervalMs?: number;
}

/**
 * Per-interval counts and latency percentiles of a run. Events may arrive in any order across
 * shards; each lands in the interval of its own run time, so rows are the same whatever the
 * arrival order. A call's own events come from one shard in order (started, answered, ended);
 * a `call_ended` whose start or answer was not seen (records replayed from calls.ndjson, or
 * {@link addCall}) counts them from the record, never twice.
 */
export class Timeline {
  readonly intervalMs: number;
  private readonly buckets = new Map<number, Bucket>();
  private readonly open = new Map<string, OpenCall>();
  private lastIndex = -1;
  private closedBefore = 0;
  private lateCount = 0;

  constructor(options: TimelineOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    if (!(this.intervalMs > 0)) throw new RangeError(`timeline interval must be > 0 ms, got ${this.intervalMs}`);
  }

  onEvent(e: ShardEvent): void {
    switch (e.type) {
      case 'call_started': {
        const key = `${e.shard}:${e.callNumber}`;
        const call = this.open.get(key) ?? { startCounted: false, answerCounted: false };
        if (!call.startCounted) this.countStart(e.startedAtMs);
        call.startCounted = true;
        this.open.set(key, call);
        return;
      }
      case 'call_answered': {
        const key = `${e.shard}:${e.callNumber}`;
        const call = this.open.get(key) ?? { startCounted: false, answerCounted: false };
        if (!call.answerCounted) this.bucketAt(e.atMs).answered++;
        call.answerCounted = true;
        this.open.set(key, call);
        return;
      }
      case 'call_ended':
        this.addCall(e.record);
        return;
      case 'call_dropped':
        this.addDrop(e.drop);
        return;
      case 'shard_done':
      case 'shard_error':
        return;
    }
  }

  /** A finished call (its start and answer too, unless already seen as events). */
  addCall(r: CallRecord): void {
    const key = `${r.shard}:${r.callNumber}`;
    const call = this.open.get(key);
    this.open.delete(key);
    if (call?.startCounted !== true) this.countStart(r.startedAtMs);
    if (call?.answerCounted !== true && r.answeredAtMs !== null) this.bucketAt(r.answeredAtMs).answered++;
    const end = this.bucketAt(r.endedAtMs);
    end.activeDelta--;
    if (r.outcome === 'completed') end.completed++;
    else {
      end.failed++;
      const reason = r.reason ?? 'unknown';
      end.reasons.set(reason, (end.reasons.get(reason) ?? 0) + 1);
    }
    for (const s of turnOnsets(r)) this.bucketAt(s.atMs).ttfa.push(s.value);
    if (r.answeredAtMs !== null) {
      if (r.greetingTtfaMs !== null) this.bucketAt(r.answeredAtMs + r.greetingTtfaMs).greeting.push(r.greetingTtfaMs);
      if (r.inviteToAnswerMs !== null) this.bucketAt(r.answeredAtMs).answer.push(r.inviteToAnswerMs);
    }
  }

  addDrop(d: DropRecord): void {
    this.bucketAt(d.intendedStartAtMs).dropped++;
  }

  /** Every interval from the run's start to the last one with data or closed. */
  rows(): TimelineRow[] {
    const last = Math.max(this.lastIndex, this.closedBefore - 1);
    const rows: TimelineRow[] = [];
    let active = 0;
    for (let i = 0; i <= last; i++) {
      active += this.buckets.get(i)?.activeDelta ?? 0;
      rows.push(this.row(i, active));
    }
    return rows;
  }

  /**
   * Finalises the intervals that end at or before `ms` (live progress) and returns those not
   * returned before, oldest first. Data that arrives later for a closed interval is still counted
   * in {@link rows} (the files are exact) and counted in {@link late}.
   */
  closeUpTo(ms: number): TimelineRow[] {
    const before = Math.floor(ms / this.intervalMs);
    if (before <= this.closedBefore) return [];
    let active = 0;
    for (let i = 0; i < this.closedBefore; i++) active += this.buckets.get(i)?.activeDelta ?? 0;
    const out: TimelineRow[] = [];
    for (let i = this.closedBefore; i < before; i++) {
      active += this.buckets.get(i)?.activeDelta ?? 0;
      out.push(this.row(i, active));
    }
    this.closedBefore = before;
    return out;
  }

  /** Events that arrived for an interval already closed by {@link closeUpTo}. */
  get late(): number {
    return this.lateCount;
  }

  private countStart(atMs: number): void {
    const b = this.bucketAt(atMs);
    b.started++;
    b.activeDelta++;
  }

  private bucketAt(ms: number): Bucket {
    // Times before the run's start (none expected) go in the first interval.
    const index = Math.max(0, Math.floor(ms / this.intervalMs));
    if (index < this.closedBefore) this.lateCount++;
    let b = this.buckets.get(index);
    if (b === undefined) {
      b = { activeDelta: 0, started: 0, answered: 0, completed: 0, failed: 0, reasons: new Map(), dropped: 0, ttfa: [], greeting: [], answer: [] };
      this.buckets.set(index, b);
      if (index > this.lastIndex) this.lastIndex = index;
    }
    return b;
  }

  private row(index: number, activeCalls: number): TimelineRow {
    const b = this.buckets.get(index);
    const pct = (values: readonly number[] | undefined): IntervalPercentiles => {
      const sorted = [...(values ?? [])].sort((x, y) => x - y);
      return { count: sorted.length, p50: nearestRank(sorted, 50), p95: nearestRank(sorted, 95), p99: nearestRank(sorted, 99) };
    };
    return {
      index,
      startMs: index * this.intervalMs,
      endMs: (index + 1) * this.intervalMs,
      activeCalls,
      started: b?.started ?? 0,
      answered: b?.answered ?? 0,
      completed: b?.completed ?? 0,
      failed: b?.failed ?? 0,
      failedByReason: Object.fromEntries([...(b?.reasons ?? [])].sort((x, y) => (x[0] < y[0] ? -1 : 1))),
      dropped: b?.dropped ?? 0,
      ttfaMs: pct(b?.ttfa),
      greetingTtfaMs: pct(b?.greeting),
      inviteToAnswerMs: pct(b?.answer),
    };
  }
}

import type { Clock, TimerHandle } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/log.js';
import type { RtpBatchIo } from './batchedRtpIo.js';
import { MicrosHistogram, type LatencySummaryMs } from './microsHistogram.js';

/** What a {@link MediaScheduler} drives: one stream's send step. */
export interface MediaTickTarget {
  /**
   * Sends this stream's packet for its tick `tick` (0 = its first packet; the index jumps over
   * ticks skipped after a long stall). `nowMs` is read just before the call: the packet's send
   * time. `caughtUp` is true when the stream's previous tick went out in the same wake-up (a
   * late timer delivered both in one burst).
   */
  mediaTick(tick: number, scheduledAtMs: number, nowMs: number, caughtUp: boolean): void;
}

/** A registration; cancel() stops the ticks (safe inside a tick, idempotent). */
export interface MediaSchedulerMembership {
  /** Scheduled time of the stream's tick 0 (its media time origin). */
  readonly firstTickAtMs: number;
  /** Which of the scheduler's phases the stream sends in. */
  readonly phase: number;
  cancel(): void;
}

export interface MediaSchedulerOptions {
  clock: Clock;
  /** Packet time. Default 20 ms. */
  intervalMs?: number;
  /**
   * Evenly spaced batches per interval. Each stream sends in one phase (the least loaded when it
   * registers), so with P phases a timer fires every interval / P and sends about 1/P of the
   * streams. A single batch of 1,000 sends takes several milliseconds, and the last packet of a
   * batch is late by all the sends before it; spreading keeps each batch short. Every stream is
   * still exactly periodic. Default 10 (a 2 ms slot): with the simulated agent holding 1,000 calls
   * (send-only, bench/agent-capacity.ts) 4 phases gave a pacing p99 of 2.0–7.2 ms over five runs
   * and 10 phases 0.9–2.4 ms over four, at the same CPU (each wake-up costs a few µs).
   */
  phases?: number;
  /** Most ticks of a stream replayed after a stall; older ones are skipped. Default 50 (1 s at 20 ms). */
  maxCatchUpTicks?: number;
  /** A timer waking this little before its slot still sends it (Node timers truncate to ms). Default 1 ms. */
  earlyToleranceMs?: number;
  logger?: Logger;
  /**
   * Batched socket I/O for the members' RTP (sessions use it when present): each slot's queued
   * packets leave in one flush after its batch, and every wake-up then drains the received ones.
   */
  io?: RtpBatchIo;
}

export interface MediaSchedulerSnapshot {
  members: number;
  phases: number;
  /** Timer wake-ups. */
  wakeUps: number;
  /** Packets sent (mediaTick calls). */
  packets: number;
  /** Slots delivered in a burst behind an earlier slot of the same wake-up. */
  caughtUpSlots: number;
  /** Slots dropped because a stall exceeded maxCatchUpTicks. */
  skippedSlots: number;
  /** Send time − scheduled time, per packet: `send_pacing_error_ms`. */
  pacingErrorMs: LatencySummaryMs;
  /** Wake-up time − due time of the slot the timer was set for: event-loop lag as the media clock sees it. */
  eventLoopLagMs: LatencySummaryMs;
}

interface Member {
  readonly target: MediaTickTarget;
  readonly phase: number;
  readonly firstSlot: number;
  active: boolean;
  /** Position in its phase list (swap-remove). */
  pos: number;
}

/**
 * One drift-free media clock shared by many streams: slot n is due at origin + n × interval / phases
 * (computed from the origin, never from the last send, so lateness never accumulates), one timer
 * for all streams, and at each slot the send step of every stream in that phase runs in one batch.
 * A stream joining later is aligned to the same grid: its first packet goes out at the next slot
 * of its phase. When a wake-up is late, every due slot is delivered in order (catch-up).
 *
 * Per packet the scheduler reads the clock once and records the pacing error in an HDR histogram;
 * per wake-up it records the timer's lateness (event-loop lag). No per-packet allocation.
 */
export class MediaScheduler {
  readonly intervalMs: number;
  readonly phases: number;
  /** The batched RTP I/O the members send and receive through, when there is one. */
  readonly io: RtpBatchIo | undefined;
  private readonly slotMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly maxCatchUpSlots: number;
  private readonly earlyToleranceMs: number;
  private readonly lists: Member[][];
  private readonly fireBound: () => void;
  private readonly pacing = new MicrosHistogram();
  private readonly lag = new MicrosHistogram();
  private origin: number | undefined;
  private nextSlot = 0;
  private timer: TimerHandle | undefined;
  private armedSlot = -1;
  private memberCount = 0;
  private inBatch = false;
  private needsCompaction = false;
  private counts = { wakeUps: 0, packets: 0, caughtUpSlots: 0, skippedSlots: 0 };

  constructor(options: MediaSchedulerOptions) {
    this.intervalMs = options.intervalMs ?? 20;
    this.phases = options.phases ?? 10;
    if (!(this.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${this.intervalMs}`);
    if (!Number.isInteger(this.phases) || this.phases < 1) throw new RangeError(`phases must be an integer ≥ 1, got ${this.phases}`);
    this.slotMs = this.intervalMs / this.phases;
    this.clock = options.clock;
    this.logger = options.logger ?? silentLogger;
    this.maxCatchUpSlots = ((options.maxCatchUpTicks ?? 50) + 1) * this.phases;
    this.earlyToleranceMs = options.earlyToleranceMs ?? 1;
    this.lists = Array.from({ length: this.phases }, () => []);
    this.fireBound = () => this.fire();
    this.io = options.io;
  }

  /** Streams registered. */
  get members(): number {
    return this.memberCount;
  }

  /** Starts ticking `target` from the next slot of the least loaded phase. */
  register(target: MediaTickTarget): MediaSchedulerMembership {
    const now = this.clock.nowMs();
    if (this.origin === undefined) {
      this.origin = now;
      this.nextSlot = 0;
    }
    // The first slot not yet in the past (tiny epsilon: `now` exactly on a slot counts as that slot).
    const fromSlot = Math.max(this.nextSlot, Math.ceil((now - this.origin) / this.slotMs - 1e-9));
    if (this.memberCount === 0 && !this.inBatch) {
      // Idle: slots that passed with nobody to send are not "skipped".
      this.nextSlot = fromSlot;
    }
    const phase = this.pickPhase(fromSlot);
    const firstSlot = this.nextSlotOfPhase(phase, fromSlot);
    const list = this.lists[phase]!;
    const member: Member = { target, phase, firstSlot, active: true, pos: list.length };
    list.push(member);
    this.memberCount++;
    if (!this.inBatch && (this.timer === undefined || firstSlot < this.armedSlot)) this.arm(firstSlot);
    const firstTickAtMs = this.origin + firstSlot * this.slotMs;
    return { firstTickAtMs, phase, cancel: () => this.remove(member) };
  }

  snapshot(): MediaSchedulerSnapshot {
    return {
      members: this.memberCount,
      phases: this.phases,
      ...this.counts,
      pacingErrorMs: this.pacing.summary(),
      eventLoopLagMs: this.lag.summary(),
    };
  }

  /** The per-packet pacing error histogram (µs), e.g. to merge across workers. */
  get pacingHistogram(): MicrosHistogram {
    return this.pacing;
  }

  /** The per-wake-up lag histogram (µs). */
  get lagHistogram(): MicrosHistogram {
    return this.lag;
  }

  /**
   * Stops ticking and forgets every member (their memberships become no-ops). A later register()
   * starts again on the same grid.
   */
  stop(): void {
    for (const list of this.lists) {
      for (const m of list) m.active = false;
      if (this.inBatch) this.needsCompaction = true;
      else list.length = 0;
    }
    this.memberCount = 0;
    this.disarm();
  }

  /** Clears the histograms and counters (after a warm-up); the schedule is untouched. */
  resetStats(): void {
    this.pacing.reset();
    this.lag.reset();
    this.counts = { wakeUps: 0, packets: 0, caughtUpSlots: 0, skippedSlots: 0 };
  }

  private pickPhase(fromSlot: number): number {
    // Least loaded phase; among equals, the one whose next slot comes first.
    let best = 0;
    let bestLoad = Infinity;
    let bestSlot = Infinity;
    for (let p = 0; p < this.phases; p++) {
      const load = this.lists[p]!.length;
      const slot = this.nextSlotOfPhase(p, fromSlot);
      if (load < bestLoad || (load === bestLoad && slot < bestSlot)) {
        best = p;
        bestLoad = load;
        bestSlot = slot;
      }
    }
    return best;
  }

  private nextSlotOfPhase(phase: number, from: number): number {
    const offset = (((phase - from) % this.phases) + this.phases) % this.phases;
    return from + offset;
  }

  private remove(member: Member): void {
    if (!member.active) return;
    member.active = false;
    this.memberCount--;
    if (this.inBatch) {
      this.needsCompaction = true;
    } else {
      const list = this.lists[member.phase]!;
      const last = list.pop()!;
      if (last !== member) {
        list[member.pos] = last;
        last.pos = member.pos;
      }
    }
    if (this.memberCount === 0 && !this.inBatch) this.disarm();
  }

  private compact(): void {
    this.needsCompaction = false;
    for (const list of this.lists) {
      let w = 0;
      for (let r = 0; r < list.length; r++) {
        const m = list[r]!;
        if (!m.active) continue;
        m.pos = w;
        list[w++] = m;
      }
      list.length = w;
    }
  }

  private disarm(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.armedSlot = -1;
  }

  private arm(slot: number): void {
    this.timer?.cancel();
    this.armedSlot = slot;
    const dueMs = this.origin! + slot * this.slotMs;
    this.timer = this.clock.setTimer(dueMs - this.clock.nowMs(), this.fireBound);
  }

  /** The next slot at or after `from` whose phase has members; -1 when there are none. */
  private nextBusySlot(from: number): number {
    for (let s = from; s < from + this.phases; s++) {
      if (this.lists[s % this.phases]!.length > 0) return s;
    }
    return -1;
  }

  private fire(): void {
    this.timer = undefined;
    const origin = this.origin!;
    const clock = this.clock;
    const now = clock.nowMs();
    const lastDue = Math.floor((now + this.earlyToleranceMs - origin) / this.slotMs);
    if (lastDue < this.armedSlot) {
      this.arm(this.armedSlot); // woke too early: wait again
      return;
    }
    this.counts.wakeUps++;
    this.lag.record(now - (origin + this.armedSlot * this.slotMs));
    const io = this.io;
    const due = lastDue - this.nextSlot + 1;
    if (due > this.maxCatchUpSlots) {
      const skip = due - this.maxCatchUpSlots;
      this.counts.skippedSlots += skip;
      this.nextSlot += skip;
    }
    const firstSlotOfWakeUp = this.nextSlot;
    let delivered = 0;
    const phases = this.phases;
    while (this.nextSlot <= lastDue) {
      const slot = this.nextSlot++;
      const list = this.lists[slot % phases]!;
      const n = list.length;
      if (n === 0) continue;
      if (delivered++ > 0) this.counts.caughtUpSlots++;
      const scheduledAtMs = origin + slot * this.slotMs;
      const caughtUp = slot - phases >= firstSlotOfWakeUp;
      this.inBatch = true;
      let ticked = 0;
      for (let i = 0; i < n; i++) {
        const m = list[i]!;
        if (!m.active || m.firstSlot > slot) continue;
        const t = clock.nowMs();
        if (io === undefined) this.pacing.record(t - scheduledAtMs);
        ticked++;
        try {
          m.target.mediaTick((slot - m.firstSlot) / phases, scheduledAtMs, t, caughtUp);
        } catch (err) {
          this.logger.error('media tick threw', { error: err instanceof Error ? err.message : String(err) });
        }
      }
      this.counts.packets += ticked;
      if (io !== undefined && ticked > 0) {
        // The slot's packets really leave here; each is counted as late as the whole flush.
        io.flush();
        this.pacing.recordCount(clock.nowMs() - scheduledAtMs, ticked);
      }
      this.inBatch = false;
      if (this.needsCompaction) this.compact();
    }
    // Received after the sends: handling what arrived (speech detection, call logic) never delays this
    // wake-up's packets; arrival times come from the kernel's timestamps, so reading later moves none.
    io?.drain();
    if (this.memberCount === 0) {
      this.armedSlot = -1;
      return;
    }
    const next = this.nextBusySlot(this.nextSlot);
    if (next >= 0) this.arm(next);
  }
}

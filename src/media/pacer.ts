import type { Clock, TimerHandle } from '../core/clock.js';
import type { ValueRecorder } from './runningSummary.js';

/** Called for every tick; `nowMs` is read just before the call (the packet's actual send time). */
export type PacerTick = (index: number, scheduledAtMs: number, nowMs: number) => void;

export interface PacerOptions {
  clock: Clock;
  intervalMs: number;
  onTick: PacerTick;
  /** Receives `send_pacing_error_ms` (actual − scheduled) for every tick. */
  pacingErrorMs?: ValueRecorder;
  /**
   * Most ticks delivered late in one burst after a stall. Beyond it the oldest missed ticks are
   * skipped (and counted) instead of flooding the peer after, say, a long GC pause. Default 50 (1 s at 20 ms).
   */
  maxCatchUpTicks?: number;
  /**
   * A timer that fires this little before its due time still delivers the tick (Node's timers run
   * on a millisecond-truncated loop clock, so they can wake a fraction of a millisecond early by
   * `performance.now()`); the negative error is recorded as it is. Default 1 ms.
   */
  earlyToleranceMs?: number;
}

/**
 * Drift-free periodic ticks: tick n is due at start + n × interval, never "last send + interval",
 * so timer lateness never accumulates. When a timer fires late, every tick that became due is
 * delivered at once, in order (counted in {@link caughtUpTicks}); one timer is armed at a time.
 */
export class Pacer {
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly onTick: PacerTick;
  private readonly pacingError: ValueRecorder | undefined;
  private readonly maxCatchUpTicks: number;
  private readonly earlyToleranceMs: number;
  private readonly fireBound: () => void;
  private timer: TimerHandle | undefined;
  private startMs = 0;
  private nextIndex = 0;
  private isRunning = false;
  /** Bumped by start(): a burst in progress notices a stop() + start() from inside onTick. */
  private generation = 0;
  private delivered = 0;
  private caughtUp = 0;
  private skipped = 0;

  constructor(options: PacerOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${options.intervalMs}`);
    this.clock = options.clock;
    this.intervalMs = options.intervalMs;
    this.onTick = options.onTick;
    this.pacingError = options.pacingErrorMs;
    this.maxCatchUpTicks = options.maxCatchUpTicks ?? 50;
    this.earlyToleranceMs = options.earlyToleranceMs ?? 1;
    this.fireBound = () => this.fire();
  }

  /** Starts ticking; tick 0 is due now. No-op if already running. */
  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.generation++;
    this.startMs = this.clock.nowMs();
    this.nextIndex = 0;
    this.timer = this.clock.setTimer(0, this.fireBound);
  }

  /** Stops ticking; no tick is delivered after this returns (also safe from inside onTick). */
  stop(): void {
    this.isRunning = false;
    this.timer?.cancel();
    this.timer = undefined;
  }

  get running(): boolean {
    return this.isRunning;
  }

  /** Time origin of tick 0 (valid once started). */
  get startedAtMs(): number {
    return this.startMs;
  }

  /** Ticks delivered so far. */
  get ticks(): number {
    return this.delivered;
  }

  /** Ticks delivered in a burst behind an earlier tick because the timer fired late. */
  get caughtUpTicks(): number {
    return this.caughtUp;
  }

  /** Ticks dropped because a stall exceeded {@link PacerOptions.maxCatchUpTicks}. */
  get skippedTicks(): number {
    return this.skipped;
  }

  private fire(): void {
    this.timer = undefined;
    if (!this.isRunning) return;
    const generation = this.generation;
    const interval = this.intervalMs;
    const horizon = this.clock.nowMs() + this.earlyToleranceMs;
    const lastDue = Math.floor((horizon - this.startMs) / interval);
    const due = lastDue - this.nextIndex + 1;
    if (due > this.maxCatchUpTicks + 1) {
      const skip = due - (this.maxCatchUpTicks + 1);
      this.skipped += skip;
      this.nextIndex += skip;
    }
    let first = true;
    while (this.isRunning && this.generation === generation && this.nextIndex <= lastDue) {
      const scheduledAtMs = this.startMs + this.nextIndex * interval;
      const nowMs = this.clock.nowMs();
      if (!first) this.caughtUp++;
      first = false;
      this.pacingError?.record(nowMs - scheduledAtMs);
      this.delivered++;
      const index = this.nextIndex++;
      this.onTick(index, scheduledAtMs, nowMs);
    }
    if (!this.isRunning || this.generation !== generation) return;
    const nextAtMs = this.startMs + this.nextIndex * interval;
    this.timer = this.clock.setTimer(nextAtMs - this.clock.nowMs(), this.fireBound);
  }
}

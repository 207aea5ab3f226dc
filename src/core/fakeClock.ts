import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  id: number;
  dueMs: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to: timers fire in due order inside {@link advance}. */
export class FakeClock implements Clock {
  private now: number;
  private nextId = 0;
  private timers: PendingTimer[] = [];

  constructor(startMs = 0) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const timer: PendingTimer = { id: this.nextId++, dueMs: this.now + Math.max(0, delayMs), fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Number of timers still waiting to fire. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer due on the way (including ones they schedule). */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: PendingTimer | undefined;
      for (const t of this.timers) {
        if (t.dueMs <= target && (next === undefined || t.dueMs < next.dueMs || (t.dueMs === next.dueMs && t.id < next.id))) next = t;
      }
      if (next === undefined) break;
      this.now = Math.max(this.now, next.dueMs);
      next.cancelled = true;
      next.fn();
    }
    this.now = target;
  }
}

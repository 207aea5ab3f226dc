/** A cancellable timer returned by a {@link Clock}. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Monotonic time and timers. Every time-dependent unit (transactions, pacer, detectors)
 * takes a Clock so unit tests can drive time with {@link FakeClock} instead of sleeping.
 */
export interface Clock {
  /** Monotonic milliseconds (fractional), origin arbitrary. */
  nowMs(): number;
  /** Runs `fn` once after `delayMs` (clamped at 0). */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
}

/** The real clock: `performance.now()` and Node timers. */
export class SystemClock implements Clock {
  nowMs(): number {
    return performance.now();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(t) };
  }
}

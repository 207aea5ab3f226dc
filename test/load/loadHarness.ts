import type { Clock, TimerHandle } from '../../src/core/clock.js';
import type { FakeClock } from '../../src/core/fakeClock.js';
import type { LaunchCall, LaunchContext } from '../../src/load/loadController.js';

/** Lets promise continuations (a call's end reaching the controller) run. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Advances a fake clock in steps, letting continuations run between steps; `each` sees every step's time. */
export async function advance(clock: FakeClock, ms: number, stepMs = 10, each?: (nowMs: number) => void): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) {
    clock.advance(Math.min(stepMs, ms - done));
    await flush();
    each?.(clock.nowMs());
  }
}

/** A clock whose timers all fire `lateMs` late, as an overloaded event loop does. */
export class LateClock implements Clock {
  constructor(
    private readonly inner: Clock,
    private readonly lateMs: number,
  ) {}
  nowMs(): number {
    return this.inner.nowMs();
  }
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.inner.setTimer(Math.max(0, delayMs) + this.lateMs, fn);
  }
}

export interface Launched extends LaunchContext {
  /** Clock time the controller actually started the call. */
  startedAtMs: number;
  endedAtMs?: number;
  aborted: boolean;
}

/**
 * A fake call: it lasts `holdMs` on the clock (undefined: until its signal aborts), and ends at once
 * on abort (the BYE). Every launch is recorded.
 */
export function fakeCalls(clock: Clock, holdMs: number | undefined): { launch: LaunchCall; calls: Launched[]; active: () => number } {
  const calls: Launched[] = [];
  const launch: LaunchCall = (ctx) =>
    new Promise<void>((resolve) => {
      const rec: Launched = { ...ctx, startedAtMs: clock.nowMs(), aborted: false };
      calls.push(rec);
      const end = (): void => {
        rec.endedAtMs = clock.nowMs();
        resolve();
      };
      const timer = holdMs === undefined ? undefined : clock.setTimer(holdMs, end);
      ctx.signal.addEventListener('abort', () => {
        timer?.cancel();
        rec.aborted = true;
        end();
      });
    });
  return { launch, calls, active: () => calls.filter((c) => c.endedAtMs === undefined).length };
}

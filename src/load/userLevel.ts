import type { LoadStage } from './loadTypes.js';
import { targetAt } from './targetAt.js';

/** A ramp value read back through floating point may sit a hair under the half-integer it crossed. */
const EPS = 1e-9;

/** Whole users for a ramp value: rounded, so a ramp 0→10 adds its users at 0.5, 1.5, … (half-way, both ways). */
export function wholeUsers(target: number): number {
  return Math.max(0, Math.floor(target + 0.5 + EPS));
}

/**
 * Closed model: how many calls should be up at `tMs` (ms since the plan started). Without stages,
 * `users` for ever; with stages, the ramp from `users` (k6's startVUs), and 0 after the last stage.
 */
export function usersAt(stages: readonly LoadStage[] | undefined, users: number, tMs: number): number {
  if (stages === undefined) return wholeUsers(users);
  return wholeUsers(targetAt(stages, users, tMs) ?? 0);
}

/**
 * The next moment strictly after `afterMs` at which the closed model's user count rises, and the count
 * from then on, or undefined when it never rises again. Falls need no timer (ended calls are simply
 * not replaced), so the controller only ever waits for this one moment.
 */
export function nextUsersRise(
  stages: readonly LoadStage[] | undefined,
  users: number,
  afterMs: number,
): { atMs: number; users: number } | undefined {
  if (stages === undefined) return undefined;
  let from = users;
  let before = users; // the value just before t0 (differs from `from` after a zero-length stage: a jump)
  let t0 = 0;
  for (const stage of stages) {
    if (stage.durationMs <= 0) {
      from = stage.target;
      continue;
    }
    if (t0 > afterMs && wholeUsers(from) > wholeUsers(before)) return { atMs: t0, users: wholeUsers(from) };
    const end = t0 + stage.durationMs;
    if (stage.target > from && end > afterMs) {
      const slopePerMs = (stage.target - from) / stage.durationMs;
      const v = from + slopePerMs * (Math.max(t0, afterMs) - t0);
      // The count L = wholeUsers(v) becomes L + 1 where the ramp reaches L + 0.5.
      for (let y = wholeUsers(v) + 0.5; ; y++) {
        const t = t0 + (y - from) / slopePerMs;
        if (t > end) break;
        if (t > afterMs) return { atMs: t, users: wholeUsers(y) };
      }
    }
    before = stage.target;
    from = stage.target;
    t0 = end;
  }
  return undefined;
}

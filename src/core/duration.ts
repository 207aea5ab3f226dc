const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Reads a SIPp-style duration: "800ms", "10s", "1.5s", "2m", "1h"; a bare number is seconds.
 * Returns milliseconds (rounded), or undefined when the text is not a duration; callers turn that
 * into the error of their layer (a CLI usage error, a positioned scenario problem).
 */
export function tryParseDurationMs(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (m === null) return undefined;
  const value = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(value * (UNIT_MS[unit] ?? 1000));
}

/** What to tell someone whose duration did not parse. */
export const DURATION_HINT = 'use a number with a unit: 800ms, 10s, 2m (a bare number means seconds)';

/** Formats milliseconds for humans: 850 ms, 1.25 s, 2 min 5 s. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
  const min = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s === 0 ? `${min} min` : `${min} min ${s} s`;
}

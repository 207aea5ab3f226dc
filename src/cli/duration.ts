import { VoiceloadError } from '../core/errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a SIPp-style duration: "800ms", "10s", "1.5s", "2m", "1h"; a bare number is seconds
 * (as SIPp's -d is milliseconds but humans type "10" meaning seconds, the unit is required to
 * be explicit for anything but whole seconds). Returns milliseconds.
 */
export function parseDurationMs(text: string, what = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (m === null) {
    throw new VoiceloadError('CLI_USAGE', `invalid ${what} "${text}"`, {
      hint: 'use a number with a unit: 800ms, 10s, 2m (a bare number means seconds)',
    });
  }
  const value = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(value * (UNIT_MS[unit] ?? 1000));
}

/** Formats milliseconds for humans: 850 ms, 1.25 s, 2 min 5 s. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
  const min = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s === 0 ? `${min} min` : `${min} min ${s} s`;
}

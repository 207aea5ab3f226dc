import { DURATION_HINT, tryParseDurationMs } from '../core/duration.js';
import { VoiceloadError } from '../core/errors.js';

export { formatDurationMs } from '../core/duration.js';

/**
 * Parses a command-line duration ("800ms", "10s", "2m"; a bare number is seconds) to
 * milliseconds; anything else is a usage error naming the option.
 */
export function parseDurationMs(text: string, what = 'duration'): number {
  const ms = tryParseDurationMs(text);
  if (ms === undefined) throw new VoiceloadError('CLI_USAGE', `invalid ${what} "${text}"`, { hint: DURATION_HINT });
  return ms;
}

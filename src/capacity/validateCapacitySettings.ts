import { VoiceloadError } from '../core/errors.js';
import type { CapacitySettings } from './capacityTypes.js';

/** Every problem of the settings at once (CLI_USAGE), or nothing. */
export function validateCapacitySettings(s: CapacitySettings): void {
  const problems: string[] = [];
  const positive = (name: string, v: number): void => {
    if (!(Number.isFinite(v) && v > 0)) problems.push(`${name} must be a positive number, got ${v}`);
  };
  positive('--start', s.start);
  positive('--max', s.max);
  positive('--resolution', s.resolution);
  if (s.ramp.kind === 'step') positive('--step', s.ramp.step);
  else if (!(Number.isFinite(s.ramp.factor) && s.ramp.factor > 1)) problems.push(`--factor must be a number above 1, got ${s.ramp.factor}`);
  if (Number.isFinite(s.start) && Number.isFinite(s.max) && s.start > s.max) problems.push(`--start ${s.start} is above --max ${s.max}`);
  if (s.by === 'concurrency') {
    for (const [name, v] of [['--start', s.start], ['--max', s.max]] as const) {
      if (Number.isFinite(v) && !Number.isInteger(v)) problems.push(`${name} must be a whole number of concurrent calls, got ${v}`);
    }
  }
  if (s.collapseFactor !== undefined && !(s.collapseFactor > 1)) problems.push(`the collapse factor must be above 1, got ${s.collapseFactor}`);
  if (s.collapseRate !== undefined && !(s.collapseRate > 0 && s.collapseRate <= 1)) problems.push(`the collapse rate must be in (0, 1], got ${s.collapseRate}`);
  if (problems.length > 0) {
    throw new VoiceloadError('CLI_USAGE', `capacity search: ${problems.join('; ')}`, {
      hint: `e.g. --start 10 --step 10 --max 2000 (or --factor 1.5)`,
    });
  }
}

import { DURATION_HINT, tryParseDurationMs } from '../core/duration.js';
import { VoiceloadError } from '../core/errors.js';
import type { LoadStage } from './loadTypes.js';

const STAGES_HINT = `write duration:target pairs separated by commas, e.g. --stages '30s:10,60s:50,30s:0'; durations: ${DURATION_HINT}; targets: numbers ≥ 0`;

/**
 * Reads k6-style stages, "30s:10,60s:50,30s:0": each item ramps linearly to `target` (calls/s in the
 * open model, users in the closed one) over its duration. Every bad item is reported (with its
 * 1-based position), not just the first, in one CLI_USAGE error.
 */
export function parseStages(text: string): LoadStage[] {
  const items = text.split(',');
  const stages: LoadStage[] = [];
  const problems: string[] = [];
  if (text.trim() === '') throw new VoiceloadError('CLI_USAGE', '--stages is empty', { hint: STAGES_HINT });
  items.forEach((raw, i) => {
    const item = raw.trim();
    const where = `stage ${i + 1} of ${items.length} ("${item}")`;
    const colon = item.indexOf(':');
    if (item === '') {
      problems.push(`stage ${i + 1} of ${items.length} is empty`);
      return;
    }
    if (colon < 0) {
      problems.push(`${where}: expected duration:target`);
      return;
    }
    const durationText = item.slice(0, colon);
    const targetText = item.slice(colon + 1).trim();
    const durationMs = tryParseDurationMs(durationText);
    // Number('') is 0 and Number('1e3') is 1000: accept only plain decimals, as users type them.
    const target = /^\d+(\.\d+)?$/.test(targetText) ? Number(targetText) : undefined;
    if (durationMs === undefined) problems.push(`${where}: "${durationText}" is not a duration`);
    if (target === undefined) problems.push(`${where}: target "${targetText}" is not a number ≥ 0`);
    if (durationMs !== undefined && target !== undefined) stages.push({ durationMs, target });
  });
  if (problems.length > 0) throw new VoiceloadError('CLI_USAGE', `--stages: ${problems.join('; ')}`, { hint: STAGES_HINT });
  return stages;
}

/** Writes stages back in the form {@link parseStages} reads (whole units where exact, else ms). */
export function formatStages(stages: readonly LoadStage[]): string {
  return stages.map((s) => `${formatStageDuration(s.durationMs)}:${s.target}`).join(',');
}

function formatStageDuration(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

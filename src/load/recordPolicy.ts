import { VoiceloadError } from '../core/errors.js';

/** What `--record` keeps of the agent audio calls received. */
export interface RecordPolicy {
  /** Every failed call. */
  failed: boolean;
  /** The calls holding the N slowest turns (by ttfa_ms) of the run. */
  slowest: number;
}

const HINT = 'e.g. --record failed, --record slowest:20, or --record failed,slowest:20';

/** Parses `failed`, `slowest:N` or both, comma-separated. */
export function parseRecordPolicy(text: string): RecordPolicy {
  const policy: RecordPolicy = { failed: false, slowest: 0 };
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === 'failed') {
      policy.failed = true;
      continue;
    }
    const m = /^slowest:(\d+)$/.exec(item);
    if (m !== null && Number(m[1]) > 0 && Number(m[1]) <= 10_000) {
      policy.slowest = Number(m[1]);
      continue;
    }
    throw new VoiceloadError('CLI_USAGE', `--record: "${item}" is not failed or slowest:N (N from 1 to 10000)`, { hint: HINT });
  }
  return policy;
}

import { VoiceloadError } from '../core/errors.js';
import type { CapacityDimension, CapacityResult, CapacitySettings } from './capacityTypes.js';

export const CAPACITY_SCHEMA = 'voiceload.capacity/1';

/** Beside each step's run files (DIR/steps/level-N/): the summary of the measured window, SLOs judged on it. */
export const STEP_SUMMARY_FILE = 'step-summary.json';

/**
 * The result file of a capacity search (`voiceload capacity … --out DIR` writes DIR/capacity.json),
 * schema `voiceload.capacity/1`. Additive changes keep the version; a renamed or removed field bumps it.
 * Added since: `hint.targetEvidence` and the hint component `target queueing` (`--scrape`: a queue
 * of the target's own metrics that rose), both absent without --scrape.
 */
export interface CapacityDoc extends CapacityResult {
  schema: typeof CAPACITY_SCHEMA;
  voiceloadVersion: string;
  /** The SLOs as written (`ttfa_ms: p(95)<1200`). */
  slos: string[];
  settings: CapacitySettings;
  /**
   * Instances of each component in the deployment searched, e.g. `{ "agent-worker": 4 }`; `voiceload
   * plan` divides the capacity by them. Absent: the stack is planned as one unit.
   */
  deployment?: Record<string, number>;
}

export interface CapacityDocParts {
  version: string;
  settings: CapacitySettings;
  slos: readonly string[];
  deployment?: Readonly<Record<string, number>>;
}

/** Pure: the capacity.json object of a finished search. */
export function buildCapacityDoc(result: CapacityResult, parts: CapacityDocParts): CapacityDoc {
  return {
    schema: CAPACITY_SCHEMA,
    voiceloadVersion: parts.version,
    ...result,
    slos: [...parts.slos],
    settings: parts.settings,
    ...(parts.deployment === undefined ? {} : { deployment: { ...parts.deployment } }),
  };
}

export function formatCapacityFile(doc: CapacityDoc): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

const DIMENSIONS: readonly CapacityDimension[] = ['concurrency', 'rate'];

/** Reads capacity.json; every problem is reported at once, naming the file (CONFIG). */
export function parseCapacityFile(text: string, origin: string): CapacityDoc {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new VoiceloadError('CONFIG', `${origin}: not JSON: ${(e as Error).message}`, { hint: 'pass the capacity.json a capacity search wrote', cause: e });
  }
  const problems: string[] = [];
  const doc = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  if (doc['schema'] !== CAPACITY_SCHEMA) problems.push(`schema is ${JSON.stringify(doc['schema'])}, expected "${CAPACITY_SCHEMA}"`);
  if (!DIMENSIONS.includes(doc['by'] as CapacityDimension)) problems.push(`by must be "concurrency" or "rate"`);
  const capacity = doc['effectiveCapacity'];
  if (capacity !== null && !(typeof capacity === 'number' && Number.isFinite(capacity) && capacity >= 0)) problems.push('effectiveCapacity must be a number ≥ 0 or null');
  const breaking = doc['breakingLevel'];
  if (breaking !== null && typeof breaking !== 'number') problems.push('breakingLevel must be a number or null');
  if (!Array.isArray(doc['levels'])) problems.push('levels must be an array');
  const deployment = doc['deployment'];
  if (deployment !== undefined) {
    if (typeof deployment !== 'object' || deployment === null || Array.isArray(deployment)) problems.push('deployment must map component names to instance counts');
    else {
      for (const [name, n] of Object.entries(deployment)) {
        if (!(typeof n === 'number' && Number.isInteger(n) && n > 0)) problems.push(`deployment.${name} must be a whole number of instances ≥ 1`);
      }
    }
  }
  if (problems.length > 0) {
    throw new VoiceloadError('CONFIG', `${origin}: not a capacity result: ${problems.join('; ')}`, {
      hint: `pass the capacity.json (schema ${CAPACITY_SCHEMA}) a capacity search wrote`,
    });
  }
  return raw as CapacityDoc;
}

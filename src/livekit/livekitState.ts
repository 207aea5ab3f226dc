import { VoiceloadError } from '../core/errors.js';

export const LIVEKIT_STATE_SCHEMA = 'voiceload.livekit-state/1';
/** Where `voiceload livekit setup` records what it created, unless `--state FILE`. */
export const DEFAULT_LIVEKIT_STATE_FILE = '.voiceload-livekit.json';

/**
 * What `voiceload livekit setup` created, so `teardown` deletes exactly that. Holds no secret:
 * the LiveKit origin but not the API key or secret, the trunk's user name but not its password.
 */
export interface LivekitState {
  schema: typeof LIVEKIT_STATE_SCHEMA;
  /** http(s) origin of the LiveKit project the IDs belong to. */
  livekitUrl: string;
  /** ISO 8601 time of the setup. */
  createdAt: string;
  name: string;
  numbers: string[];
  /** `sip:<number>@<sip host>` to point a run at; null when setup was not given --sip-host. */
  sipUri: string | null;
  trunkIds: string[];
  dispatchRuleIds: string[];
  /** false when setup failed half way and recorded what it had created so teardown removes it. */
  complete: boolean;
}

/** Pure: state → file text (stable key order, trailing newline). */
export function formatLivekitState(state: LivekitState): string {
  const ordered: LivekitState = {
    schema: state.schema,
    livekitUrl: state.livekitUrl,
    createdAt: state.createdAt,
    name: state.name,
    numbers: state.numbers,
    sipUri: state.sipUri,
    trunkIds: state.trunkIds,
    dispatchRuleIds: state.dispatchRuleIds,
    complete: state.complete,
  };
  return JSON.stringify(ordered, null, 2) + '\n';
}

/** Pure: file text → state. Every problem is listed in one CONFIG error naming `file`. */
export function parseLivekitState(text: string, file: string): LivekitState {
  const fail = (problems: string[]): never => {
    throw new VoiceloadError('CONFIG', `${file}: not a voiceload LiveKit state file: ${problems.join('; ')}`, {
      hint: `it is written by \`voiceload livekit setup\` (schema ${LIVEKIT_STATE_SCHEMA}); remove it if it is stale, after deleting its trunk and dispatch rule in the LiveKit dashboard`,
    });
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail([`invalid JSON (${e instanceof Error ? e.message : String(e)})`]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail(['expected a JSON object']);
  const o = json as Record<string, unknown>;
  const problems: string[] = [];
  if (o.schema !== LIVEKIT_STATE_SCHEMA) problems.push(`schema must be "${LIVEKIT_STATE_SCHEMA}", not ${JSON.stringify(o.schema)}`);
  const str = (key: string): string => {
    const v = o[key];
    if (typeof v !== 'string' || v === '') problems.push(`${key} must be a non-empty string`);
    return typeof v === 'string' ? v : '';
  };
  const strings = (key: string): string[] => {
    const v = o[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x !== '')) {
      problems.push(`${key} must be a list of non-empty strings`);
      return [];
    }
    return v as string[];
  };
  const livekitUrl = str('livekitUrl');
  const createdAt = str('createdAt');
  if (createdAt !== '' && Number.isNaN(Date.parse(createdAt))) problems.push(`createdAt "${createdAt}" is not an ISO 8601 time`);
  const name = str('name');
  const numbers = strings('numbers');
  if (o.sipUri !== null && typeof o.sipUri !== 'string') problems.push('sipUri must be a string or null');
  const trunkIds = strings('trunkIds');
  const dispatchRuleIds = strings('dispatchRuleIds');
  if (typeof o.complete !== 'boolean') problems.push('complete must be true or false');
  if (problems.length > 0) return fail(problems);
  return {
    schema: LIVEKIT_STATE_SCHEMA,
    livekitUrl,
    createdAt,
    name,
    numbers,
    sipUri: o.sipUri as string | null,
    trunkIds,
    dispatchRuleIds,
    complete: o.complete as boolean,
  };
}

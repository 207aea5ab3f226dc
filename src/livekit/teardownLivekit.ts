import { isVoiceloadError } from '../core/errors.js';
import type { DeleteOutcome, LivekitSipApi } from './livekitSipApi.js';
import type { LivekitState } from './livekitState.js';

export interface TeardownItem {
  kind: 'dispatch rule' | 'trunk';
  id: string;
  outcome: DeleteOutcome | 'failed';
  /** Why it failed (no secrets: the API seam redacts them). */
  error?: string;
}

export interface TeardownOutcome {
  items: TeardownItem[];
  /** The state still to remove (the failed IDs), or undefined when everything is gone. */
  remaining: LivekitState | undefined;
}

/**
 * Deletes exactly the IDs in `state` — dispatch rules first, so no rule is left pointing at a
 * deleted trunk — and nothing else. An ID already gone is noted and skipped; a failure is recorded
 * and the rest still attempted.
 */
export async function teardownLivekit(state: LivekitState, api: LivekitSipApi): Promise<TeardownOutcome> {
  const items: TeardownItem[] = [];
  const run = async (kind: TeardownItem['kind'], id: string, f: (id: string) => Promise<DeleteOutcome>): Promise<boolean> => {
    try {
      items.push({ kind, id, outcome: await f(id) });
      return true;
    } catch (e) {
      items.push({ kind, id, outcome: 'failed', error: isVoiceloadError(e) || e instanceof Error ? e.message : String(e) });
      return false;
    }
  };
  const ruleIds: string[] = [];
  for (const id of state.dispatchRuleIds) if (!(await run('dispatch rule', id, (x) => api.deleteDispatchRule(x)))) ruleIds.push(id);
  const trunkIds: string[] = [];
  for (const id of state.trunkIds) if (!(await run('trunk', id, (x) => api.deleteTrunk(x)))) trunkIds.push(id);
  const remaining = ruleIds.length + trunkIds.length === 0 ? undefined : { ...state, trunkIds, dispatchRuleIds: ruleIds };
  return { items, remaining };
}

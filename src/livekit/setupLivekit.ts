import { VoiceloadError, isVoiceloadError } from '../core/errors.js';
import type { InboundTrunkSummary, LivekitSipApi } from './livekitSipApi.js';
import { LIVEKIT_STATE_SCHEMA, type LivekitState } from './livekitState.js';
import { buildDispatchRuleRequest, buildInboundTrunkRequest } from './provisionRequests.js';
import type { ProvisionSpec } from './provisionSpec.js';
import { sipTargetUri } from './sipTargetUri.js';

export type SetupOutcome =
  | {
      ok: true;
      state: LivekitState;
      /** Trunks that existed before and also accept these numbers: LiveKit may route calls to them. */
      overlappingTrunks: InboundTrunkSummary[];
    }
  | {
      ok: false;
      error: VoiceloadError;
      /** What was created and could not be removed again: write it so teardown removes it. */
      leftover?: LivekitState;
      /** What was created and removed again after the failure. */
      rolledBack: string[];
      overlappingTrunks: InboundTrunkSummary[];
    };

export interface SetupContext {
  /** http(s) origin of the project, recorded in the state (never the keys). */
  livekitUrl: string;
  now: Date;
}

const asVoiceloadError = (e: unknown): VoiceloadError =>
  isVoiceloadError(e) ? e : new VoiceloadError('INTERNAL', e instanceof Error ? e.message : String(e), { cause: e });

/**
 * Creates the inbound trunk, then the individual dispatch rule bound to it. When the rule fails,
 * the trunk is deleted again; when that fails too, the outcome carries it as `leftover` so the
 * caller records it for teardown. Nothing created is ever forgotten silently.
 */
export async function setupLivekit(spec: ProvisionSpec, api: LivekitSipApi, context: SetupContext): Promise<SetupOutcome> {
  const overlappingTrunks = await api.listInboundTrunks(spec.numbers);
  const state: LivekitState = {
    schema: LIVEKIT_STATE_SCHEMA,
    livekitUrl: context.livekitUrl,
    createdAt: context.now.toISOString(),
    name: spec.name,
    numbers: [...spec.numbers],
    sipUri: spec.sipHost === undefined ? null : sipTargetUri(spec.numbers[0] ?? '', spec.sipHost),
    trunkIds: [],
    dispatchRuleIds: [],
    complete: false,
  };

  let trunkId: string;
  try {
    ({ trunkId } = await api.createInboundTrunk(buildInboundTrunkRequest(spec)));
  } catch (e) {
    return { ok: false, error: asVoiceloadError(e), rolledBack: [], overlappingTrunks };
  }
  state.trunkIds.push(trunkId);

  try {
    const { dispatchRuleId } = await api.createDispatchRule(buildDispatchRuleRequest(spec, trunkId));
    state.dispatchRuleIds.push(dispatchRuleId);
  } catch (e) {
    const error = asVoiceloadError(e);
    try {
      await api.deleteTrunk(trunkId);
      return { ok: false, error, rolledBack: [trunkId], overlappingTrunks };
    } catch {
      return { ok: false, error, leftover: state, rolledBack: [], overlappingTrunks };
    }
  }
  return { ok: true, state: { ...state, complete: true }, overlappingTrunks };
}

import type { InboundTrunkSummary } from './livekitSipApi.js';
import type { LivekitState } from './livekitState.js';
import type { ProvisionSpec } from './provisionSpec.js';
import { sipTargetUri } from './sipTargetUri.js';
import type { TeardownItem } from './teardownLivekit.js';

/** Pure: what `voiceload livekit setup` prints on stdout after success. Holds no secret. */
export function formatSetupDone(spec: ProvisionSpec, state: LivekitState, statePath: string): string {
  const filters = [
    spec.allowedAddresses.length > 0 ? `calls from ${spec.allowedAddresses.join(', ')}` : undefined,
    spec.auth === undefined ? undefined : `digest user ${spec.auth.username}`,
  ].filter((x) => x !== undefined);
  const lines = [
    `inbound trunk:  ${state.trunkIds.join(', ')} (${state.name}; numbers ${state.numbers.join(', ')}${filters.length > 0 ? `; ${filters.join(', ')}` : '; any caller address, no digest auth'})`,
    `dispatch rule:  ${state.dispatchRuleIds.join(', ')} (one room per call, prefix ${spec.roomPrefix}; ${spec.agentName === undefined ? 'agents by automatic dispatch' : `agent ${spec.agentName} dispatched explicitly`})`,
    `state file:     ${statePath} (voiceload livekit teardown deletes exactly these)`,
    `SIP URI:        ${state.sipUri ?? sipTargetUri(state.numbers[0] ?? '', undefined)}`,
  ];
  return lines.join('\n') + '\n';
}

/** Pure: stderr notes about trunks that existed before and also accept the numbers. */
export function formatOverlappingTrunks(trunks: InboundTrunkSummary[]): string {
  return trunks
    .map(
      (t) =>
        `voiceload: note: existing trunk ${t.trunkId} (${t.name || 'unnamed'}) also accepts ${t.numbers.length === 0 ? 'any number' : t.numbers.join(', ')}; LiveKit may route test calls to it (voiceload leaves it alone)\n`,
    )
    .join('');
}

/** Pure: one line per deleted, already-gone or failed ID. */
export function formatTeardownItems(items: TeardownItem[]): string {
  return items
    .map((i) =>
      i.outcome === 'deleted'
        ? `deleted ${i.kind} ${i.id}\n`
        : i.outcome === 'not-found'
          ? `${i.kind} ${i.id} was already gone (not found), skipped\n`
          : `could not delete ${i.kind} ${i.id}: ${i.error ?? 'unknown error'}\n`,
    )
    .join('');
}

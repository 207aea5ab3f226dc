import type { CreateSipDispatchRuleOptions, CreateSipInboundTrunkOptions, SipDispatchRuleIndividual } from 'livekit-server-sdk';
import type { ProvisionSpec } from './provisionSpec.js';

/** Marks what voiceload created, so a user browsing the LiveKit dashboard knows where it came from. */
export const PROVISION_METADATA = 'created by voiceload livekit setup';

/** Arguments of `SipClient.createSipInboundTrunk(name, numbers, options)`. */
export interface InboundTrunkRequest {
  name: string;
  numbers: string[];
  options: CreateSipInboundTrunkOptions;
}

/**
 * Arguments of `SipClient.createSipDispatchRule(rule, options)`. The SDK wants `roomConfig` as a
 * protocol message instance; the builder stays pure (no SDK at run time), so the agents to
 * dispatch are listed here and the SDK adapter wraps them in a RoomConfiguration.
 */
export interface DispatchRuleRequest {
  rule: SipDispatchRuleIndividual;
  options: Omit<CreateSipDispatchRuleOptions, 'roomConfig'>;
  /** Agents dispatched explicitly into every room the rule creates (RoomConfiguration.agents). */
  roomAgents: { agentName: string }[];
}

/** Pure: the inbound trunk: the numbers, the address filter and the digest credentials. */
export function buildInboundTrunkRequest(spec: ProvisionSpec): InboundTrunkRequest {
  const options: CreateSipInboundTrunkOptions = { metadata: PROVISION_METADATA };
  if (spec.allowedAddresses.length > 0) options.allowedAddresses = [...spec.allowedAddresses];
  if (spec.auth !== undefined) {
    options.authUsername = spec.auth.username;
    options.authPassword = spec.auth.password;
  }
  return { name: spec.name, numbers: [...spec.numbers], options };
}

/**
 * Pure: an individual dispatch rule (one new room per call, named after the prefix) bound to the
 * trunk just created — never a rule without trunk IDs, which would capture every trunk's calls.
 */
export function buildDispatchRuleRequest(spec: ProvisionSpec, trunkId: string): DispatchRuleRequest {
  return {
    rule: { type: 'individual', roomPrefix: spec.roomPrefix },
    options: { name: spec.name, metadata: PROVISION_METADATA, trunkIds: [trunkId] },
    roomAgents: spec.agentName === undefined ? [] : [{ agentName: spec.agentName }],
  };
}

import type { DispatchRuleRequest, InboundTrunkRequest } from './provisionRequests.js';

export interface InboundTrunkSummary {
  trunkId: string;
  name: string;
  numbers: string[];
}

/** A delete that finds nothing is not an error for teardown: someone removed it already. */
export type DeleteOutcome = 'deleted' | 'not-found';

/**
 * The few LiveKit SIP API calls provisioning needs: the seam between setup/teardown logic and the
 * server SDK (sdkSipApi.ts), with an in-memory fake in testing/. Failures throw a VoiceloadError
 * with code LIVEKIT_API whose message holds no secret.
 */
export interface LivekitSipApi {
  /** Inbound trunks that accept any of `numbers`, wildcard trunks (no numbers) included. */
  listInboundTrunks(numbers: string[]): Promise<InboundTrunkSummary[]>;
  createInboundTrunk(request: InboundTrunkRequest): Promise<{ trunkId: string }>;
  createDispatchRule(request: DispatchRuleRequest): Promise<{ dispatchRuleId: string }>;
  deleteTrunk(trunkId: string): Promise<DeleteOutcome>;
  deleteDispatchRule(dispatchRuleId: string): Promise<DeleteOutcome>;
}

import { VoiceloadError } from '../../core/errors.js';
import type { DeleteOutcome, InboundTrunkSummary, LivekitSipApi } from '../livekitSipApi.js';
import type { DispatchRuleRequest, InboundTrunkRequest } from '../provisionRequests.js';

export type FakeSipCall =
  | { method: 'listInboundTrunks'; numbers: string[] }
  | { method: 'createInboundTrunk'; request: InboundTrunkRequest }
  | { method: 'createDispatchRule'; request: DispatchRuleRequest }
  | { method: 'deleteTrunk'; id: string }
  | { method: 'deleteDispatchRule'; id: string };

/**
 * In-memory LivekitSipApi for unit tests: holds trunks and rules, records every call, and fails a
 * named method on demand (`failOn`).
 */
export class FakeLivekitSipApi implements LivekitSipApi {
  readonly calls: FakeSipCall[] = [];
  readonly trunks = new Map<string, InboundTrunkSummary>();
  readonly rules = new Map<string, DispatchRuleRequest>();
  failOn = new Set<FakeSipCall['method']>();
  private nextId = 1;

  constructor(existing: InboundTrunkSummary[] = []) {
    for (const t of existing) this.trunks.set(t.trunkId, t);
  }

  private maybeFail(method: FakeSipCall['method']): void {
    if (this.failOn.has(method)) throw new VoiceloadError('LIVEKIT_API', `LiveKit ${method} failed: fake failure`);
  }

  async listInboundTrunks(numbers: string[]): Promise<InboundTrunkSummary[]> {
    this.calls.push({ method: 'listInboundTrunks', numbers });
    this.maybeFail('listInboundTrunks');
    return [...this.trunks.values()].filter((t) => t.numbers.length === 0 || t.numbers.some((n) => numbers.includes(n)));
  }

  async createInboundTrunk(request: InboundTrunkRequest): Promise<{ trunkId: string }> {
    this.calls.push({ method: 'createInboundTrunk', request });
    this.maybeFail('createInboundTrunk');
    const trunkId = `ST_fake${this.nextId++}`;
    this.trunks.set(trunkId, { trunkId, name: request.name, numbers: request.numbers });
    return { trunkId };
  }

  async createDispatchRule(request: DispatchRuleRequest): Promise<{ dispatchRuleId: string }> {
    this.calls.push({ method: 'createDispatchRule', request });
    this.maybeFail('createDispatchRule');
    const dispatchRuleId = `SDR_fake${this.nextId++}`;
    this.rules.set(dispatchRuleId, request);
    return { dispatchRuleId };
  }

  async deleteTrunk(id: string): Promise<DeleteOutcome> {
    this.calls.push({ method: 'deleteTrunk', id });
    this.maybeFail('deleteTrunk');
    return this.trunks.delete(id) ? 'deleted' : 'not-found';
  }

  async deleteDispatchRule(id: string): Promise<DeleteOutcome> {
    this.calls.push({ method: 'deleteDispatchRule', id });
    this.maybeFail('deleteDispatchRule');
    return this.rules.delete(id) ? 'deleted' : 'not-found';
  }
}

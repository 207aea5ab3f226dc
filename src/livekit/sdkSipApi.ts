import { VoiceloadError } from '../core/errors.js';
import type { LivekitCredentials } from './livekitCredentials.js';
import type { DeleteOutcome, InboundTrunkSummary, LivekitSipApi } from './livekitSipApi.js';
import { redactSecrets } from './redactSecrets.js';

export interface SdkSipApiOptions {
  /** Per-request timeout of the SDK, in seconds. */
  requestTimeoutS?: number;
  /** Further values to keep out of error messages (e.g. the trunk's digest password). */
  secrets?: string[];
}

/** What the SDK's ServerError carries (typed structurally: the SDK is imported lazily). */
interface ServerErrorLike {
  status: number;
  code?: string;
}

function isServerError(e: unknown): e is ServerErrorLike & Error {
  return e instanceof Error && typeof (e as Partial<ServerErrorLike>).status === 'number';
}

/**
 * LivekitSipApi over livekit-server-sdk's SipClient (Twirp over HTTP, JSON bodies). The SDK is
 * imported here, lazily, so commands that do not talk to LiveKit never load it.
 */
export async function createSdkSipApi(credentials: LivekitCredentials, options: SdkSipApiOptions = {}): Promise<LivekitSipApi> {
  const sdk = await import('livekit-server-sdk');
  const client = new sdk.SipClient(credentials.url, credentials.apiKey, credentials.apiSecret, {
    requestTimeout: options.requestTimeoutS ?? 10,
  });
  const secrets = [credentials.apiSecret, credentials.apiKey, ...(options.secrets ?? [])];

  const toError = (what: string, e: unknown): VoiceloadError => {
    const detail = redactSecrets(e instanceof Error ? e.message : String(e), secrets);
    if (isServerError(e)) {
      const status = `HTTP ${e.status}${e.code === undefined ? '' : ` ${e.code}`}`;
      const hint =
        e.status === 401 || e.status === 403
          ? 'check LIVEKIT_API_KEY and LIVEKIT_API_SECRET: the key needs admin rights on SIP'
          : e.status >= 500
            ? 'the LiveKit server failed; try again, and check the project status'
            : undefined;
      return new VoiceloadError('LIVEKIT_API', `LiveKit ${what} failed: ${status}: ${detail}`, { ...(hint === undefined ? {} : { hint }), retryable: e.status >= 500 });
    }
    const cause = e instanceof Error && e.cause instanceof Error ? ` (${redactSecrets(e.cause.message, secrets)})` : '';
    return new VoiceloadError('LIVEKIT_API', `LiveKit ${what} failed: ${detail}${cause}`, {
      hint: `check that LIVEKIT_URL (${credentials.origin}) is reachable from here`,
      retryable: true,
    });
  };
  const call = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw toError(what, e);
    }
  };
  // Twirp maps not_found to HTTP 404: the thing is already gone, which is what teardown wants.
  const remove = async (what: string, f: () => Promise<unknown>): Promise<DeleteOutcome> => {
    try {
      await f();
      return 'deleted';
    } catch (e) {
      if (isServerError(e) && (e.status === 404 || e.code === 'not_found')) return 'not-found';
      throw toError(what, e);
    }
  };

  return {
    listInboundTrunks: (numbers) =>
      call('list inbound trunks', async (): Promise<InboundTrunkSummary[]> => {
        const items = await client.listSipInboundTrunk({ numbers });
        return items.map((t) => ({ trunkId: t.sipTrunkId, name: t.name, numbers: [...t.numbers] }));
      }),
    createInboundTrunk: (request) =>
      call('create inbound trunk', async () => {
        const trunk = await client.createSipInboundTrunk(request.name, request.numbers, request.options);
        if (trunk.sipTrunkId === '') throw new Error('the response carries no trunk ID');
        return { trunkId: trunk.sipTrunkId };
      }),
    createDispatchRule: (request) =>
      call('create dispatch rule', async () => {
        const roomConfig =
          request.roomAgents.length === 0
            ? undefined
            : new sdk.RoomConfiguration({ agents: request.roomAgents.map((a) => new sdk.RoomAgentDispatch({ agentName: a.agentName })) });
        const rule = await client.createSipDispatchRule(request.rule, { ...request.options, ...(roomConfig === undefined ? {} : { roomConfig }) });
        if (rule.sipDispatchRuleId === '') throw new Error('the response carries no dispatch rule ID');
        return { dispatchRuleId: rule.sipDispatchRuleId };
      }),
    deleteTrunk: (id) => remove(`delete trunk ${id}`, () => client.deleteSipTrunk(id)),
    deleteDispatchRule: (id) => remove(`delete dispatch rule ${id}`, () => client.deleteSipDispatchRule(id)),
  };
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the few LiveKit SIP Twirp methods provisioning uses — NOT a LiveKit server.
 * livekit-server-sdk POSTs JSON to `/twirp/livekit.SIP/<Method>` with `Authorization: Bearer <JWT>`;
 * this answers in the same JSON shape, keeps trunks and rules in maps, and records every request.
 */
export interface RecordedRequest {
  method: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface StandInTrunk {
  sipTrunkId: string;
  name: string;
  numbers: string[];
}

export interface LivekitStandIn {
  /** http://127.0.0.1:<port>, for LIVEKIT_URL. */
  url: string;
  requests: RecordedRequest[];
  trunks: Map<string, Record<string, unknown>>;
  rules: Map<string, Record<string, unknown>>;
  /** Methods that answer HTTP 500 (Twirp `internal`), or `failStatus`. */
  failMethods: Set<string>;
  failStatus: number;
  /** Error text of a failing method; a test may make it echo a secret. */
  failMessage: string | undefined;
  close(): Promise<void>;
}

const PREFIX = '/twirp/livekit.SIP/';

export async function startLivekitStandIn(existingTrunks: StandInTrunk[] = []): Promise<LivekitStandIn> {
  const requests: RecordedRequest[] = [];
  const trunks = new Map<string, Record<string, unknown>>(existingTrunks.map((t) => [t.sipTrunkId, { ...t }]));
  const rules = new Map<string, Record<string, unknown>>();
  const failMethods = new Set<string>();
  let nextId = 1;
  // Filled in once the server listens; the handlers read the test's failure settings from it.
  const standIn = { failStatus: 500, failMessage: undefined } as LivekitStandIn;

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const twirpError = (res: ServerResponse, status: number, code: string, msg: string): void => send(res, status, { code, msg });

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    if (req.method !== 'POST' || req.url === undefined || !req.url.startsWith(PREFIX)) return twirpError(res, 404, 'bad_route', `no handler for ${req.method} ${req.url}`);
    const method = req.url.slice(PREFIX.length);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw === '' ? '{}' : raw) as Record<string, unknown>;
    } catch {
      return twirpError(res, 400, 'malformed', 'body is not JSON');
    }
    requests.push({ method, authorization: req.headers.authorization, body });
    if (failMethods.has(method)) return twirpError(res, standIn.failStatus, standIn.failStatus === 401 ? 'unauthenticated' : 'internal', standIn.failMessage ?? `${method} failed in the stand-in`);
    switch (method) {
      case 'ListSIPInboundTrunk': {
        const wanted = (body.numbers as string[] | undefined) ?? [];
        const items = [...trunks.values()].filter((t) => {
          const numbers = (t.numbers as string[] | undefined) ?? [];
          return wanted.length === 0 || numbers.length === 0 || numbers.some((n) => wanted.includes(n));
        });
        return send(res, 200, { items });
      }
      case 'CreateSIPInboundTrunk': {
        const sipTrunkId = `ST_standin${nextId++}`;
        // Echoes the trunk as LiveKit does, the digest password included: voiceload must not print it.
        const trunk = { ...(body.trunk as Record<string, unknown>), sipTrunkId };
        trunks.set(sipTrunkId, trunk);
        return send(res, 200, trunk);
      }
      case 'CreateSIPDispatchRule': {
        const sipDispatchRuleId = `SDR_standin${nextId++}`;
        const rule = { ...body, sipDispatchRuleId };
        rules.set(sipDispatchRuleId, rule);
        return send(res, 200, rule);
      }
      case 'DeleteSIPTrunk': {
        const id = body.sipTrunkId as string;
        const trunk = trunks.get(id);
        if (trunk === undefined) return twirpError(res, 404, 'not_found', `trunk ${id} not found`);
        trunks.delete(id);
        return send(res, 200, trunk);
      }
      case 'DeleteSIPDispatchRule': {
        const id = body.sipDispatchRuleId as string;
        const rule = rules.get(id);
        if (rule === undefined) return twirpError(res, 404, 'not_found', `dispatch rule ${id} not found`);
        rules.delete(id);
        return send(res, 200, rule);
      }
      default:
        return twirpError(res, 404, 'bad_route', `method ${method} is not played by the stand-in`);
    }
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => handle(req, res, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(standIn, {
    url: `http://127.0.0.1:${port}`,
    requests,
    trunks,
    rules,
    failMethods,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return standIn;
}

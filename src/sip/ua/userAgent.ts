import type { Clock, TimerHandle } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { generateBranch, generateCallId, generateTag, type RandomBytes } from '../identifiers.js';
import { verifyDigestAuthorization } from '../digestVerify.js';
import { createRequest, getHeader, type SipHeaderField, type SipRequest } from '../message.js';
import { parseNameAddr } from '../nameAddr.js';
import { parseUri } from '../uri.js';
import { TransactionLayer, createResponse, type ServerTransaction, type TimerConfig } from '../transaction/index.js';
import type { InboundMessage, SipEndpoint, SipTransport } from '../transport/transport.js';
import { IncomingCall } from './incomingCall.js';
import { NonceStore } from './nonceStore.js';
import { OutgoingCall, type OutgoingCallListener } from './outgoingCall.js';

export interface UserAgentOptions {
  transport: SipTransport;
  clock: Clock;
  timers?: Partial<TimerConfig>;
  logger?: Logger;
  /** User-Agent header value. */
  userAgent?: string;
  random?: RandomBytes;
  /**
   * Digest credentials required on incoming INVITEs (as LiveKit's trunk auth): an INVITE without them
   * is challenged (MD5, no qop; `proxy: true` → 407 Proxy-Authenticate, else 401 WWW-Authenticate),
   * one with wrong credentials gets 401.
   */
  inviteAuth?: InviteAuthOptions;
}

/** What an OPTIONS probe found. */
export type ProbeResult = { ok: true; status: number; rttMs: number } | { ok: false; why: 'timeout' | 'transport'; message?: string };

export interface InviteAuthOptions {
  realm: string;
  username: string;
  password: string;
  proxy: boolean;
}

export interface PlaceCallOptions {
  /** Request-URI and To of the INVITE. */
  target: string;
  dest: SipEndpoint;
  fromUser: string;
  sdpOffer: Buffer;
  extraHeaders?: SipHeaderField[];
  credentials?: { username: string; password: string };
  ringTimeoutMs: number;
  /** Answers SDP offers in re-INVITEs from the far end (see OutgoingCallOptions.answerOffer). */
  answerOffer?: (offer: Buffer) => Buffer | undefined;
  /** The Call-ID to use (it must be globally unique, RFC 3261 §8.1.1.4); default a generated one. */
  callId?: string;
}

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS';

/**
 * The user agent: wires one transport to a transaction layer, places calls, and routes what the far
 * end sends (in-dialog requests by Call-ID, 2xx retransmissions after the INVITE transaction ended).
 * Out-of-dialog OPTIONS are answered 200 (keep-alive probes); other strays get 481.
 */
export class UserAgent {
  readonly transactions: TransactionLayer;
  private readonly calls = new Map<string, OutgoingCall>();
  /**
   * Received calls by Call-ID. Kept apart from outgoing calls so a UA that calls itself (both legs
   * share one Call-ID) still routes each leg: outgoing first, then incoming, by dialog tags.
   */
  private readonly incoming = new Map<string, IncomingCall>();
  private incomingHandler: ((call: IncomingCall) => void) | undefined;
  private readonly nonces: NonceStore;
  private readonly lingering = new Set<TimerHandle>();
  private readonly logger: Logger;
  private readonly userAgent: string;

  constructor(private readonly opts: UserAgentOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.userAgent = opts.userAgent ?? 'voiceload';
    this.transactions = new TransactionLayer({
      transport: opts.transport,
      clock: opts.clock,
      ...(opts.timers === undefined ? {} : { timers: opts.timers }),
      logger: this.logger,
    });
    this.nonces = new NonceStore({ clock: opts.clock, ...(opts.random === undefined ? {} : { random: opts.random }) });
    this.transactions.onRequest((req, stx, inbound) => {
      const callId = getHeader(req, 'Call-ID') ?? '';
      const call = this.calls.get(callId);
      if (call !== undefined && call.handleRequest(req, stx, inbound.receivedAtMs)) return;
      const received = this.incoming.get(callId);
      if (received !== undefined && received.handleRequest(req, stx, inbound.receivedAtMs)) return;
      if (req.method === 'INVITE' && toTagOf(req) === undefined) {
        this.receiveInvite(req, stx, inbound, received);
        return;
      }
      if (req.method === 'OPTIONS') {
        stx.respond(createResponse(req, 200, 'OK', [{ name: 'Allow', value: ALLOW }], undefined, generateTag(opts.random)));
        return;
      }
      stx.respond(createResponse(req, 481, 'Call/Transaction Does Not Exist', [], undefined, generateTag(opts.random)));
    });
    this.transactions.onStrayResponse((res) => {
      this.calls.get(getHeader(res, 'Call-ID') ?? '')?.handleStrayResponse(res);
    });
    // ACKs for our 2xx carry a new branch (RFC 3261 §17.1.1.3) and reach us outside any transaction.
    this.transactions.onStrayAck((ack, inbound) => {
      this.incoming.get(getHeader(ack, 'Call-ID') ?? '')?.handleAck(ack, inbound.receivedAtMs);
    });
    this.transactions.onCancel((invite, _cancel, inbound) => {
      const received = this.incoming.get(getHeader(invite, 'Call-ID') ?? '');
      if (received !== undefined && received.invite === invite) received.handleCancel(inbound.receivedAtMs);
    });
  }

  /**
   * Receives new calls. Without a handler, INVITEs are answered 480. The handler gets each call
   * before any response but the transaction's own 100 (after 200 ms) has gone out: it should attach
   * a listener (`call.setListener`) and respond (trying/startRinging/answer/reject).
   */
  onIncomingCall(handler: (call: IncomingCall) => void): void {
    this.incomingHandler = handler;
  }

  /**
   * Sends an out-of-dialog OPTIONS to `target` (RFC 3261 §11) and resolves with the first final
   * response's status and round trip, or with why none came: a load run checks its target this way
   * before the first call. Any final status (even 404 or 405) proves a SIP peer is there.
   */
  probe(target: string, dest: SipEndpoint, timeoutMs: number): Promise<ProbeResult> {
    const local = this.opts.transport.local;
    const hostPort = formatHostPort(local);
    const proto = this.opts.transport.protocol.toUpperCase();
    const req = createRequest('OPTIONS', target, [
      { name: 'Via', value: `SIP/2.0/${proto} ${hostPort};branch=${generateBranch(this.opts.random)};rport` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `<sip:voiceload@${hostPort}>;tag=${generateTag(this.opts.random)}` },
      { name: 'To', value: `<${target}>` },
      { name: 'Call-ID', value: generateCallId(local.host, this.opts.random) },
      { name: 'CSeq', value: '1 OPTIONS' },
      { name: 'Accept', value: 'application/sdp' },
      { name: 'User-Agent', value: this.userAgent },
      { name: 'Content-Length', value: '0' },
    ]);
    const clock = this.opts.clock;
    const sentAt = clock.nowMs();
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: ProbeResult): void => {
        if (done) return;
        done = true;
        timer.cancel();
        resolve(r);
      };
      const timer = clock.setTimer(timeoutMs, () => finish({ ok: false, why: 'timeout' }));
      try {
        this.transactions.sendRequest(req, dest, {
          onResponse: (res, at) => {
            if (res.status >= 200) finish({ ok: true, status: res.status, rttMs: at - sentAt });
          },
          onTimeout: () => finish({ ok: false, why: 'timeout' }),
          onTransportError: (err) => finish({ ok: false, why: 'transport', message: err.message }),
        });
      } catch (e) {
        finish({ ok: false, why: 'transport', message: e instanceof Error ? e.message : String(e) });
      }
    });
  }

  /** Number of received calls the agent still routes messages to (included in `activeCalls`). */
  get activeIncomingCalls(): number {
    return this.incoming.size;
  }

  get transport(): SipTransport {
    return this.opts.transport;
  }

  /** Number of calls the agent still routes messages to. */
  get activeCalls(): number {
    return this.calls.size + this.incoming.size;
  }

  /** Runs `forget` 64·T1 after a call ended (RFC 3261 Timer J/H scale): retransmissions still find it. */
  private linger(forget: () => void): void {
    const timer = this.opts.clock.setTimer(this.transactions.timers.t1Ms * 64, () => {
      this.lingering.delete(timer);
      forget();
    });
    this.lingering.add(timer);
  }

  /** Creates and starts an outgoing call; it is forgotten once it has ended. */
  placeCall(options: PlaceCallOptions, listener: OutgoingCallListener): OutgoingCall {
    const local = this.opts.transport.local;
    const proto = this.opts.transport.protocol;
    const hostPort = formatHostPort(local);
    const transportParam = proto === 'udp' ? '' : `;transport=${proto}`;
    const call = new OutgoingCall(
      this.transactions,
      this.opts.clock,
      {
        requestUri: options.target,
        to: `<${options.target}>`,
        from: `<sip:${options.fromUser}@${hostPort}>`,
        fromTag: generateTag(this.opts.random),
        callId: options.callId ?? generateCallId(local.host, this.opts.random),
        contact: `sip:${options.fromUser}@${hostPort}${transportParam}`,
        viaSentBy: `SIP/2.0/${proto.toUpperCase()} ${hostPort}`,
        dest: options.dest,
        sdpOffer: options.sdpOffer,
        extraHeaders: options.extraHeaders ?? [],
        ringTimeoutMs: options.ringTimeoutMs,
        userAgent: this.userAgent,
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        ...(options.answerOffer === undefined ? {} : { answerOffer: options.answerOffer }),
        ...(this.opts.random === undefined ? {} : { random: this.opts.random }),
        // Keep routing for a while after the end: the far end may retransmit its BYE or our 2xx.
        onEnded: () => this.linger(() => this.calls.delete(call.callId)),
      },
      listener,
    );
    this.calls.set(call.callId, call);
    call.start();
    return call;
  }

  /** Stops every timer and closes the transport. */
  async close(): Promise<void> {
    this.transactions.close();
    for (const t of this.lingering) t.cancel();
    this.lingering.clear();
    this.calls.clear();
    for (const c of this.incoming.values()) c.dispose();
    this.incoming.clear();
    await this.opts.transport.close();
  }

  /** A new INVITE (no To-tag): authenticate it if asked to, then hand an IncomingCall to the handler. */
  private receiveInvite(req: SipRequest, stx: ServerTransaction, inbound: InboundMessage, existing: IncomingCall | undefined): void {
    const random = this.opts.random;
    if (existing !== undefined && existing.state !== 'ended') {
      // §8.2.2.2: the same Call-ID as a live call but not in its dialog: a looped or merged request.
      stx.respond(createResponse(req, 482, 'Loop Detected', [], undefined, generateTag(random)));
      return;
    }
    const handler = this.incomingHandler;
    if (handler === undefined) {
      stx.respond(createResponse(req, 480, 'Temporarily Unavailable', [], undefined, generateTag(random)));
      return;
    }
    if (!this.authenticate(req, stx)) return;
    const local = this.opts.transport.local;
    const proto = this.opts.transport.protocol;
    const hostPort = formatHostPort(local);
    const transportParam = proto === 'udp' ? '' : `;transport=${proto}`;
    const user = requestUser(req.uri);
    let call: IncomingCall;
    try {
      call = this.createIncomingCall(req, stx, inbound, `sip:${user === undefined ? '' : user + '@'}${hostPort}${transportParam}`, `SIP/2.0/${proto.toUpperCase()} ${hostPort}`);
    } catch (e) {
      // A From or Contact the dialog cannot be built from (§12.1.1 needs both).
      this.logger.debug('sip ua: INVITE refused, no dialog can be built from it', { error: String(e) });
      stx.respond(createResponse(req, 400, 'Bad Request', [], undefined, generateTag(random)));
      return;
    }
    this.incoming.set(call.callId, call);
    handler(call);
  }

  private createIncomingCall(req: SipRequest, stx: ServerTransaction, inbound: InboundMessage, contact: string, viaSentBy: string): IncomingCall {
    const random = this.opts.random;
    const call: IncomingCall = new IncomingCall(this.transactions, this.opts.clock, {
      invite: req,
      serverTx: stx,
      receivedAtMs: inbound.receivedAtMs,
      localTag: generateTag(random),
      contact,
      viaSentBy,
      userAgent: this.userAgent,
      ...(random === undefined ? {} : { random }),
      // Keep routing for a while after the end: the caller may retransmit its BYE or ACK.
      onEnded: () =>
        this.linger(() => {
          if (this.incoming.get(call.callId) === call) this.incoming.delete(call.callId);
        }),
    });
    return call;
  }

  /**
   * LiveKit-like trunk authentication: no credentials → challenge (fresh nonce, MD5, no qop); a right
   * digest over a nonce we no longer hold → challenge with stale=true; wrong credentials → 401.
   * Returns true when the INVITE may proceed.
   */
  private authenticate(req: SipRequest, stx: ServerTransaction): boolean {
    const auth = this.opts.inviteAuth;
    if (auth === undefined) return true;
    const verdict = verifyDigestAuthorization({
      headerValue: getHeader(req, auth.proxy ? 'Proxy-Authorization' : 'Authorization'),
      method: req.method,
      realm: auth.realm,
      username: auth.username,
      password: auth.password,
      nonceIsValid: (n) => this.nonces.isValid(n),
      body: req.body,
    });
    if (verdict === 'ok') return true;
    const tag = generateTag(this.opts.random);
    if (verdict === 'bad') {
      stx.respond(createResponse(req, 401, 'Unauthorized', [{ name: 'Server', value: this.userAgent }], undefined, tag));
      return false;
    }
    const stale = verdict === 'stale' ? ', stale=true' : '';
    const challenge = `Digest realm="${auth.realm}", nonce="${this.nonces.issue()}", algorithm=MD5${stale}`;
    const [status, reason, header] = auth.proxy
      ? [407, 'Proxy Authentication Required', 'Proxy-Authenticate']
      : [401, 'Unauthorized', 'WWW-Authenticate'];
    stx.respond(createResponse(req, status, reason, [{ name: header, value: challenge }, { name: 'Server', value: this.userAgent }], undefined, tag));
    return false;
  }
}

/** The To-tag of a request, if any: a new INVITE has none, an in-dialog request carries ours. */
function toTagOf(req: SipRequest): string | undefined {
  const to = getHeader(req, 'To');
  if (to === undefined) return undefined;
  try {
    const tag = parseNameAddr(to, 'To').params.tag;
    return typeof tag === 'string' ? tag : undefined;
  } catch {
    return undefined;
  }
}

/** The user part of a sip: Request-URI, reused in our Contact. */
function requestUser(uri: string): string | undefined {
  try {
    return parseUri(uri).user;
  } catch {
    return undefined;
  }
}

function formatHostPort(e: SipEndpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

import type { Clock, TimerHandle } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { generateCallId, generateTag, type RandomBytes } from '../identifiers.js';
import { getHeader, type SipHeaderField } from '../message.js';
import { TransactionLayer, createResponse, type TimerConfig } from '../transaction/index.js';
import type { SipEndpoint, SipTransport } from '../transport/transport.js';
import { OutgoingCall, type OutgoingCallListener } from './outgoingCall.js';

export interface UserAgentOptions {
  transport: SipTransport;
  clock: Clock;
  timers?: Partial<TimerConfig>;
  logger?: Logger;
  /** User-Agent header value. */
  userAgent?: string;
  random?: RandomBytes;
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
    this.transactions.onRequest((req, stx, inbound) => {
      const call = this.calls.get(getHeader(req, 'Call-ID') ?? '');
      if (call !== undefined && call.handleRequest(req, stx, inbound.receivedAtMs)) return;
      if (req.method === 'OPTIONS') {
        stx.respond(createResponse(req, 200, 'OK', [{ name: 'Allow', value: ALLOW }], undefined, generateTag(opts.random)));
        return;
      }
      stx.respond(createResponse(req, 481, 'Call/Transaction Does Not Exist', [], undefined, generateTag(opts.random)));
    });
    this.transactions.onStrayResponse((res) => {
      this.calls.get(getHeader(res, 'Call-ID') ?? '')?.handleStrayResponse(res);
    });
  }

  get transport(): SipTransport {
    return this.opts.transport;
  }

  /** Number of calls the agent still routes messages to. */
  get activeCalls(): number {
    return this.calls.size;
  }

  /** Creates and starts an outgoing call; it is forgotten once it has ended. */
  placeCall(options: PlaceCallOptions, listener: OutgoingCallListener): OutgoingCall {
    const local = this.opts.transport.local;
    const proto = this.opts.transport.protocol;
    const hostPort = formatHostPort(local);
    const transportParam = proto === 'udp' ? '' : `;transport=${proto}`;
    const forget = (): void => {
      // Keep routing for a while after the end: the far end may retransmit its BYE or our 2xx.
      const timer = this.opts.clock.setTimer(this.transactions.timers.t1Ms * 64, () => {
        this.lingering.delete(timer);
        this.calls.delete(call.callId);
      });
      this.lingering.add(timer);
    };
    const wrapped: OutgoingCallListener = {
      onAnswered: (res, at, ackAt) => listener.onAnswered(res, at, ackAt),
      onFailed: (f, at) => {
        forget();
        listener.onFailed(f, at);
      },
      onRemoteBye: (at) => {
        forget();
        listener.onRemoteBye(at);
      },
      onHungUp: (at, status) => {
        forget();
        listener.onHungUp?.(at, status);
      },
    };
    if (listener.onTrying !== undefined) wrapped.onTrying = listener.onTrying.bind(listener);
    if (listener.onRinging !== undefined) wrapped.onRinging = listener.onRinging.bind(listener);
    const call = new OutgoingCall(
      this.transactions,
      this.opts.clock,
      {
        requestUri: options.target,
        to: `<${options.target}>`,
        from: `<sip:${options.fromUser}@${hostPort}>`,
        fromTag: generateTag(this.opts.random),
        callId: generateCallId(local.host, this.opts.random),
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
      },
      wrapped,
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
    await this.opts.transport.close();
  }
}

function formatHostPort(e: SipEndpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

import type { Clock } from '../../core/clock.js';
import { VoiceloadError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { parseCSeq, type CSeq } from '../cseq.js';
import { generateTag } from '../identifiers.js';
import { getHeader, type SipMessage, type SipRequest, type SipResponse } from '../message.js';
import { parseNameAddr } from '../nameAddr.js';
import { parseVia, type Via } from '../via.js';
import { endpointKey, type InboundMessage, type SipEndpoint, type SipTransport } from '../transport/transport.js';
import { ClientInviteTransaction } from './clientInvite.js';
import { ClientNonInviteTransaction } from './clientNonInvite.js';
import { createResponse } from './createResponse.js';
import { ServerInviteTransaction } from './serverInvite.js';
import { ServerNonInviteTransaction } from './serverNonInvite.js';
import { stampReceived } from './stampReceived.js';
import { resolveTimers, type TimerConfig, type TransactionTimers } from './timerConfig.js';
import { branchOf, clientKey, MAGIC_COOKIE, serverKey } from './transactionKeys.js';
import type {
  ClientTransaction,
  ClientTransactionHandlers,
  ServerTransaction,
  TransactionContext,
  TransactionStats,
} from './transactionTypes.js';

export interface TransactionLayerOptions {
  transport: SipTransport;
  clock: Clock;
  timers?: Partial<TimerConfig>;
  logger?: Logger;
}

export type RequestHandler = (req: SipRequest, tx: ServerTransaction, inbound: InboundMessage) => void;
export type StrayAckHandler = (ack: SipRequest, inbound: InboundMessage) => void;
export type StrayResponseHandler = (res: SipResponse, inbound: InboundMessage) => void;
export type CancelHandler = (invite: SipRequest, cancel: SipRequest, inbound: InboundMessage) => void;

type ClientTx = ClientInviteTransaction | ClientNonInviteTransaction;
type ServerTx = ServerInviteTransaction | ServerNonInviteTransaction;

const EMPTY = Buffer.alloc(0);

/**
 * RFC 3261 §17 over one transport: creates client transactions for outgoing requests, matches
 * inbound responses (§17.1.3) and requests (§17.2.3) to transactions in Maps keyed by branch,
 * and hands new requests, ACKs for 2xx and unmatched responses up through callbacks.
 * Handler setters replace the previous handler (one TU per layer).
 */
export class TransactionLayer {
  readonly stats: TransactionStats = {
    clientTransactions: 0,
    serverTransactions: 0,
    retransmissionsSent: 0,
    retransmissionsReceived: 0,
    timeouts: 0,
    transportErrors: 0,
    strayResponses: 0,
    strayAcks: 0,
    unmatchable: 0,
  };
  readonly timers: TransactionTimers;
  readonly transport: SipTransport;
  private readonly clients = new Map<string, ClientTx>();
  private readonly servers = new Map<string, ServerTx>();
  private readonly ctx: TransactionContext;
  private readonly logger: Logger;
  private requestHandler: RequestHandler | undefined;
  private strayAckHandler: StrayAckHandler | undefined;
  private strayResponseHandler: StrayResponseHandler | undefined;
  private cancelHandler: CancelHandler | undefined;
  private closed = false;

  constructor(opts: TransactionLayerOptions) {
    this.transport = opts.transport;
    this.timers = resolveTimers(opts.timers);
    this.logger = opts.logger ?? silentLogger;
    const clients = this.clients;
    const servers = this.servers;
    this.ctx = {
      transport: opts.transport,
      clock: opts.clock,
      timers: this.timers,
      stats: this.stats,
      logger: this.logger,
      forgetClient: (key) => clients.delete(key),
      forgetServer: (key) => servers.delete(key),
      passAckUp: (ack, inbound) => this.deliverAck(ack, inbound),
    };
    opts.transport.onMessage((m) => this.receive(m));
    opts.transport.onError((err, dest) => this.transportError(err, dest));
  }

  get activeClientTransactions(): number {
    return this.clients.size;
  }

  get activeServerTransactions(): number {
    return this.servers.size;
  }

  /**
   * Starts a client transaction: sends `req` to `dest` and retransmits it as §17.1 says. The top Via
   * must carry a unique RFC 3261 branch (z9hG4bK...). Throws VoiceloadError 'INTERNAL' for a request
   * that cannot form a transaction (an ACK, no branch, a branch already in use).
   */
  sendRequest(req: SipRequest, dest: SipEndpoint, handlers: ClientTransactionHandlers): ClientTransaction {
    if (this.closed) throw new VoiceloadError('INTERNAL', 'transaction layer is closed');
    if (req.method === 'ACK') throw new VoiceloadError('INTERNAL', 'an ACK is not a transaction: use sendStateless');
    const viaValue = getHeader(req, 'Via');
    const branch = viaValue === undefined ? undefined : branchOf(parseVia(viaValue));
    if (branch === undefined || !branch.startsWith(MAGIC_COOKIE)) {
      throw new VoiceloadError('INTERNAL', `${req.method} needs a top Via with a ${MAGIC_COOKIE} branch`);
    }
    const key = clientKey(branch, req.method);
    if (this.clients.has(key)) throw new VoiceloadError('INTERNAL', `branch ${branch} already has a ${req.method} transaction`);
    const tx =
      req.method === 'INVITE'
        ? new ClientInviteTransaction(this.ctx, key, branch, req, dest, handlers)
        : new ClientNonInviteTransaction(this.ctx, key, branch, req, dest, handlers);
    this.clients.set(key, tx);
    this.stats.clientTransactions++;
    tx.start();
    return tx;
  }

  /** Sends outside any transaction: the ACK for a 2xx (RFC 3261 §13.2.2.4), 2xx retransmissions by a UAS core. */
  sendStateless(msg: SipMessage, dest: SipEndpoint): void {
    this.transport.send(msg, dest);
  }

  /** New requests (not retransmissions, not ACKs). Without a handler they are answered 501. */
  onRequest(handler: RequestHandler): void {
    this.requestHandler = handler;
  }

  /** ACKs that match no transaction, or an accepted INVITE (RFC 6026): ACKs for 2xx, for the dialog layer. */
  onStrayAck(handler: StrayAckHandler): void {
    this.strayAckHandler = handler;
  }

  /** Responses that match no client transaction, e.g. 2xx retransmissions after Timer M. */
  onStrayResponse(handler: StrayResponseHandler): void {
    this.strayResponseHandler = handler;
  }

  /** A CANCEL hit a pending INVITE: the layer already answered 200 to the CANCEL and 487 to the INVITE. */
  onCancel(handler: CancelHandler): void {
    this.cancelHandler = handler;
  }

  /** Cancels every timer and forgets every transaction; inbound messages are ignored afterwards. */
  close(): void {
    this.closed = true;
    for (const tx of [...this.clients.values()]) tx.cancelTimers();
    for (const tx of [...this.servers.values()]) tx.cancelTimers();
    this.clients.clear();
    this.servers.clear();
  }

  private receive(m: InboundMessage): void {
    if (this.closed) return;
    const msg = m.message;
    const viaValue = getHeader(msg, 'Via');
    const cseqValue = getHeader(msg, 'CSeq');
    let via: Via;
    let cseq: CSeq;
    try {
      if (viaValue === undefined || cseqValue === undefined) throw new Error('no Via or CSeq');
      via = parseVia(viaValue);
      cseq = parseCSeq(cseqValue);
    } catch (e) {
      this.stats.unmatchable++;
      this.logger.debug('sip transaction: dropped a message without a usable Via/CSeq', { error: String(e) });
      return;
    }
    if (msg.kind === 'response') this.receiveResponse(msg, via, cseq, m);
    else this.receiveRequest(msg, via, viaValue, cseq, m);
  }

  private receiveResponse(res: SipResponse, via: Via, cseq: CSeq, m: InboundMessage): void {
    const branch = branchOf(via);
    const tx = branch === undefined ? undefined : this.clients.get(clientKey(branch, cseq.method));
    if (tx !== undefined) {
      tx.receiveResponse(res, m.receivedAtMs);
      return;
    }
    this.stats.strayResponses++;
    this.strayResponseHandler?.(res, m);
  }

  private receiveRequest(req: SipRequest, via: Via, viaValue: string, cseq: CSeq, m: InboundMessage): void {
    const key = serverKey(req, via, viaValue, cseq.seq);
    const existing = this.servers.get(key);
    if (req.method === 'ACK') {
      if (existing instanceof ServerInviteTransaction) existing.receiveAck(req, m);
      else this.deliverAck(req, m);
      return;
    }
    if (existing !== undefined) {
      existing.receiveRetransmission();
      return;
    }
    stampReceived(req, via, m.source);
    const branch = branchOf(via) ?? '';
    const tx =
      req.method === 'INVITE'
        ? new ServerInviteTransaction(this.ctx, key, branch, req, m.source)
        : new ServerNonInviteTransaction(this.ctx, key, branch, req, m.source);
    this.servers.set(key, tx);
    this.stats.serverTransactions++;
    if (req.method === 'CANCEL') {
      this.receiveCancel(req, via, viaValue, cseq, tx, m);
      return;
    }
    if (this.requestHandler === undefined) {
      tx.respond(createResponse(req, 501, 'Not Implemented'));
      return;
    }
    this.requestHandler(req, tx, m);
  }

  /** RFC 3261 §9.2, kept minimal: CANCEL gets 200 (481 without a matching INVITE); a pending INVITE gets 487. */
  private receiveCancel(cancel: SipRequest, via: Via, viaValue: string, cseq: CSeq, tx: ServerTx, m: InboundMessage): void {
    const invite = this.servers.get(serverKey({ ...cancel, method: 'INVITE' }, via, viaValue, cseq.seq));
    if (!(invite instanceof ServerInviteTransaction)) {
      tx.respond(createResponse(cancel, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    // §9.2: the To tag of the 200 to the CANCEL SHOULD equal that of the INVITE's response.
    const toTag = this.sentToTag(invite.lastResponse) ?? generateTag();
    tx.respond(createResponse(cancel, 200, 'OK', [], EMPTY, toTag));
    if (!invite.pending) return;
    invite.respond(createResponse(invite.request, 487, 'Request Terminated', [], EMPTY, toTag));
    this.cancelHandler?.(invite.request, cancel, m);
  }

  private sentToTag(res: SipResponse | undefined): string | undefined {
    const to = res === undefined ? undefined : getHeader(res, 'To');
    if (to === undefined) return undefined;
    try {
      return parseNameAddr(to, 'To').params['tag'] ?? undefined;
    } catch {
      return undefined;
    }
  }

  private deliverAck(ack: SipRequest, m: InboundMessage): void {
    this.stats.strayAcks++;
    this.strayAckHandler?.(ack, m);
  }

  /** A transport failure towards `dest` ends every transaction that sends there (§17.1.4, §17.2.4). */
  private transportError(err: VoiceloadError, dest?: SipEndpoint): void {
    if (dest === undefined) {
      this.logger.warn('sip transport error', { error: err.message });
      return;
    }
    const key = endpointKey(dest);
    const hit: Array<ClientTx | ServerTx> = [];
    for (const tx of this.clients.values()) if (endpointKey(tx.dest) === key) hit.push(tx);
    for (const tx of this.servers.values()) if (endpointKey(tx.source) === key) hit.push(tx);
    if (hit.length === 0) this.logger.debug('sip transport error outside any transaction', { error: err.message, dest });
    for (const tx of hit) tx.transportFailed(err);
  }
}

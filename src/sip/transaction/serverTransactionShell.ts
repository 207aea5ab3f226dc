import type { VoiceloadError } from '../../core/errors.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { SipEndpoint } from '../transport/transport.js';
import type { FsmTable } from './fsm.js';
import { TransactionShell } from './transactionShell.js';
import type { ServerTransaction, TransactionContext } from './transactionTypes.js';

/**
 * What the INVITE and non-INVITE server transactions share (RFC 3261 §17.2): the request and where
 * responses go, the response being sent and the last one (re-sent on request retransmissions), and the
 * events every server transaction takes from outside.
 */
export abstract class ServerTransactionShell<S extends string, E extends string, A extends string>
  extends TransactionShell<S, E, A>
  implements ServerTransaction
{
  /** The last response sent: re-sent on retransmitted requests (and by Timer G for INVITE). */
  lastResponse: SipResponse | undefined;
  /** The response being dispatched (a field, not a closure: the hot path stays allocation-free). */
  protected response: SipResponse | undefined;

  constructor(
    table: FsmTable<S, E, A>,
    initial: S,
    ctx: TransactionContext,
    key: string,
    readonly branch: string,
    readonly request: SipRequest,
    readonly source: SipEndpoint,
    private readonly events: { retransmit: E; transportError: E },
  ) {
    super(table, initial, ctx, key);
  }

  /** Dispatches the TU's response as `event`, with the response available to the transition's actions. */
  protected dispatchTuResponse(res: SipResponse, event: E): void {
    if (res.status < 100 || res.status > 699) throw new RangeError(`response status ${res.status} is not 100-699`);
    this.response = res;
    this.dispatch(event);
    this.response = undefined;
  }

  abstract respond(res: SipResponse): void;

  receiveRetransmission(): void {
    this.ctx.stats.retransmissionsReceived++;
    this.dispatch(this.events.retransmit);
  }

  transportFailed(err: VoiceloadError): void {
    this.ctx.logger.debug(`sip server ${this.request.method} transaction: transport error`, { branch: this.branch, error: err.message });
    this.dispatch(this.events.transportError);
  }

  /** Ends the transaction without callbacks (layer shutdown). */
  cancelTimers(): void {
    this.finish();
  }

  protected sendResponse(): void {
    if (this.response === undefined) return;
    this.lastResponse = this.response;
    this.ctx.transport.send(this.response, this.source);
  }

  protected resendLast(): void {
    if (this.lastResponse === undefined) return;
    this.ctx.stats.retransmissionsSent++;
    this.ctx.transport.send(this.lastResponse, this.source);
  }

  protected reportTransportError(): void {
    this.ctx.stats.transportErrors++;
  }

  protected forget(): void {
    this.ctx.forgetServer(this.key);
  }
}

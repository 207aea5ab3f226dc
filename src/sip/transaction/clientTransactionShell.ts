import type { VoiceloadError } from '../../core/errors.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { SipEndpoint } from '../transport/transport.js';
import type { FsmTable } from './fsm.js';
import { TransactionShell } from './transactionShell.js';
import type { ClientTransaction, ClientTransactionHandlers, TransactionContext } from './transactionTypes.js';

/**
 * What the INVITE and non-INVITE client transactions share (RFC 3261 §17.1): the request and its
 * destination, the TU's handlers, and the actions that report to the TU. The input of the event being
 * dispatched is held in fields, not closures, to keep the hot path allocation-free.
 */
export abstract class ClientTransactionShell<S extends string, E extends string, A extends string>
  extends TransactionShell<S, E, A>
  implements ClientTransaction
{
  abstract readonly method: string;
  protected response: SipResponse | undefined;
  protected receivedAtMs = 0;
  private error: VoiceloadError | undefined;

  constructor(
    table: FsmTable<S, E, A>,
    initial: S,
    ctx: TransactionContext,
    key: string,
    readonly branch: string,
    readonly request: SipRequest,
    readonly dest: SipEndpoint,
    private readonly handlers: ClientTransactionHandlers,
    private readonly transportErrorEvent: E,
  ) {
    super(table, initial, ctx, key);
  }

  transportFailed(err: VoiceloadError): void {
    this.error = err;
    this.dispatch(this.transportErrorEvent);
    this.error = undefined;
  }

  cancelTimers(): void {
    this.finish();
  }

  /** Dispatches `event` with `res` available to the transition's actions. */
  protected dispatchResponse(event: E, res: SipResponse, receivedAtMs: number): void {
    this.response = res;
    this.receivedAtMs = receivedAtMs;
    this.dispatch(event);
    this.response = undefined;
  }

  protected passUp(): void {
    if (this.response !== undefined) this.handlers.onResponse(this.response, this.receivedAtMs);
  }

  protected reportTimeout(): void {
    this.ctx.stats.timeouts++;
    this.handlers.onTimeout();
  }

  protected reportTransportError(): void {
    this.ctx.stats.transportErrors++;
    if (this.error !== undefined) this.handlers.onTransportError(this.error);
  }

  protected forget(): void {
    this.ctx.forgetClient(this.key);
  }
}

import type { TimerHandle } from '../../core/clock.js';
import type { VoiceloadError } from '../../core/errors.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { SipEndpoint } from '../transport/transport.js';
import {
  SERVER_NON_INVITE_FSM,
  type ServerNonInviteAction,
  type ServerNonInviteEvent,
  type ServerNonInviteState,
} from './serverNonInviteFsm.js';
import { TransactionShell } from './transactionShell.js';
import type { ServerTransaction, TransactionContext } from './transactionTypes.js';

/** Non-INVITE server transaction (RFC 3261 §17.2.2): BYE, OPTIONS, INFO, NOTIFY, CANCEL... from the far end. */
export class ServerNonInviteTransaction
  extends TransactionShell<ServerNonInviteState, ServerNonInviteEvent, ServerNonInviteAction>
  implements ServerTransaction
{
  private timerJ: TimerHandle | undefined;
  lastResponse: SipResponse | undefined;
  private response: SipResponse | undefined;
  private readonly fireJ = (): void => this.dispatch('timerJ');

  constructor(
    ctx: TransactionContext,
    key: string,
    readonly branch: string,
    readonly request: SipRequest,
    readonly source: SipEndpoint,
  ) {
    super(SERVER_NON_INVITE_FSM, 'trying', ctx, key);
  }

  respond(res: SipResponse): void {
    if (res.status < 100 || res.status > 699) throw new RangeError(`response status ${res.status} is not 100-699`);
    this.response = res;
    this.dispatch(res.status < 200 ? 'tuProvisional' : 'tuFinal');
    this.response = undefined;
  }

  receiveRetransmission(): void {
    this.ctx.stats.retransmissionsReceived++;
    this.dispatch('requestRetransmit');
  }

  transportFailed(err: VoiceloadError): void {
    this.ctx.logger.debug('sip server transaction: transport error', { branch: this.branch, error: err.message });
    this.dispatch('transportError');
  }

  protected run(action: ServerNonInviteAction): void {
    const ctx = this.ctx;
    switch (action) {
      case 'sendResponse':
        if (this.response === undefined) return;
        this.lastResponse = this.response;
        ctx.transport.send(this.response, this.source);
        return;
      case 'resendLast':
        if (this.lastResponse === undefined) return;
        ctx.stats.retransmissionsSent++;
        ctx.transport.send(this.lastResponse, this.source);
        return;
      case 'startTimerJ':
        this.timerJ = this.arm(ctx.transport.reliable ? 0 : ctx.timers.timerJMs, 'timerJ', this.fireJ);
        return;
      case 'reportTransportError':
        ctx.stats.transportErrors++;
        return;
    }
  }

  protected clearTimers(): void {
    this.timerJ?.cancel();
    this.timerJ = undefined;
  }

  protected forget(): void {
    this.ctx.forgetServer(this.key);
  }

  cancelTimers(): void {
    this.finish();
  }
}

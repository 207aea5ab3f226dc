import type { TimerHandle } from '../../core/clock.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { SipEndpoint } from '../transport/transport.js';
import {
  SERVER_NON_INVITE_FSM,
  type ServerNonInviteAction,
  type ServerNonInviteEvent,
  type ServerNonInviteState,
} from './serverNonInviteFsm.js';
import { ServerTransactionShell } from './serverTransactionShell.js';
import type { TransactionContext } from './transactionTypes.js';

/** Non-INVITE server transaction (RFC 3261 §17.2.2): BYE, OPTIONS, INFO, NOTIFY, CANCEL... from the far end. */
export class ServerNonInviteTransaction
  extends ServerTransactionShell<ServerNonInviteState, ServerNonInviteEvent, ServerNonInviteAction>
{
  private timerJ: TimerHandle | undefined;
  private readonly fireJ = (): void => this.dispatch('timerJ');

  constructor(
    ctx: TransactionContext,
    key: string,
    branch: string,
    request: SipRequest,
    source: SipEndpoint,
  ) {
    super(SERVER_NON_INVITE_FSM, 'trying', ctx, key, branch, request, source, { retransmit: 'requestRetransmit', transportError: 'transportError' });
  }

  respond(res: SipResponse): void {
    this.dispatchTuResponse(res, res.status < 200 ? 'tuProvisional' : 'tuFinal');
  }

  protected run(action: ServerNonInviteAction): void {
    const ctx = this.ctx;
    switch (action) {
      case 'sendResponse':
        this.sendResponse();
        return;
      case 'resendLast':
        this.resendLast();
        return;
      case 'startTimerJ':
        this.timerJ = this.arm(ctx.transport.reliable ? 0 : ctx.timers.timerJMs, 'timerJ', this.fireJ);
        return;
      case 'reportTransportError':
        this.reportTransportError();
        return;
    }
  }

  protected clearTimers(): void {
    this.timerJ?.cancel();
    this.timerJ = undefined;
  }
}

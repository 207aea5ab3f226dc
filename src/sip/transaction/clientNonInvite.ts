import type { TimerHandle } from '../../core/clock.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { SipEndpoint } from '../transport/transport.js';
import {
  CLIENT_NON_INVITE_FSM,
  type ClientNonInviteAction,
  type ClientNonInviteEvent,
  type ClientNonInviteState,
} from './clientNonInviteFsm.js';
import { ClientTransactionShell } from './clientTransactionShell.js';
import type { ClientTransactionHandlers, TransactionContext } from './transactionTypes.js';

/** Non-INVITE client transaction (RFC 3261 §17.1.2): BYE, CANCEL, OPTIONS, INFO, REGISTER... */
export class ClientNonInviteTransaction
  extends ClientTransactionShell<ClientNonInviteState, ClientNonInviteEvent, ClientNonInviteAction>
{
  readonly method: string;
  private timerE: TimerHandle | undefined;
  private timerF: TimerHandle | undefined;
  private timerK: TimerHandle | undefined;
  private intervalEMs: number;
  private readonly fireE = (): void => this.dispatch('timerE');
  private readonly fireF = (): void => this.dispatch('timerF');
  private readonly fireK = (): void => this.dispatch('timerK');

  constructor(
    ctx: TransactionContext,
    key: string,
    branch: string,
    request: SipRequest,
    dest: SipEndpoint,
    handlers: ClientTransactionHandlers,
  ) {
    super(CLIENT_NON_INVITE_FSM, 'trying', ctx, key, branch, request, dest, handlers, 'transportError');
    this.method = request.method;
    this.intervalEMs = ctx.timers.timerEMs;
  }

  start(): void {
    this.ctx.transport.send(this.request, this.dest);
    if (!this.ctx.transport.reliable) this.timerE = this.ctx.clock.setTimer(this.intervalEMs, this.fireE);
    this.timerF = this.ctx.clock.setTimer(this.ctx.timers.timerFMs, this.fireF);
  }

  receiveResponse(res: SipResponse, receivedAtMs: number): void {
    if (this.state === 'completed') this.ctx.stats.retransmissionsReceived++;
    this.dispatchResponse(res.status < 200 ? 'provisional' : 'final', res, receivedAtMs);
  }

  protected run(action: ClientNonInviteAction): void {
    const ctx = this.ctx;
    switch (action) {
      case 'retransmitBackoff':
        this.intervalEMs = Math.min(this.intervalEMs * 2, ctx.timers.t2Ms);
        this.retransmit();
        return;
      case 'retransmitAtT2':
        this.intervalEMs = ctx.timers.t2Ms;
        this.retransmit();
        return;
      case 'stopTimerE':
        this.timerE?.cancel();
        this.timerE = undefined;
        return;
      case 'stopTimerF':
        this.timerF?.cancel();
        this.timerF = undefined;
        return;
      case 'startTimerK':
        this.timerK = this.arm(ctx.transport.reliable ? 0 : ctx.timers.timerKMs, 'timerK', this.fireK);
        return;
      case 'passUp':
        this.passUp();
        return;
      case 'reportTimeout':
        this.reportTimeout();
        return;
      case 'reportTransportError':
        this.reportTransportError();
        return;
    }
  }

  private retransmit(): void {
    this.ctx.stats.retransmissionsSent++;
    this.ctx.transport.send(this.request, this.dest);
    this.timerE = this.ctx.clock.setTimer(this.intervalEMs, this.fireE);
  }

  protected clearTimers(): void {
    this.timerE?.cancel();
    this.timerF?.cancel();
    this.timerK?.cancel();
    this.timerE = this.timerF = this.timerK = undefined;
  }
}

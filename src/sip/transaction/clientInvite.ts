import type { TimerHandle } from '../../core/clock.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { SipEndpoint } from '../transport/transport.js';
import {
  CLIENT_INVITE_FSM,
  type ClientInviteAction,
  type ClientInviteEvent,
  type ClientInviteState,
} from './clientInviteFsm.js';
import { buildNon2xxAck } from './non2xxAck.js';
import { ClientTransactionShell } from './clientTransactionShell.js';
import type { ClientTransactionHandlers, TransactionContext } from './transactionTypes.js';

/** INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §8.4). Behaviour lives in CLIENT_INVITE_FSM. */
export class ClientInviteTransaction
  extends ClientTransactionShell<ClientInviteState, ClientInviteEvent, ClientInviteAction>
{
  readonly method = 'INVITE';
  private timerA: TimerHandle | undefined;
  private timerB: TimerHandle | undefined;
  private timerD: TimerHandle | undefined;
  private timerM: TimerHandle | undefined;
  private intervalAMs: number;
  private ack: SipRequest | undefined;
  private readonly fireA = (): void => this.dispatch('timerA');
  private readonly fireB = (): void => this.dispatch('timerB');
  private readonly fireD = (): void => this.dispatch('timerD');
  private readonly fireM = (): void => this.dispatch('timerM');

  constructor(
    ctx: TransactionContext,
    key: string,
    branch: string,
    request: SipRequest,
    dest: SipEndpoint,
    handlers: ClientTransactionHandlers,
  ) {
    super(CLIENT_INVITE_FSM, 'calling', ctx, key, branch, request, dest, handlers, 'transportError');
    this.intervalAMs = ctx.timers.timerAMs;
  }

  /** Sends the INVITE and arms Timer A (unreliable transports only) and Timer B. */
  start(): void {
    this.ctx.transport.send(this.request, this.dest);
    if (!this.ctx.transport.reliable) this.timerA = this.ctx.clock.setTimer(this.intervalAMs, this.fireA);
    this.timerB = this.ctx.clock.setTimer(this.ctx.timers.timerBMs, this.fireB);
  }

  receiveResponse(res: SipResponse, receivedAtMs: number): void {
    if (this.state === 'completed' || this.state === 'accepted') this.ctx.stats.retransmissionsReceived++;
    this.dispatchResponse(res.status < 200 ? 'provisional' : res.status < 300 ? 'success' : 'failure', res, receivedAtMs);
  }

  protected run(action: ClientInviteAction): void {
    const ctx = this.ctx;
    switch (action) {
      case 'retransmit':
        ctx.stats.retransmissionsSent++;
        ctx.transport.send(this.request, this.dest);
        this.intervalAMs *= 2; // §17.1.1.2: doubles without the T2 cap
        this.timerA = ctx.clock.setTimer(this.intervalAMs, this.fireA);
        return;
      case 'stopTimerA':
        this.timerA?.cancel();
        this.timerA = undefined;
        return;
      case 'stopTimerB':
        this.timerB?.cancel();
        this.timerB = undefined;
        return;
      case 'passUp':
        this.passUp();
        return;
      case 'sendAck':
        if (this.ack === undefined) {
          if (this.response === undefined) return;
          this.ack = buildNon2xxAck(this.request, this.response);
        } else {
          ctx.stats.retransmissionsSent++;
        }
        ctx.transport.send(this.ack, this.dest);
        return;
      case 'startTimerD':
        this.timerD = this.arm(ctx.transport.reliable ? 0 : ctx.timers.timerDMs, 'timerD', this.fireD);
        return;
      case 'startTimerM':
        this.timerM = this.arm(ctx.timers.timerMMs, 'timerM', this.fireM);
        return;
      case 'reportTimeout':
        this.reportTimeout();
        return;
      case 'reportTransportError':
        this.reportTransportError();
        return;
    }
  }

  protected clearTimers(): void {
    this.timerA?.cancel();
    this.timerB?.cancel();
    this.timerD?.cancel();
    this.timerM?.cancel();
    this.timerA = this.timerB = this.timerD = this.timerM = undefined;
  }
}

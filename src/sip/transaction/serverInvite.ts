import type { TimerHandle } from '../../core/clock.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { InboundMessage, SipEndpoint } from '../transport/transport.js';
import { createResponse } from './createResponse.js';
import {
  SERVER_INVITE_FSM,
  type ServerInviteAction,
  type ServerInviteEvent,
  type ServerInviteState,
} from './serverInviteFsm.js';
import { ServerTransactionShell } from './serverTransactionShell.js';
import type { TransactionContext } from './transactionTypes.js';

/** INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §7.1): initial INVITEs and re-INVITEs from the far end. */
export class ServerInviteTransaction
  extends ServerTransactionShell<ServerInviteState, ServerInviteEvent, ServerInviteAction>
{
  private timerTrying: TimerHandle | undefined;
  private timerG: TimerHandle | undefined;
  private timerH: TimerHandle | undefined;
  private timerI: TimerHandle | undefined;
  private timerL: TimerHandle | undefined;
  private intervalGMs: number;
  private ack: SipRequest | undefined;
  private ackInbound: InboundMessage | undefined;
  private readonly fireTrying = (): void => this.dispatch('timerTrying');
  private readonly fireG = (): void => this.dispatch('timerG');
  private readonly fireH = (): void => this.dispatch('timerH');
  private readonly fireI = (): void => this.dispatch('timerI');
  private readonly fireL = (): void => this.dispatch('timerL');

  constructor(
    ctx: TransactionContext,
    key: string,
    branch: string,
    request: SipRequest,
    source: SipEndpoint,
  ) {
    super(SERVER_INVITE_FSM, 'proceeding', ctx, key, branch, request, source, { retransmit: 'requestRetransmit', transportError: 'transportError' });
    this.intervalGMs = ctx.timers.timerGMs;
    this.timerTrying = ctx.clock.setTimer(ctx.timers.tryingMs, this.fireTrying);
  }

  respond(res: SipResponse): void {
    this.dispatchTuResponse(res, res.status < 200 ? 'tuProvisional' : res.status < 300 ? 'tuSuccess' : 'tuFailure');
  }

  receiveAck(ack: SipRequest, inbound: InboundMessage): void {
    this.ack = ack;
    this.ackInbound = inbound;
    this.dispatch('ack');
    this.ack = undefined;
    this.ackInbound = undefined;
  }

  /** True while no final response has been sent (a CANCEL can still take effect, RFC 3261 §9.2). */
  get pending(): boolean {
    return this.state === 'proceeding';
  }

  protected run(action: ServerInviteAction): void {
    const ctx = this.ctx;
    switch (action) {
      case 'sendResponse':
        this.sendResponse();
        return;
      case 'resendLast':
        this.resendLast();
        return;
      case 'sendTrying':
        this.timerTrying = undefined;
        this.lastResponse = createResponse(this.request, 100, 'Trying');
        ctx.transport.send(this.lastResponse, this.source);
        return;
      case 'stopTrying':
        this.timerTrying?.cancel();
        this.timerTrying = undefined;
        return;
      case 'startTimersGH':
        if (!ctx.transport.reliable) this.timerG = ctx.clock.setTimer(this.intervalGMs, this.fireG);
        this.timerH = ctx.clock.setTimer(ctx.timers.timerHMs, this.fireH);
        return;
      case 'retransmitBackoff':
        this.resendLast();
        this.intervalGMs = Math.min(this.intervalGMs * 2, ctx.timers.t2Ms);
        this.timerG = ctx.clock.setTimer(this.intervalGMs, this.fireG);
        return;
      case 'stopTimersGH':
        this.timerG?.cancel();
        this.timerH?.cancel();
        this.timerG = this.timerH = undefined;
        return;
      case 'startTimerI':
        this.timerI = this.arm(ctx.transport.reliable ? 0 : ctx.timers.timerIMs, 'timerI', this.fireI);
        return;
      case 'startTimerL':
        this.timerL = this.arm(ctx.timers.timerLMs, 'timerL', this.fireL);
        return;
      case 'passAckUp':
        if (this.ack !== undefined && this.ackInbound !== undefined) ctx.passAckUp(this.ack, this.ackInbound);
        return;
      case 'reportTimeout':
        // Timer H: the far end never ACKed our non-2xx final. Nothing above cares beyond the count.
        ctx.stats.timeouts++;
        ctx.logger.debug('sip server INVITE transaction: no ACK before Timer H', { branch: this.branch });
        return;
      case 'reportTransportError':
        this.reportTransportError();
        return;
    }
  }

  protected clearTimers(): void {
    this.timerTrying?.cancel();
    this.timerG?.cancel();
    this.timerH?.cancel();
    this.timerI?.cancel();
    this.timerL?.cancel();
    this.timerTrying = this.timerG = this.timerH = this.timerI = this.timerL = undefined;
  }
}

import type { Clock, TimerHandle } from '../../core/clock.js';

export interface SuccessRetransmitterOptions {
  clock: Clock;
  t1Ms: number;
  t2Ms: number;
  /** Sends the 2xx once more. */
  resend: () => void;
  /** 64·T1 passed without an ACK. */
  onGiveUp: () => void;
}

/**
 * The UAS core's 2xx retransmission (RFC 3261 §13.3.1.4, RFC 6026 §8.1): the INVITE server transaction
 * hands a 2xx to the transport once and then leaves it to us, so until the ACK arrives the 2xx is re-sent
 * after T1, 2·T1, 4·T1, … capped at T2, and after 64·T1 without an ACK we give up.
 * Started right after the first send; `stop()` on the ACK (or when the call ends otherwise).
 */
export class SuccessRetransmitter {
  /** 2xx re-sent so far (the first send not counted). */
  retransmissions = 0;
  private timer: TimerHandle | undefined;
  private intervalMs: number;
  private readonly deadlineMs: number;
  private stopped = false;

  constructor(private readonly opts: SuccessRetransmitterOptions) {
    this.intervalMs = opts.t1Ms;
    this.deadlineMs = opts.clock.nowMs() + 64 * opts.t1Ms;
    this.schedule();
  }

  get active(): boolean {
    return !this.stopped;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(): void {
    const now = this.opts.clock.nowMs();
    const untilDeadline = this.deadlineMs - now;
    if (this.intervalMs >= untilDeadline) {
      this.timer = this.opts.clock.setTimer(untilDeadline, () => this.giveUp());
      return;
    }
    this.timer = this.opts.clock.setTimer(this.intervalMs, () => {
      if (this.stopped) return;
      this.retransmissions++;
      this.opts.resend();
      this.intervalMs = Math.min(this.intervalMs * 2, this.opts.t2Ms);
      this.schedule();
    });
  }

  private giveUp(): void {
    if (this.stopped) return;
    this.stop();
    this.opts.onGiveUp();
  }
}

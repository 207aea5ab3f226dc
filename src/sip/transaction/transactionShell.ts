import type { TimerHandle } from '../../core/clock.js';
import type { FsmTable } from './fsm.js';
import type { TransactionContext } from './transactionTypes.js';

/**
 * The machinery every §17 transaction shares: it looks events up in its table, runs the actions in
 * order through `run`, and on reaching 'terminated' cancels its timers and leaves the layer's map.
 * A timer armed with 0 ms (Timers D/I/J/K on a reliable transport) fires synchronously once the
 * current transition's actions are done, instead of going through the clock.
 */
export abstract class TransactionShell<S extends string, E extends string, A extends string> {
  state: S;
  /** True once terminated (by the table or by a quiet cancel): later inputs are ignored. */
  protected done = false;
  private pendingEvent: E | undefined;

  constructor(
    private readonly table: FsmTable<S, E, A>,
    initial: S,
    protected readonly ctx: TransactionContext,
    /** This transaction's key in the layer's map. */
    readonly key: string,
  ) {
    this.state = initial;
  }

  protected abstract run(action: A): void;
  protected abstract clearTimers(): void;
  protected abstract forget(): void;

  protected dispatch(event: E): void {
    if (this.done) return;
    const t = this.table[this.state][event];
    if (t === undefined) return;
    this.state = t.next;
    const terminal = t.next === 'terminated';
    if (terminal) this.finish();
    for (const action of t.actions) {
      // A TU callback may have cancelled the transaction half-way through a transition.
      if (this.done && !terminal) return;
      this.run(action);
    }
    const pending = this.pendingEvent;
    if (pending !== undefined) {
      this.pendingEvent = undefined;
      this.dispatch(pending);
    }
  }

  /** Starts a timer, or queues its event for right after this transition when the delay is 0. */
  protected arm(delayMs: number, event: E, fire: () => void): TimerHandle | undefined {
    if (delayMs <= 0) {
      this.pendingEvent = event;
      return undefined;
    }
    return this.ctx.clock.setTimer(delayMs, fire);
  }

  /** Terminates without callbacks. */
  protected finish(): void {
    if (this.done) return;
    this.done = true;
    this.state = 'terminated' as S;
    this.pendingEvent = undefined;
    this.clearTimers();
    this.forget();
  }
}

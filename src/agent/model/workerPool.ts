import type { Clock, TimerHandle } from '../../core/clock.js';
import { VoiceloadError } from '../../core/errors.js';

/** A job slot held by one call for its whole life. */
export interface WorkerSlot {
  workerIndex: number;
  /** How long the call waited for the slot (0 when one was free). */
  waitedMs: number;
  /** Gives the slot back (idempotent); the longest waiter gets it. */
  release(): void;
}

export interface SlotRequest {
  /** Resolves with a slot, or rejects with AGENT_NO_WORKER after maxWaitMs (AGENT_CANCELLED on cancel). */
  readonly slot: Promise<WorkerSlot>;
  /** Stops waiting; if the slot was already granted, releases it. No-op once rejected. */
  cancel(): void;
}

export interface WorkerPoolOptions {
  clock: Clock;
  /** Number of worker processes (LiveKit Agents workers). */
  workers: number;
  /** Concurrent jobs (calls) each worker accepts. */
  jobsPerWorker: number;
  /** How long a call may wait for a free slot before it is rejected; 0 rejects at once. */
  maxWaitMs: number;
}

export interface WorkerPoolStats {
  busySlots: number;
  totalSlots: number;
  waiting: number;
  granted: number;
  rejected: number;
  cancelled: number;
  perWorkerBusy: number[];
}

interface Waiter {
  state: 'waiting' | 'granted' | 'settled';
  requestedAtMs: number;
  timer: TimerHandle | undefined;
  granted: WorkerSlot | undefined;
  resolve: (s: WorkerSlot) => void;
  reject: (e: VoiceloadError) => void;
}

/**
 * N workers × M concurrent jobs, LiveKit Agents style: a new job goes to the least-loaded worker;
 * when every slot is busy the call waits in FIFO order (while it keeps ringing) up to maxWaitMs.
 */
export class WorkerPool {
  private readonly clock: Clock;
  private readonly jobsPerWorker: number;
  private readonly maxWaitMs: number;
  private readonly busy: number[];
  private readonly waiters = new Set<Waiter>();
  private busyTotal = 0;
  private granted = 0;
  private rejected = 0;
  private cancelled = 0;

  constructor(opts: WorkerPoolOptions) {
    for (const [k, v] of [
      ['workers', opts.workers],
      ['jobsPerWorker', opts.jobsPerWorker],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new VoiceloadError('CONFIG', `worker pool: ${k} must be an integer ≥ 1, got ${v}`);
    }
    if (!(opts.maxWaitMs >= 0)) throw new VoiceloadError('CONFIG', `worker pool: maxWaitMs must be ≥ 0, got ${opts.maxWaitMs}`);
    this.clock = opts.clock;
    this.jobsPerWorker = opts.jobsPerWorker;
    this.maxWaitMs = opts.maxWaitMs;
    this.busy = new Array<number>(opts.workers).fill(0);
  }

  acquire(): SlotRequest {
    let resolve!: (s: WorkerSlot) => void;
    let reject!: (e: VoiceloadError) => void;
    const slot = new Promise<WorkerSlot>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    slot.catch(() => undefined); // an un-awaited cancel must not become an unhandled rejection
    const w: Waiter = { state: 'waiting', requestedAtMs: this.clock.nowMs(), timer: undefined, granted: undefined, resolve, reject };
    if (this.waiters.size === 0 && this.busyTotal < this.totalSlots()) {
      this.grant(w);
    } else if (this.maxWaitMs <= 0) {
      this.reject(w);
    } else {
      this.waiters.add(w);
      w.timer = this.clock.setTimer(this.maxWaitMs, () => {
        w.timer = undefined;
        this.waiters.delete(w);
        this.reject(w);
      });
    }
    return { slot, cancel: () => this.cancel(w) };
  }

  stats(): WorkerPoolStats {
    return {
      busySlots: this.busyTotal,
      totalSlots: this.totalSlots(),
      waiting: this.waiters.size,
      granted: this.granted,
      rejected: this.rejected,
      cancelled: this.cancelled,
      perWorkerBusy: [...this.busy],
    };
  }

  private totalSlots(): number {
    return this.busy.length * this.jobsPerWorker;
  }

  private reject(w: Waiter): void {
    w.state = 'settled';
    this.rejected++;
    w.reject(
      new VoiceloadError('AGENT_NO_WORKER', `no worker slot free within ${this.maxWaitMs} ms (${this.totalSlots()} slots busy)`, {
        retryable: true,
      }),
    );
  }

  private grant(w: Waiter): void {
    let index = 0;
    for (let i = 1; i < this.busy.length; i++) if (this.busy[i]! < this.busy[index]!) index = i;
    this.busy[index]!++;
    this.busyTotal++;
    this.granted++;
    w.timer?.cancel();
    w.timer = undefined;
    w.state = 'granted';
    let released = false;
    const slot: WorkerSlot = {
      workerIndex: index,
      waitedMs: this.clock.nowMs() - w.requestedAtMs,
      release: () => {
        if (released) return;
        released = true;
        w.state = 'settled';
        this.busy[index]!--;
        this.busyTotal--;
        this.drain();
      },
    };
    w.granted = slot;
    w.resolve(slot);
  }

  private drain(): void {
    while (this.busyTotal < this.totalSlots()) {
      const next = this.waiters.values().next();
      if (next.done === true) return;
      this.waiters.delete(next.value);
      this.grant(next.value);
    }
  }

  private cancel(w: Waiter): void {
    if (w.state === 'granted') {
      w.granted?.release();
      return;
    }
    if (w.state !== 'waiting') return;
    w.state = 'settled';
    w.timer?.cancel();
    w.timer = undefined;
    this.waiters.delete(w);
    this.cancelled++;
    w.reject(new VoiceloadError('AGENT_CANCELLED', 'cancelled while waiting for a worker slot'));
  }
}

import type { Clock, TimerHandle } from '../../core/clock.js';
import { VoiceloadError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { LatencyDistribution } from './latencyDistribution.js';
import { TokenBucket } from './tokenBucket.js';

/** When one simulated provider call was asked for, started, and finished (clock milliseconds). */
export interface StageTiming {
  stage: string;
  enqueuedAtMs: number;
  startedAtMs: number;
  doneAtMs: number;
  /** startedAtMs − enqueuedAtMs: rate-limit back-off plus the wait for a concurrency slot. */
  queueWaitMs: number;
  serviceMs: number;
  rateLimitedRetries: number;
}

/** One pending provider call. */
export interface StageRequest {
  readonly done: Promise<StageTiming>;
  /** Leaves the queue or frees the slot; `done` then rejects with AGENT_CANCELLED. No-op once settled. */
  cancel(): void;
}

export interface StageRateLimit {
  requests: number;
  perMs: number;
  /** Back-off after a 429 before the request tries again (like a Retry-After header). */
  retryAfterMs: number;
}

export interface StageResourceOptions {
  name: string;
  clock: Clock;
  rng: Rng;
  latency: LatencyDistribution;
  concurrency: number;
  /** Most requests allowed to wait (rate-limited or queued); one more is rejected with AGENT_QUEUE_FULL. */
  queueLimit?: number | undefined;
  rateLimit?: StageRateLimit | undefined;
}

export interface StageStats {
  active: number;
  /** Requests not yet started: waiting for a slot plus backing off after a 429. */
  queued: number;
  /** Of `queued`, those backing off after a 429. */
  rateLimited: number;
  completed: number;
  rejected: number;
  cancelled: number;
  rateLimitedRetries: number;
  /** Sum of queueWaitMs over the requests that started. */
  queueWaitMsTotal: number;
  /** Sum of serviceMs over the requests that completed. */
  serviceMsTotal: number;
}

type EntryState = 'rateLimited' | 'queued' | 'active' | 'settled';

interface Entry {
  state: EntryState;
  enqueuedAtMs: number;
  startedAtMs: number;
  retries: number;
  timer: TimerHandle | undefined;
  resolve: (t: StageTiming) => void;
  reject: (e: VoiceloadError) => void;
}

/**
 * A shared provider stage (STT, LLM or TTS) as a queueing station: a rate limit at the door (token
 * bucket; no token → "429", back off retryAfterMs and try again), then a FIFO queue in front of
 * `concurrency` servers whose service time is drawn from the latency distribution. Queueing delay
 * therefore grows with load the way it does in front of a throttled provider.
 */
export class StageResource {
  readonly name: string;
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly latency: LatencyDistribution;
  private readonly concurrency: number;
  private readonly queueLimit: number | undefined;
  private readonly retryAfterMs: number;
  private readonly bucket: TokenBucket | undefined;
  /** Insertion-ordered: FIFO with O(1) removal on cancel. */
  private readonly queue = new Set<Entry>();
  private active = 0;
  private rateLimited = 0;
  private completed = 0;
  private rejected = 0;
  private cancelled = 0;
  private retries = 0;
  private queueWaitMsTotal = 0;
  private serviceMsTotal = 0;

  constructor(opts: StageResourceOptions) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
      throw new VoiceloadError('CONFIG', `stage ${opts.name}: concurrency must be an integer ≥ 1, got ${opts.concurrency}`);
    }
    if (opts.queueLimit !== undefined && !(Number.isInteger(opts.queueLimit) && opts.queueLimit >= 0)) {
      throw new VoiceloadError('CONFIG', `stage ${opts.name}: queueLimit must be an integer ≥ 0, got ${opts.queueLimit}`);
    }
    if (opts.rateLimit !== undefined && !(opts.rateLimit.requests > 0 && opts.rateLimit.perMs > 0 && opts.rateLimit.retryAfterMs > 0)) {
      throw new VoiceloadError('CONFIG', `stage ${opts.name}: rateLimit needs requests, perMs and retryAfterMs > 0`);
    }
    this.name = opts.name;
    this.clock = opts.clock;
    this.rng = opts.rng;
    this.latency = opts.latency;
    this.concurrency = opts.concurrency;
    this.queueLimit = opts.queueLimit;
    this.retryAfterMs = opts.rateLimit?.retryAfterMs ?? 0;
    this.bucket =
      opts.rateLimit === undefined
        ? undefined
        : new TokenBucket({ clock: opts.clock, requests: opts.rateLimit.requests, perMs: opts.rateLimit.perMs });
  }

  /** Asks the simulated provider for one call; `done` resolves when it completes. */
  request(): StageRequest {
    let resolve!: (t: StageTiming) => void;
    let reject!: (e: VoiceloadError) => void;
    const done = new Promise<StageTiming>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A caller that cancels and never awaits must not crash the process with an unhandled rejection;
    // callers that do await still see the rejection.
    done.catch(() => undefined);
    const entry: Entry = {
      state: 'queued',
      enqueuedAtMs: this.clock.nowMs(),
      startedAtMs: Number.NaN,
      retries: 0,
      timer: undefined,
      resolve,
      reject,
    };
    const startsNow = this.active < this.concurrency && this.queue.size === 0 && (this.bucket?.available() ?? true);
    if (!startsNow && this.queueLimit !== undefined && this.waiting() >= this.queueLimit) {
      this.rejected++;
      entry.state = 'settled';
      reject(
        new VoiceloadError('AGENT_QUEUE_FULL', `stage ${this.name}: queue full (${this.queueLimit} waiting)`, {
          retryable: true,
        }),
      );
    } else {
      this.admit(entry);
    }
    return { done, cancel: () => this.cancel(entry) };
  }

  stats(): StageStats {
    return {
      active: this.active,
      queued: this.waiting(),
      rateLimited: this.rateLimited,
      completed: this.completed,
      rejected: this.rejected,
      cancelled: this.cancelled,
      rateLimitedRetries: this.retries,
      queueWaitMsTotal: this.queueWaitMsTotal,
      serviceMsTotal: this.serviceMsTotal,
    };
  }

  private waiting(): number {
    return this.queue.size + this.rateLimited;
  }

  /** Rate gate, then a slot or the FIFO queue. */
  private admit(entry: Entry): void {
    if (this.bucket !== undefined && !this.bucket.tryTake()) {
      // 429: back off and knock again.
      entry.state = 'rateLimited';
      entry.retries++;
      this.retries++;
      this.rateLimited++;
      entry.timer = this.clock.setTimer(this.retryAfterMs, () => {
        entry.timer = undefined;
        this.rateLimited--;
        this.admit(entry);
      });
      return;
    }
    entry.state = 'queued';
    this.queue.add(entry);
    this.pump();
  }

  private pump(): void {
    while (this.active < this.concurrency) {
      const next = this.queue.values().next();
      if (next.done === true) return;
      this.queue.delete(next.value);
      this.start(next.value);
    }
  }

  private start(entry: Entry): void {
    entry.state = 'active';
    entry.startedAtMs = this.clock.nowMs();
    this.active++;
    this.queueWaitMsTotal += entry.startedAtMs - entry.enqueuedAtMs;
    const serviceMs = this.latency.sampleMs(this.rng);
    entry.timer = this.clock.setTimer(serviceMs, () => this.finish(entry));
  }

  private finish(entry: Entry): void {
    entry.timer = undefined;
    entry.state = 'settled';
    this.active--;
    this.completed++;
    const doneAtMs = this.clock.nowMs();
    const serviceMs = doneAtMs - entry.startedAtMs;
    this.serviceMsTotal += serviceMs;
    entry.resolve({
      stage: this.name,
      enqueuedAtMs: entry.enqueuedAtMs,
      startedAtMs: entry.startedAtMs,
      doneAtMs,
      queueWaitMs: entry.startedAtMs - entry.enqueuedAtMs,
      serviceMs,
      rateLimitedRetries: entry.retries,
    });
    this.pump();
  }

  private cancel(entry: Entry): void {
    const was = entry.state;
    if (was === 'settled') return;
    entry.state = 'settled';
    entry.timer?.cancel();
    entry.timer = undefined;
    if (was === 'rateLimited') this.rateLimited--;
    else if (was === 'queued') this.queue.delete(entry);
    else this.active--;
    this.cancelled++;
    entry.reject(new VoiceloadError('AGENT_CANCELLED', `stage ${this.name}: request cancelled`));
    if (was === 'active') this.pump();
  }
}

import type { Clock } from '../../core/clock.js';

export interface TokenBucketOptions {
  clock: Clock;
  /** Bucket size and refill amount: `requests` tokens per `perMs`. */
  requests: number;
  perMs: number;
}

/**
 * A provider-style rate limit: `requests` per `perMs`, refilled continuously, bursts up to `requests`.
 * Tokens are counted in units of 1/perMs so integer-millisecond clocks never meet rounding
 * (a refill of 500 ms at 2 per second gives exactly one token, not 0.9999…).
 */
export class TokenBucket {
  private readonly clock: Clock;
  private readonly requests: number;
  private readonly perMs: number;
  private readonly capacity: number;
  private level: number;
  private lastMs: number;

  constructor(opts: TokenBucketOptions) {
    if (!(opts.requests > 0) || !(opts.perMs > 0)) throw new RangeError('token bucket needs requests > 0 and perMs > 0');
    this.clock = opts.clock;
    this.requests = opts.requests;
    this.perMs = opts.perMs;
    this.capacity = opts.requests * opts.perMs;
    this.level = this.capacity;
    this.lastMs = opts.clock.nowMs();
  }

  /** Whether a token is available now (does not take it). */
  available(): boolean {
    this.refill();
    return this.level >= this.perMs;
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    if (!this.available()) return false;
    this.level -= this.perMs;
    return true;
  }

  /** Tokens available now (fractional). */
  tokens(): number {
    this.refill();
    return this.level / this.perMs;
  }

  private refill(): void {
    const now = this.clock.nowMs();
    if (now > this.lastMs) {
      this.level = Math.min(this.capacity, this.level + (now - this.lastMs) * this.requests);
      this.lastMs = now;
    }
  }
}

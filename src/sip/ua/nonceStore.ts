import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { RandomBytes } from '../identifiers.js';

export interface NonceStoreOptions {
  clock: Clock;
  /** How long a challenge's nonce is accepted; default 5 minutes. */
  ttlMs?: number;
  /** At most this many live nonces; the oldest is dropped first. Default 10,000. */
  maxEntries?: number;
  random?: RandomBytes;
}

/**
 * The nonces a UAS issued in Digest challenges (RFC 2617 §3.2.1): random per challenge, accepted for a
 * while, bounded in number so a flood of unanswered INVITEs cannot grow memory.
 */
export class NonceStore {
  private readonly issued = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(private readonly opts: NonceStoreOptions) {
    this.ttlMs = opts.ttlMs ?? 300_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  get size(): number {
    return this.issued.size;
  }

  issue(): string {
    const nonce = (this.opts.random ?? randomBytes)(16).toString('hex');
    const now = this.opts.clock.nowMs();
    this.evict(now);
    // A Map iterates in insertion order: the first key is the oldest nonce.
    while (this.issued.size >= this.maxEntries) {
      const oldest = this.issued.keys().next();
      if (oldest.done === true) break;
      this.issued.delete(oldest.value);
    }
    this.issued.set(nonce, now + this.ttlMs);
    return nonce;
  }

  isValid(nonce: string): boolean {
    const expires = this.issued.get(nonce);
    if (expires === undefined) return false;
    if (expires <= this.opts.clock.nowMs()) {
      this.issued.delete(nonce);
      return false;
    }
    return true;
  }

  /** Drops expired nonces from the front (they expire in issue order). */
  private evict(now: number): void {
    for (const [nonce, expires] of this.issued) {
      if (expires > now) return;
      this.issued.delete(nonce);
    }
  }
}

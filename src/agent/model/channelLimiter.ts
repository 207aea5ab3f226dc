import { VoiceloadError } from '../../core/errors.js';

export interface ChannelLimiterStats {
  active: number;
  limit: number;
  rejected: number;
}

/**
 * A SIP trunk's channel limit: at most `limit` calls at once; the next INVITE is refused at once
 * (the caller answers it with 486 or 503) and counted. No queue: trunks do not hold calls.
 */
export class ChannelLimiter {
  private readonly limit: number;
  private active = 0;
  private rejected = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 0) throw new VoiceloadError('CONFIG', `trunk channels must be an integer ≥ 0, got ${limit}`);
    this.limit = limit;
  }

  /** Takes a channel if one is free; otherwise counts a rejection and returns false. */
  tryAcquire(): boolean {
    if (this.active >= this.limit) {
      this.rejected++;
      return false;
    }
    this.active++;
    return true;
  }

  /** Returns a channel taken by a successful tryAcquire. */
  release(): void {
    if (this.active === 0) throw new VoiceloadError('INTERNAL', 'trunk channel released more often than acquired');
    this.active--;
  }

  stats(): ChannelLimiterStats {
    return { active: this.active, limit: this.limit, rejected: this.rejected };
  }
}

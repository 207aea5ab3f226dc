import { VoiceloadError } from '../core/errors.js';
import { bindRtpPortPair, type UdpPortPair } from '../media/udpPortPair.js';
import { formatPortRange, rtpPairPorts, type PortRange } from './portRange.js';

export interface RtpPortPoolOptions {
  /** Local address the pairs bind to. */
  host: string;
  /** Ports to take pairs from; absent: ephemeral pairs chosen by the kernel (no limit but the machine's). */
  range?: PortRange;
  /** Binds one pair at a chosen RTP port (0: ephemeral). Injected in tests; default bindRtpPortPair. */
  bind?: (host: string, rtpPort: number) => Promise<UdpPortPair>;
}

export interface RtpPortPoolStats {
  /** Pairs the range holds (Infinity when ephemeral). */
  capacity: number;
  inUse: number;
  peakInUse: number;
  acquired: number;
  released: number;
  /** Binds that failed because another program held the port: the pair was skipped. */
  skippedBusy: number;
}

/**
 * The RTP/RTCP port pairs of one shard. A call takes a bound pair when it starts and gives its ports
 * back once its sockets are closed (the RTP session owns and closes them). A pair some other program
 * holds is skipped and retried later, after the other free pairs. Running out is PORTS_EXHAUSTED.
 */
export class RtpPortPool {
  private readonly free: number[];
  private readonly taken = new Set<number>();
  private readonly bind: (host: string, rtpPort: number) => Promise<UdpPortPair>;
  private readonly counts = { peakInUse: 0, acquired: 0, released: 0, skippedBusy: 0 };
  private ephemeralInUse = 0;

  constructor(private readonly options: RtpPortPoolOptions) {
    this.free = options.range === undefined ? [] : rtpPairPorts(options.range);
    this.bind = options.bind ?? ((host, port) => bindRtpPortPair(port === 0 ? { host } : { host, port, attempts: 1 }));
  }

  get ranged(): boolean {
    return this.options.range !== undefined;
  }

  /** Binds a pair for one call. Rejects with PORTS_EXHAUSTED when every pair of the range is taken or busy. */
  async acquire(): Promise<UdpPortPair> {
    if (this.options.range === undefined) {
      const pair = await this.bind(this.options.host, 0);
      this.ephemeralInUse++;
      this.noteAcquired();
      return pair;
    }
    // Each free pair is tried at most once per acquire; a busy one goes to the back of the line.
    for (let tries = this.free.length; tries > 0; tries--) {
      const port = this.free.shift();
      if (port === undefined) break;
      this.taken.add(port);
      try {
        const pair = await this.bind(this.options.host, port);
        this.noteAcquired();
        return pair;
      } catch (e) {
        if (!isBusy(e)) {
          this.taken.delete(port);
          this.free.push(port);
          throw e;
        }
        this.counts.skippedBusy++;
        this.taken.delete(port);
        this.free.push(port);
      }
    }
    throw new VoiceloadError('PORTS_EXHAUSTED', `no free RTP port pair in ${formatPortRange(this.options.range)} (${this.taken.size} in use)`, {
      hint: 'widen --rtp-ports, or lower -l (each active call holds one pair)',
      retryable: true,
    });
  }

  /** Gives a call's ports back: call it after the pair's sockets are closed. */
  release(pair: UdpPortPair): void {
    if (this.options.range === undefined) {
      if (this.ephemeralInUse > 0) {
        this.ephemeralInUse--;
        this.counts.released++;
      }
      return;
    }
    if (!this.taken.delete(pair.rtpPort)) return;
    this.free.push(pair.rtpPort);
    this.counts.released++;
  }

  /** RTP ports of the pairs calls hold now (ranged pools; ephemeral pairs are not tracked). */
  inUseRtpPorts(): number[] {
    return [...this.taken];
  }

  stats(): RtpPortPoolStats {
    const inUse = this.options.range === undefined ? this.ephemeralInUse : this.taken.size;
    const capacity = this.options.range === undefined ? Infinity : this.free.length + this.taken.size;
    return { capacity, inUse, ...this.counts };
  }

  private noteAcquired(): void {
    this.counts.acquired++;
    const inUse = this.options.range === undefined ? this.ephemeralInUse : this.taken.size;
    this.counts.peakInUse = Math.max(this.counts.peakInUse, inUse);
  }
}

/** bindRtpPortPair wraps the socket error (EADDRINUSE, EACCES) in MEDIA_TRANSPORT with the cause. */
function isBusy(e: unknown): boolean {
  for (let err: unknown = e; err instanceof Error; err = err.cause) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') return true;
    if (err instanceof VoiceloadError && err.code === 'MEDIA_TRANSPORT') return true;
  }
  return false;
}

const SEQ_MOD = 0x10000;

export interface RtpReceiveStatsOptions {
  /** RTP clock rate of the stream (8000 for G.711): converts jitter to ms. */
  clockRate: number;
  /**
   * Sequential packets needed before a new source counts (RFC 3550 A.1 probation). 1 (default)
   * accepts the first packet; the RFC's example uses 2.
   */
  minSequential?: number;
  /** A.1 MAX_DROPOUT: forward jump still taken as loss rather than a restart. Default 3000. */
  maxDropout?: number;
  /** A.1 MAX_MISORDER: backward jump still taken as a late packet. Default 100. */
  maxMisorder?: number;
}

/** One RTCP reception report block's worth of numbers (RFC 3550 §6.4.1). */
export interface ReceptionReport {
  ssrc: number;
  /** Fraction lost since the previous report, as a fixed-point number with the binary point at the left (0–255). */
  fractionLost: number;
  /** Cumulative packets lost; negative when duplicates outnumber losses. Clamped to 24-bit signed. */
  cumulativeLost: number;
  extendedHighestSequence: number;
  /** Interarrival jitter in timestamp units, truncated to an integer. */
  jitter: number;
}

export interface RtpReceiveSnapshot {
  /** Every valid packet fed in (all payload types), before sequence validation. */
  packets: number;
  payloadBytes: number;
  /** Packets counted by the sequence validation, over all sources and restarts. */
  received: number;
  /** Packets expected from the extended highest sequence numbers (A.3), over all sources and restarts. */
  expected: number;
  /** expected − received; negative when there were duplicates. */
  lost: number;
  /** max(0, lost) / expected × 100; 0 before any packet. */
  lossPct: number;
  /** Extended highest sequence number of the current source. */
  extendedHighestSequence: number;
  /** RFC 3550 interarrival jitter of the current source, in ms. */
  jitterMs: number;
  /** Largest time between two consecutive arrivals, ms. */
  maxGapMs: number;
  ssrc: number | undefined;
  /** Times the sender's SSRC changed or its sequence restarted (A.1 resync). */
  restarts: number;
}

/**
 * Receive-side statistics of one RTP stream, after RFC 3550 Appendix A: A.1 sequence validation
 * with 16-bit wrap (cycles), A.3 expected/lost and per-interval fraction lost, A.8 interarrival
 * jitter J += (|D| − J) / 16. Arrival time is a parameter (the session reads the clock when the
 * datagram arrives), so every figure is testable with constructed arrivals. No allocation per packet.
 */
export class RtpReceiveStats {
  private readonly clockRate: number;
  private readonly minSequential: number;
  private readonly maxDropout: number;
  private readonly maxMisorder: number;

  private source: number | undefined;
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = SEQ_MOD + 1;
  private probation = 0;
  private receivedCount = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  /** Expected/received of earlier sources and pre-restart epochs, for whole-call loss. */
  private carriedExpected = 0;
  private carriedReceived = 0;
  private restartCount = 0;

  private hasTransit = false;
  private lastArrivalMs = 0;
  private lastTimestamp = 0;
  private jitterUnits = 0;

  private packetCount = 0;
  private bytes = 0;
  private lastAnyArrivalMs = 0;
  private maxGap = 0;

  constructor(options: RtpReceiveStatsOptions) {
    this.clockRate = options.clockRate;
    this.minSequential = Math.max(1, options.minSequential ?? 1);
    this.maxDropout = options.maxDropout ?? 3000;
    this.maxMisorder = options.maxMisorder ?? 100;
  }

  /**
   * Accounts one received packet. Returns true when it passed sequence validation (it counts as
   * received), false while a new source is on probation or after an unexplained jump.
   */
  update(ssrc: number, sequenceNumber: number, rtpTimestamp: number, arrivalMs: number, payloadBytes: number): boolean {
    if (this.packetCount > 0) {
      const gap = arrivalMs - this.lastAnyArrivalMs;
      if (gap > this.maxGap) this.maxGap = gap;
    }
    this.lastAnyArrivalMs = arrivalMs;
    this.packetCount++;
    this.bytes += payloadBytes;

    if (this.source !== ssrc) {
      if (this.source !== undefined) {
        this.carryEpoch();
        this.restartCount++;
      }
      this.source = ssrc;
      this.newSource(sequenceNumber);
    }
    if (!this.updateSeq(sequenceNumber)) return false;
    this.updateJitter(rtpTimestamp, arrivalMs);
    return true;
  }

  /**
   * The numbers for an RTCP reception report about the current source; starts a new interval for
   * the fraction lost (A.3). Undefined before the first counted packet.
   */
  takeReceptionReport(): ReceptionReport | undefined {
    if (this.source === undefined || this.probation > 0) return undefined;
    const expected = this.expectedNow();
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.receivedCount - this.receivedPrior;
    this.receivedPrior = this.receivedCount;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    const lost = expected - this.receivedCount;
    return {
      ssrc: this.source,
      fractionLost: Math.min(255, fractionLost),
      cumulativeLost: Math.max(-0x800000, Math.min(0x7fffff, lost)),
      extendedHighestSequence: (this.cycles + this.maxSeq) >>> 0,
      jitter: Math.floor(this.jitterUnits),
    };
  }

  snapshot(): RtpReceiveSnapshot {
    const counting = this.source !== undefined && this.probation === 0;
    const expected = this.carriedExpected + (counting ? this.expectedNow() : 0);
    const received = this.carriedReceived + (counting ? this.receivedCount : 0);
    const lost = expected - received;
    return {
      packets: this.packetCount,
      payloadBytes: this.bytes,
      received,
      expected,
      lost,
      lossPct: expected > 0 ? (Math.max(0, lost) / expected) * 100 : 0,
      extendedHighestSequence: counting ? this.cycles + this.maxSeq : 0,
      jitterMs: this.jitterMs,
      maxGapMs: this.maxGap,
      ssrc: this.source,
      restarts: this.restartCount,
    };
  }

  get jitterMs(): number {
    return (this.jitterUnits * 1000) / this.clockRate;
  }

  get packets(): number {
    return this.packetCount;
  }

  private expectedNow(): number {
    return this.cycles + this.maxSeq - this.baseSeq + 1;
  }

  private carryEpoch(): void {
    if (this.probation === 0) {
      this.carriedExpected += this.expectedNow();
      this.carriedReceived += this.receivedCount;
    }
  }

  /** A.1: a new source starts on probation with max_seq one before its first packet. */
  private newSource(seq: number): void {
    this.initSeq(seq);
    this.maxSeq = (seq - 1) & 0xffff;
    this.probation = this.minSequential;
    this.hasTransit = false;
  }

  /** A.1 init_seq. */
  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = SEQ_MOD + 1; // so seq == bad_seq is false
    this.cycles = 0;
    this.receivedCount = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /** A.1 update_seq. */
  private updateSeq(seq: number): boolean {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      // Packets must be in sequence while on probation.
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.receivedCount++;
          return true;
        }
      } else {
        this.probation = this.minSequential - 1;
        this.maxSeq = seq;
      }
      return false;
    } else if (udelta < this.maxDropout) {
      // In order, with a permissible gap.
      if (seq < this.maxSeq) this.cycles += SEQ_MOD; // wrapped
      this.maxSeq = seq;
    } else if (udelta <= SEQ_MOD - this.maxMisorder) {
      // A very large jump: two sequential packets after it mean the sender restarted.
      if (seq === this.badSeq) {
        this.carryEpoch();
        this.restartCount++;
        this.initSeq(seq);
        this.hasTransit = false;
      } else {
        this.badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    // else: a duplicate or a reordered packet: counted, max_seq unchanged.
    this.receivedCount++;
    return true;
  }

  /**
   * A.8: D(i−1, i) = (R_i − R_{i−1}) − (S_i − S_{i−1}) in timestamp units, between consecutive
   * arrivals. The timestamp difference is taken modulo 2^32 as a signed number so wrap is harmless.
   */
  private updateJitter(rtpTimestamp: number, arrivalMs: number): void {
    if (this.hasTransit) {
      const arrivalUnits = ((arrivalMs - this.lastArrivalMs) * this.clockRate) / 1000;
      const sentUnits = (rtpTimestamp - this.lastTimestamp) | 0;
      const d = Math.abs(arrivalUnits - sentUnits);
      this.jitterUnits += (d - this.jitterUnits) / 16;
    }
    this.hasTransit = true;
    this.lastArrivalMs = arrivalMs;
    this.lastTimestamp = rtpTimestamp;
  }
}

/**
 * RFC 3261 §17 / Table 4 base timer values. Passed per transaction layer instance: a test or a
 * scenario can shorten T1 without touching any other layer (no globals).
 */
export interface TimerConfig {
  /** RTT estimate; default 500 ms. */
  t1Ms: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses; default 4 s. */
  t2Ms: number;
  /** Maximum time a message stays in the network; default 5 s. */
  t4Ms: number;
}

export const DEFAULT_TIMER_CONFIG: Readonly<TimerConfig> = Object.freeze({ t1Ms: 500, t2Ms: 4000, t4Ms: 5000 });

/**
 * Every §17 timer, derived once per layer from {@link TimerConfig}. Values for Timers D, I, J and K
 * are the unreliable-transport ones; on a reliable transport they are 0 (see `forTransport`).
 */
export interface TransactionTimers extends TimerConfig {
  /** INVITE request retransmit, initial interval (T1), doubling without cap (§17.1.1.2). */
  timerAMs: number;
  /** INVITE client transaction timeout: 64*T1. */
  timerBMs: number;
  /** Wait for response retransmits after a non-2xx final: at least 32 s (§17.1.1.2). */
  timerDMs: number;
  /** Non-INVITE request retransmit, initial interval (T1), capped at T2. */
  timerEMs: number;
  /** Non-INVITE client transaction timeout: 64*T1. */
  timerFMs: number;
  /** INVITE non-2xx response retransmit, initial interval (T1), capped at T2. */
  timerGMs: number;
  /** Wait for ACK: 64*T1. */
  timerHMs: number;
  /** Wait for ACK retransmits: T4. */
  timerIMs: number;
  /** Wait for non-INVITE request retransmits: 64*T1. */
  timerJMs: number;
  /** Wait for non-INVITE response retransmits: T4. */
  timerKMs: number;
  /** RFC 6026: server INVITE in Accepted waits 64*T1 for ACKs / 2xx retransmits from the TU. */
  timerLMs: number;
  /** RFC 6026: client INVITE in Accepted absorbs 2xx retransmits for 64*T1. */
  timerMMs: number;
  /** §17.2.1: a server INVITE transaction sends 100 Trying if the TU has not responded in 200 ms. */
  tryingMs: number;
}

/** Builds the timer table for one transaction layer. */
export function resolveTimers(overrides: Partial<TimerConfig> = {}): TransactionTimers {
  const t1Ms = overrides.t1Ms ?? DEFAULT_TIMER_CONFIG.t1Ms;
  const t2Ms = overrides.t2Ms ?? DEFAULT_TIMER_CONFIG.t2Ms;
  const t4Ms = overrides.t4Ms ?? DEFAULT_TIMER_CONFIG.t4Ms;
  for (const [name, v] of [['t1Ms', t1Ms], ['t2Ms', t2Ms], ['t4Ms', t4Ms]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`timer ${name} must be a positive number, got ${v}`);
  }
  const sixtyFourT1 = 64 * t1Ms;
  return {
    t1Ms,
    t2Ms,
    t4Ms,
    timerAMs: t1Ms,
    timerBMs: sixtyFourT1,
    // D must outlast the server's Timer G retransmissions, whose T1 we do not know: keep the
    // RFC's 32 s floor even when our own T1 is shorter.
    timerDMs: Math.max(32_000, sixtyFourT1),
    timerEMs: t1Ms,
    timerFMs: sixtyFourT1,
    timerGMs: t1Ms,
    timerHMs: sixtyFourT1,
    timerIMs: t4Ms,
    timerJMs: sixtyFourT1,
    timerKMs: t4Ms,
    timerLMs: sixtyFourT1,
    timerMMs: sixtyFourT1,
    tryingMs: 200,
  };
}

import { FakeClock } from '../../../src/core/fakeClock.js';
import { generateBranch, generateCallId } from '../../../src/sip/identifiers.js';
import { createRequest, type SipRequest, type SipResponse } from '../../../src/sip/message.js';
import { createMemoryTransportPair, type MemoryTransport, type MemoryTransportPairOptions } from '../../../src/sip/transport/memoryTransport.js';
import { TransactionLayer } from '../../../src/sip/transaction/transactionLayer.js';
import type { TimerConfig } from '../../../src/sip/transaction/timerConfig.js';
import type { ClientTransactionHandlers } from '../../../src/sip/transaction/transactionTypes.js';
import type { VoiceloadError } from '../../../src/core/errors.js';

/** Shared fixtures for the transaction tests: two layers over an in-memory pair driven by a FakeClock. */
export interface Rig {
  clock: FakeClock;
  a: MemoryTransport;
  b: MemoryTransport;
  uac: TransactionLayer;
  uas: TransactionLayer;
}

export function rig(opts: Omit<MemoryTransportPairOptions, 'clock'> & { timers?: Partial<TimerConfig> } = {}): Rig {
  const clock = new FakeClock();
  const [a, b] = createMemoryTransportPair({ ...opts, clock });
  const timers = opts.timers ?? {};
  return {
    clock,
    a,
    b,
    uac: new TransactionLayer({ transport: a, clock, timers }),
    uas: new TransactionLayer({ transport: b, clock, timers }),
  };
}

/** A transport with no layer on it: a peer whose arrivals we only record. */
export function rawPeer(opts: Omit<MemoryTransportPairOptions, 'clock'> & { timers?: Partial<TimerConfig> } = {}) {
  const clock = new FakeClock();
  const [a, b] = createMemoryTransportPair({ ...opts, clock });
  const uac = new TransactionLayer({ transport: a, clock, timers: opts.timers ?? {} });
  const arrivals: Array<{ atMs: number; message: SipRequest | SipResponse }> = [];
  b.onMessage((m) => arrivals.push({ atMs: m.receivedAtMs, message: m.message }));
  return { clock, a, b, uac, arrivals };
}

export function request(
  method: string,
  o: { branch?: string; cseq?: number; callId?: string; viaHost?: string; toTag?: string; uri?: string } = {},
): SipRequest {
  const branch = o.branch ?? generateBranch();
  const to = '<sip:agent@192.0.2.2>' + (o.toTag === undefined ? '' : `;tag=${o.toTag}`);
  return createRequest(method, o.uri ?? 'sip:agent@192.0.2.2', [
    { name: 'Via', value: `SIP/2.0/UDP ${o.viaHost ?? '192.0.2.1:5060'};branch=${branch}` },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: '<sip:caller@192.0.2.1>;tag=caller1' },
    { name: 'To', value: to },
    { name: 'Call-ID', value: o.callId ?? generateCallId('192.0.2.1') },
    { name: 'CSeq', value: `${o.cseq ?? 1} ${method}` },
  ]);
}

export interface Recorder extends ClientTransactionHandlers {
  responses: Array<{ status: number; atMs: number; res: SipResponse }>;
  timeouts: number[];
  errors: VoiceloadError[];
}

export function recorder(clock: FakeClock): Recorder {
  const r: Recorder = {
    responses: [],
    timeouts: [],
    errors: [],
    onResponse: (res, atMs) => r.responses.push({ status: res.status, atMs, res }),
    onTimeout: () => r.timeouts.push(clock.nowMs()),
    onTransportError: (err) => r.errors.push(err),
  };
  return r;
}

/**
 * Send times the RFC prescribes for a request retransmitted from t=0 with an interval starting at
 * T1 and doubling (capped at `capMs` when given), stopped by the timeout at 64*T1.
 */
export function retransmitSchedule(t1Ms: number, capMs = Infinity): number[] {
  const times = [0];
  let t = 0;
  let interval = t1Ms;
  for (;;) {
    t += interval;
    if (t >= 64 * t1Ms) return times;
    times.push(t);
    interval = Math.min(interval * 2, capMs);
  }
}

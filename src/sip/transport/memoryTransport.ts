import { SystemClock, type Clock } from '../../core/clock.js';
import { VoiceloadError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { SipMessage } from '../message.js';
import type {
  InboundHandler,
  SipEndpoint,
  SipTransport,
  TransportErrorHandler,
  TransportProtocol,
  TransportStats,
} from './transport.js';
import { endpointKey } from './transport.js';
import { TransportHandlers } from './transportHandlers.js';

export interface MemorySentRecord {
  message: SipMessage;
  dest: SipEndpoint;
  atMs: number;
  /** True when the pair's `drop` predicate swallowed it. */
  dropped: boolean;
}

export interface MemoryTransportPairOptions {
  /** Delivery happens through this clock so FakeClock tests stay deterministic and never re-enter a sender. */
  clock?: Clock;
  /** Default false (behaves like UDP, so transactions retransmit). */
  reliable?: boolean;
  /** One-way delay; default 0 (delivered on the next `clock.advance`). */
  latencyMs?: number;
  /**
   * Decides per message whether the "network" loses it. `n` counts messages sent across the
   * pair in either direction, starting at 1.
   */
  drop?: (n: number, message: SipMessage, from: 'a' | 'b') => boolean;
  aLocal?: SipEndpoint;
  bLocal?: SipEndpoint;
  logger?: Logger;
}

interface PairShared {
  readonly opts: MemoryTransportPairOptions;
  readonly clock: Clock;
  sentCount: number;
}

/** Copies the header list so a receiver that edits headers cannot change what the sender holds. */
function cloneMessage(m: SipMessage): SipMessage {
  return { ...m, headers: m.headers.map((h) => ({ name: h.name, value: h.value })) };
}

/** One side of an in-memory pair: a fake {@link SipTransport} for unit tests. */
export class MemoryTransport implements SipTransport {
  readonly protocol: TransportProtocol;
  readonly reliable: boolean;
  readonly stats: TransportStats = { received: 0, sent: 0, malformed: 0 };
  /** Everything this side sent, in order, including dropped messages. */
  readonly sent: MemorySentRecord[] = [];
  peer: MemoryTransport | undefined;
  private readonly handlers: TransportHandlers;
  private closed = false;

  constructor(
    readonly local: SipEndpoint,
    private readonly side: 'a' | 'b',
    private readonly shared: PairShared,
  ) {
    this.reliable = shared.opts.reliable ?? false;
    this.protocol = this.reliable ? 'tcp' : 'udp';
    this.handlers = new TransportHandlers(shared.opts.logger ?? silentLogger, false);
  }

  send(message: SipMessage, dest: SipEndpoint): void {
    const { drop, latencyMs } = this.shared.opts;
    const clock = this.shared.clock;
    const peer = this.peer;
    if (this.closed || peer === undefined || peer.closed || endpointKey(dest) !== endpointKey(peer.local)) {
      const err = new VoiceloadError('SIP_TRANSPORT', `memory transport: no route to ${endpointKey(dest)}`);
      clock.setTimer(0, () => this.handlers.emitError(err, dest));
      return;
    }
    const n = ++this.shared.sentCount;
    const dropped = drop !== undefined && drop(n, message, this.side);
    this.sent.push({ message, dest, atMs: clock.nowMs(), dropped });
    this.stats.sent++;
    if (dropped) return;
    const copy = cloneMessage(message);
    clock.setTimer(latencyMs ?? 0, () => peer.deliver(copy, this.local));
  }

  onMessage(handler: InboundHandler): void {
    this.handlers.addMessage(handler);
  }

  onError(handler: TransportErrorHandler): void {
    this.handlers.addError(handler);
  }

  /** Injects a message as if `source` had sent it (for tests of inbound handling). */
  deliver(message: SipMessage, source: SipEndpoint): void {
    if (this.closed) return;
    this.stats.received++;
    this.handlers.emitMessage({
      message,
      source,
      protocol: this.protocol,
      receivedAtMs: this.shared.clock.nowMs(),
    });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** Two transports wired to each other in memory, optionally lossy. */
export function createMemoryTransportPair(opts: MemoryTransportPairOptions = {}): [MemoryTransport, MemoryTransport] {
  const shared: PairShared = { opts, clock: opts.clock ?? new SystemClock(), sentCount: 0 };
  const a = new MemoryTransport(opts.aLocal ?? { host: '192.0.2.1', port: 5060 }, 'a', shared);
  const b = new MemoryTransport(opts.bLocal ?? { host: '192.0.2.2', port: 5060 }, 'b', shared);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

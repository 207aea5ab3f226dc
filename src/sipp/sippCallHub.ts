import type { Clock, TimerHandle } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import { getHeader } from '../sip/message.js';
import type { RandomBytes } from '../sip/identifiers.js';
import type { SipTransport } from '../sip/transport/transport.js';
import type { InjectionFile } from './injectionFile.js';
import { SippCall, type SippCallContext, type SippCallHooks } from './sippCall.js';
import type { SippCallMedia } from './sippCallMedia.js';
import type { SippCallResult } from './sippResult.js';
import type { ResolvedSippRunOptions } from './sippRunOptions.js';
import type { SippScenario } from './sippScenario.js';

export interface SippCallHubOptions {
  scenario: SippScenario;
  options: ResolvedSippRunOptions;
  clock: Clock;
  /** The one transport every call shares (SIPp's single socket); the owner closes it. */
  transport: SipTransport;
  /** Draws RANDOM injection lines. */
  rng: Rng;
  injection?: InjectionFile;
  random?: RandomBytes;
  /** How long an ended call still answers retransmissions (e.g. re-sends the ACK for a repeated 200). Default 4000 ms. */
  lingerMs?: number;
  /** Each lint warning, the first time its key is seen by this hub. */
  onWarning?: (key: string, message: string) => void;
}

/**
 * The calls of a SIPp scenario on one shared transport: routes every inbound message to its call by
 * Call-ID (SIPp's single-socket mode), keeps an ended call reachable for `lingerMs` so it can answer
 * retransmissions, counts messages for no call, and says each lint warning once. Who starts calls
 * and when (a fixed-rate run, a load shard) is the owner's business.
 */
export class SippCallHub {
  private readonly byCallId = new Map<string, SippCall>();
  private readonly lingering = new Set<TimerHandle>();
  private readonly warned = new Set<string>();
  private readonly ctx: SippCallContext;
  private readonly malformedAtStart: number;
  private stray = 0;
  private closed = false;
  /** Each warning's message, in the order they were first given. */
  readonly warnings: string[] = [];

  constructor(private readonly o: SippCallHubOptions) {
    this.malformedAtStart = o.transport.stats.malformed;
    this.ctx = {
      scenario: o.scenario,
      options: o.options,
      clock: o.clock,
      transport: o.transport,
      rng: o.rng,
      injection: o.injection,
      warnOnce: (key, message) => {
        if (this.warned.has(key)) return;
        this.warned.add(key);
        this.warnings.push(message);
        o.onWarning?.(key, message);
      },
      register: (callId, call) => {
        this.byCallId.set(callId, call);
      },
      ...(o.random === undefined ? {} : { random: o.random }),
    };
    o.transport.onMessage((inb) => {
      const callId = getHeader(inb.message, 'Call-ID');
      const call = callId === undefined ? undefined : this.byCallId.get(callId);
      if (call === undefined) {
        this.stray++;
        return;
      }
      call.receive(inb);
    });
  }

  /** Messages for no call of this hub (unknown Call-ID). */
  get strayMessages(): number {
    return this.stray;
  }

  /** Datagrams the transport could not parse since the hub started. */
  get malformedMessages(): number {
    return this.o.transport.stats.malformed - this.malformedAtStart;
  }

  /**
   * Call `callNumber` on the shared transport, not yet started: the owner records it as active, then
   * calls start() (which may end it at once). `onEnd` gets its result; the owner closes `media`.
   */
  create(callNumber: number, media: SippCallMedia | undefined, onEnd: (result: SippCallResult) => void, hooks: SippCallHooks = {}): SippCall {
    const call: SippCall = new SippCall(
      this.ctx,
      callNumber,
      media,
      (result) => {
        this.linger(call);
        onEnd(result);
      },
      hooks,
    );
    return call;
  }

  /** Ends lingering: ended calls no longer answer retransmissions. Active calls are the owner's to abort first. */
  close(): void {
    this.closed = true;
    for (const t of this.lingering) t.cancel();
    this.lingering.clear();
  }

  private linger(call: SippCall): void {
    const forget = (): void => {
      for (const [id, c] of this.byCallId) if (c === call) this.byCallId.delete(id);
    };
    if (this.closed) {
      forget();
      return;
    }
    const timer = this.o.clock.setTimer(this.o.lingerMs ?? 4000, () => {
      this.lingering.delete(timer);
      forget();
    });
    this.lingering.add(timer);
  }
}

import { readTelephoneEventInto, type TelephoneEventPayload } from './telephoneEvent.js';

/** A key press as the far end reported it (RFC 4733). */
export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  /** Duration in RTP timestamp units (final when `end`). */
  durationTs: number;
  /** Session clock reading when the reporting packet arrived. */
  arrivalMs: number;
}

/**
 * Turns the packet stream of RFC 4733 events into one report per key press: all packets of an
 * event share its RTP timestamp (§2.5.1.1), updates repeat while the key is held, and the final
 * report (E bit) is sent three times (§2.5.1.4). Emits `end: false` once, for the first packet of
 * a new event (the key went down), and `end: true` once, for its first end packet; repeats,
 * updates and late duplicates are dropped. An event first seen by its end packet gives only the
 * `end: true` report.
 */
export class TelephoneEventTracker {
  private readonly scratch: TelephoneEventPayload = { event: 0, end: false, volume: 0, durationTs: 0 };
  private current: EventKey | undefined;
  /** The event before the current one: its late duplicates (reordered end packets) are dropped too. */
  private previous: EventKey | undefined;

  /**
   * Feeds one telephone-event packet's payload. Returns the event to report, or undefined for
   * a repeat (or a payload too short to read).
   */
  accept(ssrc: number, timestamp: number, payload: Uint8Array, offset: number, length: number, arrivalMs: number): TelephoneEvent | undefined {
    const p = this.scratch;
    if (!readTelephoneEventInto(payload, offset, length, p)) return undefined;
    const cur = this.current;
    if (matches(this.previous, ssrc, timestamp, p.event)) return undefined;
    if (cur === undefined || !matches(cur, ssrc, timestamp, p.event)) {
      this.previous = cur;
      this.current = { ssrc, timestamp, event: p.event, ended: p.end };
      return { event: p.event, end: p.end, volume: p.volume, durationTs: p.durationTs, arrivalMs };
    }
    if (!p.end || cur.ended) return undefined;
    cur.ended = true;
    return { event: p.event, end: true, volume: p.volume, durationTs: p.durationTs, arrivalMs };
  }
}

interface EventKey {
  ssrc: number;
  timestamp: number;
  event: number;
  ended: boolean;
}

function matches(key: EventKey | undefined, ssrc: number, timestamp: number, event: number): boolean {
  return key !== undefined && key.ssrc === ssrc && key.timestamp === timestamp && key.event === event;
}

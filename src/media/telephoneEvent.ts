import { VoiceloadError } from '../core/errors.js';

/** Size of one RFC 4733 named-event payload. */
export const TELEPHONE_EVENT_SIZE = 4;

/** One RFC 4733 §2.3 event report (the payload of a `telephone-event` RTP packet). */
export interface TelephoneEventPayload {
  /** Event code (§3.2: 0–9 digits, 10 `*`, 11 `#`, 12–15 A–D, 16 flash). */
  event: number;
  /** E bit: the last report(s) of the event. */
  end: boolean;
  /** Power level of the tone in −dBm0 (0–63); 0 for events without a volume. */
  volume: number;
  /** Duration so far in RTP timestamp units, from the event's (unchanging) RTP timestamp. */
  durationTs: number;
}

/**
 * RFC 4733 §2.3 payload:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The R bit is reserved: sent as 0, ignored on receipt (§2.3.3).
 */
export function parseTelephoneEvent(buf: Uint8Array, offset = 0, length = buf.length - offset): TelephoneEventPayload {
  const out: TelephoneEventPayload = { event: 0, end: false, volume: 0, durationTs: 0 };
  if (!readTelephoneEventInto(buf, offset, length, out)) {
    throw new VoiceloadError('RTP_PARSE', `telephone-event payload must be at least ${TELEPHONE_EVENT_SIZE} bytes, got ${length}`);
  }
  return out;
}

/**
 * Reads the first event report of a payload into `out` (reused: no allocation on the packet
 * path). Returns false when the payload is too short. A longer payload (RFC 2198 redundancy is
 * negotiated separately) is read for its first report only.
 */
export function readTelephoneEventInto(buf: Uint8Array, offset: number, length: number, out: TelephoneEventPayload): boolean {
  if (length < TELEPHONE_EVENT_SIZE || offset + TELEPHONE_EVENT_SIZE > buf.length) return false;
  const b1 = buf[offset + 1]!;
  out.event = buf[offset]!;
  out.end = (b1 & 0x80) !== 0;
  out.volume = b1 & 0x3f;
  out.durationTs = (buf[offset + 2]! << 8) | buf[offset + 3]!;
  return true;
}

/** Serializes one event report (4 bytes). Out-of-range fields throw rather than wrap silently. */
export function serializeTelephoneEvent(ev: TelephoneEventPayload): Buffer {
  const out = Buffer.alloc(TELEPHONE_EVENT_SIZE);
  writeTelephoneEventInto(ev, out, 0);
  return out;
}

/** Writes one event report at `buf[offset..offset+4)`; returns 4. */
export function writeTelephoneEventInto(ev: TelephoneEventPayload, buf: Uint8Array, offset: number): number {
  check('event', ev.event, 255);
  check('volume', ev.volume, 63);
  check('durationTs', ev.durationTs, 0xffff);
  buf[offset] = ev.event;
  buf[offset + 1] = (ev.end ? 0x80 : 0) | ev.volume;
  buf[offset + 2] = ev.durationTs >>> 8;
  buf[offset + 3] = ev.durationTs & 0xff;
  return TELEPHONE_EVENT_SIZE;
}

function check(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new VoiceloadError('INTERNAL', `telephone-event ${name} must be an integer in 0–${max}, got ${value}`);
  }
}

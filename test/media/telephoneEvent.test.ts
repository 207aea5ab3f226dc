import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoiceloadError } from '../../src/core/errors.js';
import { parseTelephoneEvent, serializeTelephoneEvent, type TelephoneEventPayload } from '../../src/media/telephoneEvent.js';
import { TelephoneEventTracker, type TelephoneEvent } from '../../src/media/telephoneEventTracker.js';

test('RFC 4733 payload bytes: field positions and bit layout', () => {
  // Digit 9 (event 9), E=1, R=0, volume 10 (−10 dBm0), duration 1600 (200 ms at 8 kHz) = 0x0640.
  const bytes = serializeTelephoneEvent({ event: 9, end: true, volume: 10, durationTs: 1600 });
  assert.deepEqual([...bytes], [9, 0x80 | 10, 0x06, 0x40]);
  // The R bit is ignored on receipt (§2.3.3).
  assert.deepEqual(parseTelephoneEvent(Buffer.from([11, 0x40 | 0x3f, 0xff, 0xff])), { event: 11, end: false, volume: 63, durationTs: 0xffff });
});

test('round trip: every event code, both E values, volume and duration extremes', () => {
  for (let event = 0; event <= 255; event += 5) {
    for (const end of [false, true]) {
      for (const volume of [0, 1, 31, 63]) {
        for (const durationTs of [0, 1, 160, 0x7fff, 0xffff]) {
          const ev: TelephoneEventPayload = { event, end, volume, durationTs };
          const bytes = serializeTelephoneEvent(ev);
          assert.deepEqual(parseTelephoneEvent(bytes), ev);
          assert.deepEqual(serializeTelephoneEvent(parseTelephoneEvent(bytes)), bytes);
        }
      }
    }
  }
});

test('parse at an offset inside an RTP packet; short payloads and out-of-range fields are errors', () => {
  const packet = Buffer.concat([Buffer.alloc(12, 0xaa), serializeTelephoneEvent({ event: 1, end: false, volume: 7, durationTs: 320 })]);
  assert.deepEqual(parseTelephoneEvent(packet, 12, 4), { event: 1, end: false, volume: 7, durationTs: 320 });
  assert.throws(() => parseTelephoneEvent(Buffer.from([1, 2, 3])), (e: unknown) => e instanceof VoiceloadError && e.code === 'RTP_PARSE');
  assert.throws(() => serializeTelephoneEvent({ event: 1, end: false, volume: 64, durationTs: 0 }), VoiceloadError);
  assert.throws(() => serializeTelephoneEvent({ event: 1, end: false, volume: 0, durationTs: 0x10000 }), VoiceloadError);
  assert.throws(() => serializeTelephoneEvent({ event: 256, end: false, volume: 0, durationTs: 0 }), VoiceloadError);
});

/** The packets a sender emits for one key press (RFC 4733 §2.5.1): updates every 50 ms, then three end packets. */
function keyPress(event: number, durationTs: number, stepTs = 400): TelephoneEventPayload[] {
  const out: TelephoneEventPayload[] = [];
  for (let d = stepTs; d < durationTs; d += stepTs) out.push({ event, end: false, volume: 10, durationTs: d });
  for (let i = 0; i < 3; i++) out.push({ event, end: true, volume: 10, durationTs });
  return out;
}

test('tracker: one key press gives one start and exactly one end report; redundant end packets are dropped', () => {
  const tracker = new TelephoneEventTracker();
  const got: TelephoneEvent[] = [];
  let t = 0;
  const feed = (ssrc: number, timestamp: number, payloads: TelephoneEventPayload[]): void => {
    for (const p of payloads) {
      const bytes = serializeTelephoneEvent(p);
      const ev = tracker.accept(ssrc, timestamp, bytes, 0, bytes.length, (t += 20));
      if (ev !== undefined) got.push(ev);
    }
  };
  const first = keyPress(5, 1600);
  feed(0x1234, 8000, first);
  // The same digit pressed again is a new event: a new RTP timestamp.
  const second = keyPress(5, 800);
  feed(0x1234, 16000, second);
  // A late duplicate of the first press's end packet (reordered) is still a duplicate.
  feed(0x1234, 8000, [first[first.length - 1]!]);
  assert.deepEqual(
    got.map((e) => [e.event, e.end, e.durationTs]),
    [
      [5, false, 400],
      [5, true, 1600],
      [5, false, 400],
      [5, true, 800],
    ],
  );
  // Arrival time of the first end packet, not of its retransmissions.
  const firstEndIndex = first.findIndex((p) => p.end);
  assert.equal(got[1]!.arrivalMs, 20 * (firstEndIndex + 1));
});

test('tracker: an event first seen by its end packet (short press, updates lost) reports only the end', () => {
  const tracker = new TelephoneEventTracker();
  const end = serializeTelephoneEvent({ event: 11, end: true, volume: 0, durationTs: 480 });
  const reports = [1, 2, 3].map((i) => tracker.accept(7, 320, end, 0, 4, i));
  assert.deepEqual(reports, [{ event: 11, end: true, volume: 0, durationTs: 480, arrivalMs: 1 }, undefined, undefined]);
  assert.equal(tracker.accept(7, 400, Buffer.from([1, 2]), 0, 2, 4), undefined, 'short payload ignored');
});

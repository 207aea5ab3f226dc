import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '../../src/core/fakeClock.js';
import { VoiceloadError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import { codecFor } from '../../src/media/g711.js';
import { parseRtpHeader, type RtpHeaderFields } from '../../src/media/rtpHeaderWriter.js';
import { RtpSession } from '../../src/media/rtpSession.js';
import { parseTelephoneEvent, type TelephoneEventPayload } from '../../src/media/telephoneEvent.js';
import { TelephoneEventTracker, type TelephoneEvent } from '../../src/media/telephoneEventTracker.js';

// The session's pacer runs on a FakeClock (packet send times are exact); the packets go over real
// loopback UDP to a plain socket that records them for inspection.

const PT_EVENT = 101;

interface Received {
  h: RtpHeaderFields;
  payload: Buffer;
  ev: TelephoneEventPayload | undefined;
}

async function receiver(): Promise<{ socket: dgram.Socket; port: number; packets: Received[] }> {
  const socket = dgram.createSocket('udp4');
  const packets: Received[] = [];
  socket.on('message', (msg: Buffer) => {
    const h = parseRtpHeader(msg);
    const payload = Buffer.from(msg.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength));
    packets.push({ h, payload, ev: h.payloadType === PT_EVENT ? parseTelephoneEvent(payload) : undefined });
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: (socket.address() as AddressInfo).port, packets };
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for packets');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function tone(samples: number): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => Math.round(9000 * Math.sin((2 * Math.PI * 700 * i) / 8000)));
}

test('sendDtmf("1#"): events in the audio stream\'s SSRC and sequence, RFC 4733 packets, audio held and resumed on the media clock', async () => {
  const clock = new FakeClock(1000);
  const codec = codecFor('PCMU');
  const rx = await receiver();
  const session = await RtpSession.open({
    clock,
    localHost: '127.0.0.1',
    codec,
    rng: createRng(7),
    rtcpIntervalMs: 3_600_000,
    sendByeOnClose: false,
  });
  try {
    session.setRemote({ host: '127.0.0.1', port: rx.port, rtcpPort: rx.port });
    session.setTelephoneEventPayloadType(PT_EVENT);
    const pcm = tone(160 * 10); // 10 frames
    session.queueUtterance({ id: 'u', pcm, speechEndSample: pcm.length });
    session.start();
    clock.advance(60); // ticks 0..3 (audio frames 0..3)

    const durationMs = 100;
    const gapMs = 100;
    let resolvedAtMs: number | undefined;
    const done = session.sendDtmf('1#', { durationMs, gapMs }).then(() => {
      resolvedAtMs = clock.nowMs();
    });
    assert.equal(session.sendingDtmf, true);
    let ticks = 4;
    for (; ticks < 40 && resolvedAtMs === undefined; ticks++) {
      clock.advance(20);
      await new Promise((r) => setImmediate(r)); // let the promise settle at this tick's time
    }
    await done;
    assert.equal(session.sendingDtmf, false);
    clock.advance(20 * 10); // the rest of the utterance and some silence
    ticks += 10;
    const total = session.stats().sentPackets;
    assert.equal(total, ticks, 'one packet per tick, events included');
    await waitFor(() => rx.packets.length === total, 5000);

    const p = rx.packets;
    const first = p[0]!.h;
    const step = 160;
    const events = p.map((x, tick) => ({ ...x, tick })).filter((x) => x.ev !== undefined);
    // Ground truth, from RFC 4733 §2.5 and the options: per key ceil(duration/ptime) packets up to
    // the final report, which is sent three times; the next key starts `gap` after the tone ended.
    const perKey = Math.ceil(durationMs / 20) + 2;
    assert.equal(events.length, 2 * perKey);
    assert.equal(session.stats().sentTelephoneEventPackets, 2 * perKey);
    const startTicks = events.filter((e) => e.h.marker).map((e) => e.tick);
    assert.deepEqual(startTicks, [4, 4 + (durationMs + gapMs) / 20], 'first key at the tick after the call; second one gap after the first tone');

    for (const [i, x] of p.entries()) {
      assert.equal(x.h.ssrc, first.ssrc, 'one SSRC');
      assert.equal(x.h.sequenceNumber, (first.sequenceNumber + i) & 0xffff, `sequence continues at packet ${i}`);
      if (x.ev === undefined) {
        assert.equal(x.h.payloadType, codec.payloadType);
        assert.equal(x.h.timestamp, (first.timestamp + i * step) >>> 0, `audio timestamp on the media clock at tick ${i}`);
      }
    }
    for (const [k, start] of startTicks.entries()) {
      const key = events.filter((e) => e.tick >= start && e.tick < start + perKey);
      assert.equal(key.length, perKey);
      key.forEach((e, j) => {
        assert.equal(e.tick, start + j, 'one packet per 20 ms');
        assert.equal(e.h.payloadType, PT_EVENT);
        assert.equal(e.h.timestamp, (first.timestamp + start * step) >>> 0, 'the event timestamp is its start');
        assert.equal(e.h.marker, j === 0);
        assert.equal(e.ev!.event, k === 0 ? 1 : 11);
        assert.equal(e.ev!.volume, 10);
        assert.equal(e.ev!.durationTs, Math.min(durationMs * 8, (j + 1) * step));
        assert.equal(e.ev!.end, j >= perKey - 3);
      });
    }
    // Between the keys: silence that does not consume the utterance.
    const silent = Buffer.alloc(160);
    codec.encodeInto(new Int16Array(160), silent, 0);
    const lastOfFirst = startTicks[0]! + perKey - 1;
    for (let t = lastOfFirst + 1; t < startTicks[1]!; t++) assert.deepEqual(p[t]!.payload, silent, `silence at tick ${t}`);
    // Before the keys, frames 0..3; after them the utterance resumes at frame 4.
    const frame = (n: number): Buffer => {
      const b = Buffer.alloc(160);
      codec.encodeInto(pcm.subarray(n * 160, (n + 1) * 160), b, 0);
      return b;
    };
    for (let t = 0; t < 4; t++) assert.deepEqual(p[t]!.payload, frame(t), `frame ${t} at tick ${t}`);
    const resume = startTicks[1]! + perKey;
    for (let n = 4; n < 10; n++) assert.deepEqual(p[resume + n - 4]!.payload, frame(n), `frame ${n} after the keys`);
    assert.equal(p[resume]!.h.marker, false, 'a resumed utterance is not a new talkspurt');
    // The promise settled at the tick of the last end report.
    assert.equal(resolvedAtMs, 1000 + (resume - 1) * 20);

    // What a receiver makes of it: two key presses of the sent duration.
    const tracker = new TelephoneEventTracker();
    const reported: TelephoneEvent[] = [];
    for (const e of events) {
      const r = tracker.accept(e.h.ssrc, e.h.timestamp, e.payload, 0, e.payload.length, 0);
      if (r?.end === true) reported.push(r);
    }
    assert.deepEqual(reported.map((r) => [r.event, r.durationTs / 8]), [
      [1, durationMs],
      [11, durationMs],
    ]);
  } finally {
    await session.close();
    rx.socket.close();
  }
});

test('sendDtmf rejects without a negotiated telephone-event type, bad keys and bad options; close() rejects pending keys', async () => {
  const clock = new FakeClock();
  const session = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMA'), sendByeOnClose: false });
  const rx = await receiver();
  try {
    /** The error code sendDtmf rejects with (undefined: it resolved). */
    const code = async (p: Promise<void>): Promise<string | undefined> => {
      try {
        await p;
      } catch (e) {
        assert.ok(e instanceof VoiceloadError, `a VoiceloadError, got ${String(e)}`);
        return e.code;
      }
      return undefined;
    };
    // Receiving assumes 101 by default, but sending needs the type from the SDP.
    await assert.rejects(session.sendDtmf('1', { durationMs: 100, gapMs: 50 }), (e: unknown) => {
      assert.ok(e instanceof VoiceloadError && e.code === 'MEDIA_DTMF', String(e));
      assert.ok(e.hint !== undefined && /telephone-event/.test(e.hint), 'hint names telephone-event');
      return true;
    });
    session.setTelephoneEventPayloadType(96);
    session.setTelephoneEventPayloadType(undefined);
    assert.equal(await code(session.sendDtmf('1', { durationMs: 100, gapMs: 50 })), 'MEDIA_DTMF', 'cleared again');
    session.setTelephoneEventPayloadType(96);
    assert.equal(await code(session.sendDtmf('12x', { durationMs: 100, gapMs: 50 })), 'CONFIG');
    assert.equal(await code(session.sendDtmf('1', { durationMs: 0, gapMs: 50 })), 'CONFIG');
    assert.equal(await code(session.sendDtmf('1', { durationMs: 8200, gapMs: 50 })), 'CONFIG');
    assert.equal(await code(session.sendDtmf('1', { durationMs: 100, gapMs: -1 })), 'CONFIG');
    assert.equal(await code(session.sendDtmf('1', { durationMs: 100, gapMs: 50, volume: 64 })), 'CONFIG');
    assert.equal(session.sendingDtmf, false, 'nothing queued by refused calls');
    await session.sendDtmf('', { durationMs: 100, gapMs: 50 }); // nothing to press: settles at once

    session.setRemote({ host: '127.0.0.1', port: rx.port, rtcpPort: rx.port });
    session.start();
    clock.advance(0);
    const pending = session.sendDtmf('abcd', { durationMs: 100, gapMs: 50 }); // lower case accepted
    clock.advance(40);
    assert.equal(session.sendingDtmf, true, 'keys in progress');
    await session.close();
    await assert.rejects(pending, (e: unknown) => e instanceof VoiceloadError && e.code === 'MEDIA_DTMF');
    assert.equal(await code(session.sendDtmf('1', { durationMs: 100, gapMs: 50 })), 'MEDIA_DTMF', 'closed');
  } finally {
    await session.close();
    rx.socket.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { SystemClock } from '../../src/core/clock.js';
import { codecFor } from '../../src/media/g711.js';
import { RtpSession } from '../../src/media/rtpSession.js';
import type { UtteranceSentEvent } from '../../src/media/rtpSender.js';
import { serializeTelephoneEvent } from '../../src/media/telephoneEvent.js';

const clock = new SystemClock();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `cond` every 10 ms for at most `timeoutMs`. */
async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}

function tone(samples: number, amplitude = 12000, hz = 440): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000)));
}

function peak(pcm: Int16Array): number {
  let m = 0;
  for (const s of pcm) m = Math.max(m, Math.abs(s));
  return m;
}

test('two sessions on loopback exchange paced G.711 both ways; an utterance arrives and its speech end is timed', async (t) => {
  const a = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU'), rtcpIntervalMs: 200 });
  const b = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU'), rtcpIntervalMs: 200 });
  try {
    for (const s of [a, b]) {
      assert.equal(s.localPort % 2, 0, 'RTP on an even port');
      assert.equal(s.localRtcpPort, s.localPort + 1);
    }
    a.setRemote({ host: '127.0.0.1', port: b.localPort });
    b.setRemote({ host: '127.0.0.1', port: a.localPort, rtcpPort: a.localRtcpPort });

    const atB: Array<{ seq: number; marker: boolean; peak: number; arrivalMs: number }> = [];
    b.onFrame((pcm, arrivalMs, info) => atB.push({ seq: info.sequenceNumber, marker: info.marker, peak: peak(pcm), arrivalMs }));
    let framesAtA = 0;
    a.onFrame(() => framesAtA++);
    const sent: UtteranceSentEvent[] = [];
    a.onUtteranceSent((e) => sent.push(e));

    // 300 ms of tone whose speech ends at 250 ms (sample 2000), then 50 ms of silence.
    const pcm = tone(2400);
    pcm.fill(0, 2000);
    const speechEndSample = 2000;
    const startMs = clock.nowMs();
    a.start();
    b.start();
    a.queueUtterance({ id: 'hello', pcm, speechEndSample });
    await sleep(1000);
    const elapsedMs = clock.nowMs() - startMs;
    const sa = a.stats();
    const sb = b.stats();
    t.diagnostic(
      `elapsed ${elapsedMs.toFixed(1)} ms; A sent ${sa.sentPackets}, B received ${sb.receivedPackets}; pacing error A mean ${sa.pacingErrorMs.mean.toFixed(2)} ms max ${sa.pacingErrorMs.max.toFixed(2)} ms; jitter at B ${sb.jitterMs.toFixed(2)} ms; max gap at B ${sb.maxGapMs.toFixed(1)} ms; RTT at A ${sa.roundTripMs?.toFixed(2)} ms; RTCP A sent ${sa.rtcpSent} received ${sa.rtcpReceived}`,
    );

    // Pacing: tick 0 at start, one per 20 ms after.
    const expectedPackets = Math.floor(elapsedMs / 20) + 1;
    assert.ok(Math.abs(sa.sentPackets - expectedPackets) <= 3, `A sent ${sa.sentPackets}, expected ~${expectedPackets}`);
    assert.ok(Math.abs(sb.sentPackets - expectedPackets) <= 3, `B sent ${sb.sentPackets}, expected ~${expectedPackets}`);
    assert.ok(sa.pacingErrorMs.count === sa.sentPackets && sa.pacingErrorMs.mean >= -1 && sa.pacingErrorMs.mean < 20);

    // Both directions flow with no loss, in sequence (loopback neither drops nor reorders here).
    assert.ok(sb.receivedPackets >= sa.sentPackets - 3 && sb.receivedPackets <= sa.sentPackets);
    assert.ok(framesAtA > 0 && framesAtA === a.stats().receivedPackets);
    assert.equal(sb.lossPct, 0);
    assert.equal(sa.lossPct, 0);
    for (let i = 1; i < atB.length; i++) assert.equal(atB[i]!.seq, (atB[i - 1]!.seq + 1) & 0xffff, `sequence continuous at ${i}`);

    // The utterance arrives as non-silent frames: its first packet carries the marker.
    const loud = atB.filter((f) => f.peak > 1000);
    const speechFrames = Math.ceil(speechEndSample / 160);
    assert.equal(loud.length, speechFrames, 'speech frames received');
    assert.equal(loud[0]!.marker, true);
    assert.equal(atB.filter((f) => f.marker).length, 1);
    for (let i = 1; i < loud.length; i++) assert.equal(loud[i]!.seq, (loud[i - 1]!.seq + 1) & 0xffff);

    // The send time of the packet with the last speech sample: 12 ticks (240 ms) after the first.
    assert.equal(sent.length, 1);
    const e = sent[0]!;
    assert.equal(e.id, 'hello');
    const ticksToSpeechEnd = Math.floor((speechEndSample - 1) / 160);
    const ticksToEnd = Math.ceil(pcm.length / 160) - 1;
    assert.ok(e.startedAtMs >= startMs && e.startedAtMs <= startMs + 100, `started ${e.startedAtMs - startMs} ms after start`);
    const toSpeechEnd = e.speechEndSentAtMs - e.startedAtMs;
    assert.ok(toSpeechEnd >= ticksToSpeechEnd * 20 - 20 && toSpeechEnd <= ticksToSpeechEnd * 20 + 100, `speech end after ${toSpeechEnd} ms`);
    assert.ok(e.endedAtMs >= e.speechEndSentAtMs && e.endedAtMs - e.startedAtMs <= ticksToEnd * 20 + 100);
    // The loud frames reached B after they were sent.
    assert.ok(loud[loud.length - 1]!.arrivalMs >= e.speechEndSentAtMs);

    // RTCP both ways.
    assert.ok(sa.rtcpSent >= 1 && sb.rtcpSent >= 1, 'RTCP sent');
    assert.ok(sa.rtcpReceived >= 1 && sb.rtcpReceived >= 1, 'RTCP received');
    assert.equal(sa.invalidRtcp + sb.invalidRtcp, 0);
    if (sa.roundTripMs !== undefined) assert.ok(sa.roundTripMs >= 0 && sa.roundTripMs < 200);

    // Closing A sends BYE to B.
    await a.close();
    assert.ok(await waitFor(() => b.stats().remoteByeReceived, 500), 'B saw the BYE');
  } finally {
    await a.close();
    await b.close();
  }
});

test('other payload types are counted but not decoded; garbage is counted as invalid', async () => {
  const s = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMA') });
  const peer = dgram.createSocket('udp4');
  try {
    const frames: number[] = [];
    s.onFrame((pcm) => frames.push(pcm.length));
    const packet = (pt: number, seq: number, payload: number): Buffer => {
      const b = Buffer.alloc(12 + payload, 0xd5);
      b[0] = 0x80;
      b[1] = pt;
      b.writeUInt16BE(seq, 2);
      b.writeUInt32BE(seq * 160, 4);
      b.writeUInt32BE(0xcafe, 8);
      return b;
    };
    const send = (buf: Buffer): Promise<void> =>
      new Promise((resolve, reject) => peer.send(buf, s.localPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    await send(packet(8, 1, 160));
    await send(packet(101, 2, 4)); // RFC 4733 telephone-event
    await send(packet(8, 3, 80)); // a 10 ms packet: decoded into a buffer of its size
    await send(Buffer.from('not rtp at all'));
    assert.ok(await waitFor(() => s.stats().invalidPackets === 1 && frames.length === 2, 1000));
    const st = s.stats();
    assert.deepEqual(frames, [160, 80]);
    assert.equal(st.otherPayloadTypePackets, 1);
    assert.equal(st.receivedPackets, 3);
    assert.equal(st.lossPct, 0, 'the event packet fills its place in the sequence');
  } finally {
    peer.close();
    await s.close();
  }
});

test('a requested port whose RTCP neighbour is taken moves to the next even pair', async () => {
  const probe = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU') });
  const base = probe.localPort;
  await probe.close();
  const blocker = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => blocker.bind(base + 1, '127.0.0.1', () => resolve()));
  try {
    const s = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU'), localPort: base });
    try {
      assert.ok(s.localPort > base && s.localPort % 2 === 0, `got ${s.localPort}, base ${base}`);
      assert.equal(s.localRtcpPort, s.localPort + 1);
    } finally {
      await s.close();
    }
    await assert.rejects(
      RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU'), localPort: base, portAttempts: 1 }),
      { code: 'MEDIA_TRANSPORT' },
    );
    await assert.rejects(RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU'), localPort: base + 1 }), {
      code: 'MEDIA_TRANSPORT',
    });
  } finally {
    blocker.close();
  }
});

test('start() before setRemote() is a programming error; the remote must be an IP address', async () => {
  const s = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU') });
  try {
    assert.throws(() => s.start(), { code: 'INTERNAL' });
    assert.throws(() => s.setRemote({ host: 'agent.example.com', port: 4000 }), { code: 'MEDIA_TRANSPORT' });
  } finally {
    await s.close();
  }
});

function rtpPacket(pt: number, seq: number, ts: number, payload: Buffer, ssrc = 0xbeef): Buffer {
  const b = Buffer.alloc(12);
  b[0] = 0x80;
  b[1] = pt;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(ts, 4);
  b.writeUInt32BE(ssrc, 8);
  return Buffer.concat([b, payload]);
}

test('RFC 4733 events: one start and one end report per key press, on the negotiated payload type; lastReceivedAtMs follows RTP', async () => {
  const s = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU') });
  const peer = dgram.createSocket('udp4');
  try {
    s.setTelephoneEventPayloadType(96);
    const events: Array<{ event: number; end: boolean; durationTs: number; arrivalMs: number }> = [];
    s.onTelephoneEvent((ev) => events.push(ev));
    assert.equal(s.lastReceivedAtMs, undefined);
    const send = (buf: Buffer): Promise<void> =>
      new Promise((resolve, reject) => peer.send(buf, s.localPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    const ev = (event: number, end: boolean, durationTs: number): Buffer => serializeTelephoneEvent({ event, end, volume: 10, durationTs });
    const before = clock.nowMs();
    let seq = 100;
    // Digit 1: three updates then the end packet three times (RFC 4733 §2.5.1.4).
    for (const d of [160, 320, 480]) await send(rtpPacket(96, seq++, 8000, ev(1, false, d)));
    for (let i = 0; i < 3; i++) await send(rtpPacket(96, seq++, 8000, ev(1, true, 640)));
    // Same payload bytes on another payload type: not telephone-event here.
    await send(rtpPacket(101, seq++, 9000, ev(2, true, 640)));
    // Digit # (11).
    await send(rtpPacket(96, seq++, 12000, ev(11, false, 160)));
    for (let i = 0; i < 3; i++) await send(rtpPacket(96, seq++, 12000, ev(11, true, 800)));
    assert.ok(await waitFor(() => s.stats().receivedPackets === seq - 100, 1000));
    assert.deepEqual(
      events.map((e) => [e.event, e.end, e.durationTs]),
      [
        [1, false, 160],
        [1, true, 640],
        [11, false, 160],
        [11, true, 800],
      ],
    );
    for (const e of events) assert.ok(e.arrivalMs >= before && e.arrivalMs <= clock.nowMs());
    const last = s.lastReceivedAtMs;
    assert.ok(last !== undefined && last >= events[3]!.arrivalMs && last <= clock.nowMs());
    assert.equal(s.stats().lastReceivedAtMs, last);
    assert.equal(s.stats().lossPct, 0);
    assert.throws(() => s.setTelephoneEventPayloadType(128), { code: 'INTERNAL' });
  } finally {
    peer.close();
    await s.close();
  }
});

test('stopUtterance (barge-in): the reply stops at the next packet, no sent event for it; onUtteranceStarted is the first packet send time', async () => {
  const a = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU') });
  const b = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU') });
  try {
    a.setRemote({ host: '127.0.0.1', port: b.localPort });
    b.setRemote({ host: '127.0.0.1', port: a.localPort });
    const atB: Array<{ seq: number; loud: boolean; arrivalMs: number }> = [];
    b.onFrame((pcm, arrivalMs, info) => atB.push({ seq: info.sequenceNumber, loud: peak(pcm) > 1000, arrivalMs }));
    const started: Array<{ id: string; startedAtMs: number }> = [];
    const sent: string[] = [];
    a.onUtteranceStarted((e) => started.push(e));
    a.onUtteranceSent((e) => sent.push(e.id));
    a.start();
    b.start();
    a.queueUtterance({ id: 'reply', pcm: tone(8000 * 2), speechEndSample: 8000 * 2 });
    a.queueUtterance({ id: 'queued', pcm: tone(800), speechEndSample: 800 });
    assert.ok(await waitFor(() => atB.filter((f) => f.loud).length >= 5, 1000));
    const stopAt = clock.nowMs();
    a.stopUtterance();
    await sleep(200);
    const loud = atB.filter((f) => f.loud);
    // Packets that left before the stop may still be in flight; none sent after it is loud.
    const lastLoudSeq = loud[loud.length - 1]!.seq;
    const quietAfter = atB.filter((f) => ((f.seq - lastLoudSeq) & 0xffff) > 0 && ((f.seq - lastLoudSeq) & 0xffff) < 0x8000);
    assert.ok(quietAfter.length >= 5 && quietAfter.every((f) => !f.loud), 'silence after the stop');
    assert.ok(loud.length < 2 * 50 && loud.length <= Math.ceil((stopAt - started[0]!.startedAtMs) / 20) + 2);
    assert.deepEqual(sent, [], 'no utterance-sent for a dropped utterance');
    assert.deepEqual(
      started.map((e) => e.id),
      ['reply'],
    );
    // The first loud frame left A no earlier than the reported start (same clock, loopback).
    const firstLoud = loud[0]!;
    assert.ok(firstLoud.arrivalMs >= started[0]!.startedAtMs && firstLoud.arrivalMs - started[0]!.startedAtMs < 20);
  } finally {
    await a.close();
    await b.close();
  }
});

test('connectedSend: packets flow through a connect()ed socket; other sources are filtered by the kernel; no move once started', async () => {
  const a = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU'), connectedSend: true });
  const b = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU') });
  const c = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU') });
  const stranger = dgram.createSocket('udp4');
  try {
    a.setRemote({ host: '127.0.0.1', port: c.localPort });
    a.setRemote({ host: '127.0.0.1', port: b.localPort }); // before start: free to change
    b.setRemote({ host: '127.0.0.1', port: a.localPort });
    a.start();
    b.start();
    assert.ok(await waitFor(() => b.stats().receivedPackets >= 5 && a.stats().receivedPackets >= 5, 1000));
    assert.equal(c.stats().receivedPackets, 0);
    await new Promise<void>((resolve, reject) =>
      stranger.send(rtpPacket(8, 1, 160, Buffer.alloc(160, 0xd5)), a.localPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
    );
    await sleep(60);
    // The stranger's PCMA packet would count as another payload type had it reached the socket.
    assert.equal(a.stats().otherPayloadTypePackets, 0);
    assert.ok(a.stats().receivedPackets <= b.stats().sentPackets);
    a.setRemote({ host: '127.0.0.1', port: b.localPort }); // same address: fine
    assert.throws(() => a.setRemote({ host: '127.0.0.1', port: c.localPort }), { code: 'MEDIA_TRANSPORT' });
  } finally {
    stranger.close();
    await Promise.all([a.close(), b.close(), c.close()]);
  }
});

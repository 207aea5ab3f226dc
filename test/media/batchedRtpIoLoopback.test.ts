import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { SystemClock } from '../../src/core/clock.js';
import { BatchedRtpIo } from '../../src/media/batchedRtpIo.js';
import { buildRtcpCompound } from '../../src/media/rtcp.js';
import { codecFor } from '../../src/media/g711.js';
import { MediaScheduler } from '../../src/media/mediaScheduler.js';
import { RtpSession } from '../../src/media/rtpSession.js';
import type { TelephoneEvent } from '../../src/media/telephoneEventTracker.js';

const clock = new SystemClock();
const forcedOff = process.env.VOICELOAD_NATIVE_IO === '0';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The io, or a failed assertion naming why the addon did not load (CI builds it). */
function createIo(): BatchedRtpIo {
  const io = BatchedRtpIo.create({ clock });
  assert.ok(io !== undefined, `native RTP I/O not available: ${BatchedRtpIo.unavailableReason() ?? '?'}`);
  return io;
}

interface Side {
  scheduler: MediaScheduler;
  io: BatchedRtpIo | undefined;
  sessions: RtpSession[];
}

async function openSide(n: number, batched: boolean): Promise<Side> {
  const io = batched ? createIo() : undefined;
  const scheduler = new MediaScheduler({ clock, ...(io === undefined ? {} : { io }) });
  const sessions: RtpSession[] = [];
  for (let i = 0; i < n; i++) {
    sessions.push(await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU'), scheduler, sendByeOnClose: false }));
  }
  return { scheduler, io, sessions };
}

async function closeSide(side: Side): Promise<void> {
  for (const s of side.sessions) await s.close();
  side.scheduler.stop();
  side.io?.close();
}

for (const [name, aBatched, bBatched] of [
  ['batched on both sides', true, true],
  ['batched sender and receiver against plain dgram sessions', true, false],
] as const) {
  test(`full duplex over loopback, ${name}: nothing lost before the close, no arrival time later than its delivery`, { skip: forcedOff }, async (t) => {
    const n = 40;
    const a = await openSide(n, aBatched);
    const b = await openSide(n, bBatched);
    try {
      const problems: string[] = [];
      const check = (side: Side, i: number): void => {
        side.sessions[i]!.onFrame((_pcm, arrivalMs) => {
          const handledAtMs = clock.nowMs();
          if (arrivalMs > handledAtMs + 1e-6) problems.push(`arrival ${arrivalMs} after delivery ${handledAtMs}`);
        });
      };
      for (let i = 0; i < n; i++) {
        check(a, i);
        check(b, i);
        a.sessions[i]!.setRemote({ host: '127.0.0.1', port: b.sessions[i]!.localPort });
        b.sessions[i]!.setRemote({ host: '127.0.0.1', port: a.sessions[i]!.localPort });
      }
      for (const s of [...a.sessions, ...b.sessions]) s.start();
      await sleep(600);
      for (const s of a.sessions) await s.close();
      for (const s of b.sessions) await s.close();
      await sleep(30);
      for (let i = 0; i < n; i++) {
        const sa = a.sessions[i]!.stats();
        const sb = b.sessions[i]!.stats();
        assert.ok(sa.sentPackets >= 25, `session ${i} sent ${sa.sentPackets} in 600 ms`);
        // Closing is not instantaneous: a closes first, so b's packets of its last ticks meet a closed
        // session, and a's last packet may meet b mid-close (seen with plain dgram on both sides too).
        // Every packet before those (at most 2 ticks) arrives.
        assert.ok(sa.sentPackets - sb.receivedPackets <= 2 && sa.sentPackets >= sb.receivedPackets, `session ${i}: b received ${sb.receivedPackets} of a's ${sa.sentPackets}`);
        assert.ok(sb.sentPackets - sa.receivedPackets <= 2 && sb.sentPackets >= sa.receivedPackets, `session ${i}: a received ${sa.receivedPackets} of b's ${sb.sentPackets}`);
        assert.equal(sa.lostPackets, 0);
        assert.equal(sb.lostPackets, 0);
      }
      assert.deepEqual(problems, []);
      if (a.io !== undefined) {
        const st = a.io.stats();
        t.diagnostic(`io a: ${JSON.stringify(st)}`);
        assert.equal(st.endpoints, 0, 'every closed session detached');
        assert.equal(st.sendErrors, 0);
        assert.ok(st.flushes < st.packetsSent / 2, `${st.packetsSent} packets went out in ${st.flushes} flushes`);
      }
      const snap = a.scheduler.snapshot();
      assert.equal(snap.pacingErrorMs.count, snap.packets, 'pacing recorded once per packet, batched or not');
    } finally {
      await closeSide(a);
      await closeSide(b);
    }
  });
}

test('a batched receiver timestamps each packet at its arrival in the kernel, not at the (later) drain', { skip: forcedOff }, async () => {
  const io = createIo();
  const scheduler = new MediaScheduler({ clock, io });
  const session = await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU'), scheduler, sendByeOnClose: false });
  const sender = dgram.createSocket('udp4');
  try {
    const arrivals: Array<{ arrivalMs: number; handledAtMs: number }> = [];
    session.onFrame((_pcm, arrivalMs) => arrivals.push({ arrivalMs, handledAtMs: clock.nowMs() }));
    const packet = Buffer.alloc(172);
    packet[0] = 0x80; // V=2, PT 0 (PCMU)
    const send = (): Promise<void> =>
      new Promise<void>((resolve, reject) => sender.send(packet, session.localPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    // Linux turns receive timestamps on for the whole stack a moment after the first socket asks
    // (a deferred static key); until then a packet is stamped when it is read. One warm-up packet.
    packet.writeUInt16BE(65535, 2);
    await send();
    await sleep(20);
    arrivals.length = 0;
    const sentAtMs: number[] = [];
    for (let k = 0; k < 3; k++) {
      packet.writeUInt16BE(k, 2);
      packet.writeUInt32BE(160 * k, 4);
      sentAtMs.push(clock.nowMs());
      await send();
    }
    // Nothing drains yet (the session has not started and the io polls every 5 ms): wait well past it.
    await sleep(40);
    assert.equal(arrivals.length, 3);
    for (let k = 0; k < 3; k++) {
      const { arrivalMs, handledAtMs } = arrivals[k]!;
      assert.ok(arrivalMs >= sentAtMs[k]! - 0.5, `packet ${k}: arrival ${arrivalMs} before its send ${sentAtMs[k]}`);
      assert.ok(arrivalMs <= (sentAtMs[k + 1] ?? handledAtMs) + 0.5, `packet ${k}: arrival ${arrivalMs} later than the next send`);
      assert.ok(arrivalMs <= handledAtMs);
    }
  } finally {
    sender.close();
    await session.close();
    scheduler.stop();
    io.close();
  }
});

test('DTMF and RTCP multiplexed on the RTP port go through the batched path too', { skip: forcedOff }, async () => {
  const a = await openSide(1, true);
  const b = await openSide(1, true);
  const [sa] = a.sessions as [RtpSession];
  const [sb] = b.sessions as [RtpSession];
  const raw = dgram.createSocket('udp4');
  try {
    sa.setTelephoneEventPayloadType(101);
    sb.setTelephoneEventPayloadType(101);
    const events: TelephoneEvent[] = [];
    sb.onTelephoneEvent((ev) => events.push(ev));
    sa.setRemote({ host: '127.0.0.1', port: sb.localPort });
    sb.setRemote({ host: '127.0.0.1', port: sa.localPort });
    sa.start();
    sb.start();
    await sa.sendDtmf('42', { durationMs: 60, gapMs: 40 });
    const rtcp = buildRtcpCompound({ ssrc: 0x1234, cname: 'mux-test', nowMs: clock.nowMs() });
    await new Promise<void>((resolve, reject) => raw.send(rtcp, sa.localPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    await sleep(60);
    assert.deepEqual(
      events.filter((e) => e.end).map((e) => e.event),
      [4, 2],
    );
    assert.equal(sa.stats().rtcpReceived, 1, 'RTCP on the RTP port (RFC 5761) is parsed, not counted as invalid RTP');
    assert.equal(sa.stats().invalidPackets, 0);
  } finally {
    raw.close();
    await closeSide(a);
    await closeSide(b);
  }
});

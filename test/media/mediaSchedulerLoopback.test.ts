import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemClock } from '../../src/core/clock.js';
import { codecFor } from '../../src/media/g711.js';
import { MediaScheduler } from '../../src/media/mediaScheduler.js';
import { RtpSession } from '../../src/media/rtpSession.js';

const clock = new SystemClock();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

test('50 sessions on one MediaScheduler (some joining mid-way) stream to 50 peers over loopback without loss', async (t) => {
  const scheduler = new MediaScheduler({ clock, phases: 4 });
  const n = 50;
  const senders: RtpSession[] = [];
  const receivers: RtpSession[] = [];
  try {
    for (let i = 0; i < n; i++) {
      senders.push(await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU'), scheduler, sendByeOnClose: false }));
      receivers.push(await RtpSession.open({ clock, localHost: '127.0.0.1', codec: codecFor('PCMU') }));
    }
    const timestampSteps = receivers.map(() => new Set<number>());
    receivers.forEach((r, i) => {
      let lastTs: number | undefined;
      r.onFrame((_pcm, _at, info) => {
        if (lastTs !== undefined) timestampSteps[i]!.add((info.timestamp - lastTs) >>> 0);
        lastTs = info.timestamp;
      });
      senders[i]!.setRemote({ host: '127.0.0.1', port: r.localPort });
    });
    for (let i = 0; i < n / 2; i++) senders[i]!.start();
    await sleep(300);
    for (let i = n / 2; i < n; i++) senders[i]!.start();
    await sleep(600);
    for (const s of senders) await s.close();
    await sleep(50); // packets in flight on loopback
    const snap = scheduler.snapshot();
    const sent = senders.map((s) => s.stats().sentPackets);
    const received = receivers.map((r) => r.stats().receivedPackets);
    t.diagnostic(
      `packets ${snap.packets} in ${snap.wakeUps} wake-ups; pacing error p50 ${snap.pacingErrorMs.p50} ms p99 ${snap.pacingErrorMs.p99} ms max ${snap.pacingErrorMs.max} ms; event-loop lag p99 ${snap.eventLoopLagMs.p99} ms`,
    );
    assert.equal(snap.members, 0, 'every session unregistered on close');
    assert.equal(
      snap.packets,
      sent.reduce((a, b) => a + b, 0),
      'one scheduler tick per packet sent',
    );
    assert.equal(snap.pacingErrorMs.count, snap.packets);
    // ~900 ms for the first half, ~600 ms for the second: 1 packet per 20 ms each (a few ms of slack).
    for (let i = 0; i < n; i++) {
      const expected = i < n / 2 ? 900 / 20 : 600 / 20;
      assert.ok(Math.abs(sent[i]! - expected) <= 6, `session ${i} sent ${sent[i]}, expected ~${expected}`);
      assert.equal(received[i], sent[i], `session ${i}: every packet arrived`);
      const r = receivers[i]!.stats();
      assert.equal(r.lostPackets, 0);
      // Without a stall longer than 1 s nothing is skipped: the timestamp moves 160 per packet.
      assert.deepEqual([...timestampSteps[i]!], [160], `session ${i} timestamp steps`);
      assert.equal(senders[i]!.stats().skippedTicks, 0);
    }
    // Pacing error per session equals what the scheduler saw for it.
    const perSessionCount = senders.reduce((a, s) => a + s.stats().pacingErrorMs.count, 0);
    assert.equal(perSessionCount, snap.packets);
  } finally {
    scheduler.stop();
    for (const s of [...senders, ...receivers]) await s.close();
  }
});

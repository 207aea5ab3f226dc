import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpReceiveStats } from '../../src/media/rtpReceiveStats.js';

const SSRC = 0xabcdef01;

/** Feeds sequence numbers, each arriving exactly when its timestamp says (no jitter). */
function feed(stats: RtpReceiveStats, seqs: number[], ssrc = SSRC, t0 = 0): boolean[] {
  const first = seqs[0] ?? 0;
  return seqs.map((seq) => stats.update(ssrc, seq & 0xffff, (seq * 160) >>> 0, t0 + (seq - first) * 20, 160));
}

function range(from: number, toInclusive: number): number[] {
  return Array.from({ length: toInclusive - from + 1 }, (_, i) => from + i);
}

test('in-order stream with a hole: expected, lost and loss % (A.3)', () => {
  const stats = new RtpReceiveStats({ clockRate: 8000 });
  const seqs = range(1000, 1099).filter((s) => s < 1040 || s >= 1045); // 5 lost
  feed(stats, seqs);
  const s = stats.snapshot();
  assert.equal(s.expected, 100);
  assert.equal(s.received, 95);
  assert.equal(s.lost, 5);
  assert.equal(s.lossPct, 5);
  assert.equal(s.extendedHighestSequence, 1099);
  assert.equal(s.packets, 95);
  assert.equal(s.payloadBytes, 95 * 160);
  assert.equal(s.jitterMs, 0);
});

test('sequence wrap at 65535 extends the highest sequence number', () => {
  const stats = new RtpReceiveStats({ clockRate: 8000 });
  feed(stats, range(65530, 65536 + 10)); // 65530..65535, 0..10
  const s = stats.snapshot();
  assert.equal(s.extendedHighestSequence, 65536 + 10);
  assert.equal(s.expected, 17);
  assert.equal(s.lost, 0);
});

test('reordering, including across the wrap, is neither loss nor a new cycle', () => {
  const stats = new RtpReceiveStats({ clockRate: 8000 });
  feed(stats, [65533, 65534, 0, 65535, 1, 3, 2, 4]);
  const s = stats.snapshot();
  assert.equal(s.extendedHighestSequence, 65536 + 4);
  assert.equal(s.expected, 8);
  assert.equal(s.received, 8);
  assert.equal(s.lost, 0);
});

test('a duplicate makes cumulative lost negative and loss % zero', () => {
  const stats = new RtpReceiveStats({ clockRate: 8000 });
  feed(stats, [10, 11, 11, 12]);
  const s = stats.snapshot();
  assert.equal(s.expected, 3);
  assert.equal(s.received, 4);
  assert.equal(s.lost, -1);
  assert.equal(s.lossPct, 0);
  assert.equal(stats.takeReceptionReport()?.cumulativeLost, -1);
});

test('a large jump is ignored once and taken as a restart when the next packet follows it (A.1)', () => {
  const stats = new RtpReceiveStats({ clockRate: 8000 });
  const accepted = feed(stats, [100, 101, 20000, 20001, 20002]);
  assert.deepEqual(accepted, [true, true, false, true, true]);
  const s = stats.snapshot();
  assert.equal(s.restarts, 1);
  // Epoch 1: 100..101 (2 of 2); epoch 2 starts at 20001: 2 of 2. The lone 20000 is not counted.
  assert.equal(s.expected, 4);
  assert.equal(s.received, 4);
  assert.equal(s.extendedHighestSequence, 20002);
});

test('probation holds a new source until minSequential packets in a row', () => {
  const stats = new RtpReceiveStats({ clockRate: 8000, minSequential: 2 });
  assert.deepEqual(feed(stats, [500, 600, 601, 602]), [false, false, true, true]);
  const s = stats.snapshot();
  assert.equal(s.expected, 2);
  assert.equal(s.received, 2);
  assert.equal(s.packets, 4);
});

test('a new SSRC starts a new source; whole-stream loss carries the old one', () => {
  const stats = new RtpReceiveStats({ clockRate: 8000 });
  feed(stats, [1, 2, 4]); // 1 lost
  feed(stats, [9000, 9001, 9003, 9004], 0x1111, 100); // 1 lost
  const s = stats.snapshot();
  assert.equal(s.ssrc, 0x1111);
  assert.equal(s.restarts, 1);
  assert.equal(s.expected, 4 + 5);
  assert.equal(s.lost, 2);
  assert.equal(stats.takeReceptionReport()?.extendedHighestSequence, 9004);
});

test('interarrival jitter matches J += (|D| − J)/16 computed from constructed arrivals (A.8)', () => {
  const clockRate = 8000;
  const stats = new RtpReceiveStats({ clockRate });
  const ts0 = 2 ** 32 - 800; // the timestamp wraps during the run
  // Arrivals: nominal 20 ms spacing plus a deterministic delay pattern (ms).
  const delays = [0, 3, 1, 7.5, 0, 12, 2, 2, 40, 0, 5, 1, 0, 0, 9, 3];
  let expectedJms = 0;
  let prevArrival = 0;
  let prevTsMs = 0;
  delays.forEach((delay, i) => {
    const tsMs = i * 20;
    const arrival = 1000 + tsMs + delay;
    stats.update(SSRC, i, (ts0 + i * 160) >>> 0, arrival, 160);
    if (i > 0) {
      // D in ms directly: difference of arrival spacing and sending spacing.
      const d = arrival - prevArrival - (tsMs - prevTsMs);
      expectedJms += (Math.abs(d) - expectedJms) / 16;
    }
    prevArrival = arrival;
    prevTsMs = tsMs;
  });
  assert.ok(expectedJms > 0);
  assert.ok(Math.abs(stats.jitterMs - expectedJms) < 1e-9, `${stats.jitterMs} vs ${expectedJms}`);
  const report = stats.takeReceptionReport();
  assert.equal(report?.jitter, Math.floor((expectedJms * clockRate) / 1000));
  // Largest arrival gap: 20 ms spacing plus the biggest delay increase.
  const gaps = delays.slice(1).map((d, i) => 20 + d - delays[i]!);
  assert.equal(stats.snapshot().maxGapMs, Math.max(...gaps));
});

test('fraction lost covers only the interval since the previous report (A.3)', () => {
  const stats = new RtpReceiveStats({ clockRate: 8000 });
  // Interval 1: 0..99 with 10 lost.
  feed(
    stats,
    range(0, 99).filter((s) => s % 10 !== 5),
  );
  const r1 = stats.takeReceptionReport();
  assert.equal(r1?.fractionLost, Math.floor((10 * 256) / 100));
  assert.equal(r1?.cumulativeLost, 10);
  // Interval 2: 100..149, none lost.
  feed(stats, range(100, 149), SSRC, 2000);
  const r2 = stats.takeReceptionReport();
  assert.equal(r2?.fractionLost, 0);
  assert.equal(r2?.cumulativeLost, 10);
  assert.equal(r2?.extendedHighestSequence, 149);
  assert.equal(r2?.ssrc, SSRC);
});

test('no reception report before a packet counts', () => {
  const stats = new RtpReceiveStats({ clockRate: 8000 });
  assert.equal(stats.takeReceptionReport(), undefined);
  assert.equal(stats.snapshot().lossPct, 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/core/fakeClock.js';
import { SuccessRetransmitter } from '../../../src/sip/ua/successRetransmitter.js';

function run(t1Ms: number, t2Ms: number, stopAtMs?: number): { sends: number[]; gaveUpAt: number | undefined } {
  const clock = new FakeClock(0);
  const sends: number[] = [];
  let gaveUpAt: number | undefined;
  const r = new SuccessRetransmitter({ clock, t1Ms, t2Ms, resend: () => sends.push(clock.nowMs()), onGiveUp: () => (gaveUpAt = clock.nowMs()) });
  if (stopAtMs !== undefined) clock.setTimer(stopAtMs, () => r.stop());
  clock.advance(64 * t1Ms + 10_000);
  return { sends, gaveUpAt };
}

test('re-sends at T1, then doubling intervals capped at T2, and gives up at 64·T1 (RFC 3261 §13.3.1.4)', () => {
  for (const [t1, t2] of [[500, 4000], [100, 250], [20, 40]] as Array<[number, number]>) {
    const { sends, gaveUpAt } = run(t1, t2);
    const expected: number[] = [];
    for (let t = 0, interval = t1; t + interval < 64 * t1; interval = Math.min(interval * 2, t2)) expected.push((t += interval));
    assert.deepEqual(sends, expected, `T1=${t1} T2=${t2}`);
    assert.equal(gaveUpAt, 64 * t1);
    // Intervals never exceed T2.
    for (let i = 1; i < sends.length; i++) assert.ok((sends[i] ?? 0) - (sends[i - 1] ?? 0) <= t2);
  }
});

test('stop() (the ACK) ends the retransmissions and there is no give-up', () => {
  const { sends, gaveUpAt } = run(500, 4000, 1600);
  assert.deepEqual(sends, [500, 1500]);
  assert.equal(gaveUpAt, undefined);
});

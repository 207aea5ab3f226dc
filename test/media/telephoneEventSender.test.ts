import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfTickAction, TelephoneEventSender, type DtmfRequest } from '../../src/media/telephoneEventSender.js';

const STEP = 160; // 20 ms at 8 kHz

interface Out {
  tick: number;
  action: DtmfTickAction;
  event?: number;
  end?: boolean;
  durationTs?: number;
  volume?: number;
  startTick?: number;
  marker?: boolean;
  /** Requests completed by afterSend() right after this tick. */
  doneAfter: string[];
}

function request(events: number[], durationTs: number, gapTs: number, log: string[], name = 'r', volume = 10): DtmfRequest {
  return { events, durationTs, gapTs, volume, done: () => log.push(`${name} done`), fail: (e) => log.push(`${name} failed: ${e.message}`) };
}

/** Runs ticks `ticks` (in order), recording each decision and what afterSend() settled. */
function drive(s: TelephoneEventSender, ticks: number[], log: string[]): Out[] {
  const out: Out[] = [];
  for (const tick of ticks) {
    const before = log.length;
    const action = s.tick(tick);
    const o: Out = { tick, action, doneAfter: [] };
    if (action === DtmfTickAction.Event) {
      Object.assign(o, { ...s.report, startTick: s.eventStartTick, marker: s.marker });
    }
    s.afterSend();
    o.doneAfter = log.slice(before);
    out.push(o);
  }
  return out;
}

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

test('a 100 ms key: updates every tick with growing duration, marker first, E bit on the final report sent three times', () => {
  const log: string[] = [];
  const s = new TelephoneEventSender({ timestampStep: STEP });
  assert.equal(s.idle, true);
  assert.equal(s.tick(0), DtmfTickAction.Audio, 'nothing queued: audio');
  const durationTs = 800;
  s.enqueue(request([1], durationTs, 800, log));
  assert.equal(s.idle, false);
  const out = drive(s, range(7, 10), log);
  const events = out.filter((o) => o.action === DtmfTickAction.Event);
  // Ground truth from RFC 4733 §2.5: one packet per 20 ms while the tone lasts (the last of them
  // reaching the full duration), then that final report twice more.
  const tonePackets = Math.ceil(durationTs / STEP);
  assert.equal(events.length, tonePackets + 2);
  assert.equal(events.length, 7, 'a 100 ms key is 4 updates + 3 end reports');
  events.forEach((e, i) => {
    assert.equal(e.tick, 7 + i, 'consecutive ticks');
    assert.equal(e.startTick, 7, 'timestamp fixed at the event start');
    assert.equal(e.marker, i === 0, 'marker on the first packet only');
    assert.equal(e.event, 1);
    assert.equal(e.volume, 10);
    assert.equal(e.durationTs, Math.min(durationTs, (i + 1) * STEP));
    assert.equal(e.end, (i + 1) * STEP >= durationTs);
  });
  assert.equal(events.filter((e) => e.end).length, 3, 'E bit ×3');
  assert.ok(events.filter((e) => e.end).every((e) => e.durationTs === durationTs), 'end reports carry the same duration');
  // Completed with the packet of the third end report, not before.
  assert.deepEqual(out.map((o) => o.doneAfter.length), out.map((o) => (o.tick === 13 ? 1 : 0)));
  assert.deepEqual(
    out.slice(7).map((o) => o.action),
    [DtmfTickAction.Audio, DtmfTickAction.Audio, DtmfTickAction.Audio],
    'audio right after the last key',
  );
  assert.equal(s.idle, true);
});

test('keys of one request are gapTs of media time apart (tone end to next start), silence in between', () => {
  const log: string[] = [];
  const s = new TelephoneEventSender({ timestampStep: STEP });
  const durationTs = 800; // 100 ms
  const gapTs = 800; // 100 ms
  s.enqueue(request([1, 11], durationTs, gapTs, log));
  const out = drive(s, range(100, 24), log);
  const starts = out.filter((o) => o.marker === true);
  assert.deepEqual(starts.map((o) => o.event), [1, 11]);
  const first = starts[0]!;
  const second = starts[1]!;
  // The first tone ends at tick start + duration; the next starts a gap later.
  assert.equal(second.tick, first.tick + (durationTs + gapTs) / STEP);
  assert.equal((second.startTick! - first.startTick!) * STEP, durationTs + gapTs);
  const lastEndOfFirst = Math.max(...out.filter((o) => o.event === 1 && o.end).map((o) => o.tick));
  const between = out.filter((o) => o.tick > lastEndOfFirst && o.tick < second.tick);
  assert.ok(between.length > 0);
  assert.ok(between.every((o) => o.action === DtmfTickAction.Silence), 'silence, not audio, between keys');
  assert.deepEqual(log, ['r done']);
  assert.equal(out.find((o) => o.doneAfter.length > 0)?.tick, Math.max(...out.filter((o) => o.end === true).map((o) => o.tick)));
});

test('a duration that is not a whole number of packets ends exactly; a short gap still leaves room for the end repeats', () => {
  const log: string[] = [];
  const s = new TelephoneEventSender({ timestampStep: STEP });
  s.enqueue(request([5, 6], 720, 0, log)); // 90 ms, no gap
  const out = drive(s, range(0, 16), log);
  const five = out.filter((o) => o.event === 5);
  assert.deepEqual(five.map((o) => o.durationTs), [160, 320, 480, 640, 720, 720, 720]);
  assert.deepEqual(five.map((o) => o.end), [false, false, false, false, true, true, true]);
  const six = out.filter((o) => o.event === 6);
  assert.equal(six[0]!.marker, true);
  assert.equal(six[0]!.tick, five.at(-1)!.tick + 1, 'with no gap the next key follows the last end report');
});

test('skipped ticks (a stalled timer): duration follows the tick index; end reports are still sent three times', () => {
  const log: string[] = [];
  const s = new TelephoneEventSender({ timestampStep: STEP });
  s.enqueue(request([9], 800, 0, log));
  const out = drive(s, [10, 11, 14, 15, 16, 17], log);
  assert.deepEqual(
    out.map((o) => [o.tick, o.durationTs, o.end, o.startTick]),
    [
      [10, 160, false, 10],
      [11, 320, false, 10],
      [14, 800, true, 10],
      [15, 800, true, 10],
      [16, 800, true, 10],
      [17, undefined, undefined, undefined],
    ],
  );
  assert.deepEqual(log, ['r done']);
});

test('requests queue: the second starts its gap after the first one\'s last tone; cancelAll fails what is left', () => {
  const log: string[] = [];
  const s = new TelephoneEventSender({ timestampStep: STEP });
  s.enqueue(request([1], 320, 480, log, 'a'));
  s.enqueue(request([2, 3], 320, 480, log, 'b', 20));
  const out = drive(s, range(0, 12), log); // stops during b's second key
  const starts = out.filter((o) => o.marker === true);
  assert.deepEqual(starts.map((o) => [o.event, o.tick]), [
    [1, 0],
    [2, (320 + 480) / STEP],
    [3, (2 * (320 + 480)) / STEP],
  ]);
  assert.equal(out.find((o) => o.event === 2)?.volume, 20);
  assert.deepEqual(log, ['a done']);
  s.cancelAll(new Error('closed'));
  assert.deepEqual(log, ['a done', 'b failed: closed']);
  assert.equal(s.idle, true);
  assert.equal(s.tick(12), DtmfTickAction.Audio);
});

test('a request after a pause in keys starts at once when the gap has passed, and waits otherwise', () => {
  const log: string[] = [];
  const s = new TelephoneEventSender({ timestampStep: STEP });
  s.enqueue(request([1], 160, 1600, log));
  drive(s, range(0, 3), log); // ticks 0..2: tone ends at tick 1
  assert.equal(s.idle, true);
  s.enqueue(request([2], 160, 1600, log)); // gap 200 ms = 10 ticks from tick 1: start at 11
  const out = drive(s, range(3, 8), log); // ticks 3..10
  assert.ok(out.every((o) => o.action === DtmfTickAction.Silence), 'waiting for the gap');
  assert.equal(drive(s, [11], log)[0]!.marker, true);
});

test('out-of-range requests are refused when queued', () => {
  const s = new TelephoneEventSender({ timestampStep: STEP });
  const log: string[] = [];
  assert.throws(() => s.enqueue(request([1], 0, 0, log)), RangeError);
  assert.throws(() => s.enqueue(request([1], 0x10000, 0, log)), RangeError);
  assert.throws(() => s.enqueue(request([1], 800, -1, log)), RangeError);
  assert.throws(() => s.enqueue(request([1], 800, 0, log, 'r', 64)), RangeError);
  assert.throws(() => s.enqueue(request([256], 800, 0, log)), RangeError);
  assert.throws(() => s.enqueue(request([], 800, 0, log)), RangeError);
  assert.equal(s.idle, true);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoiceloadError } from '../../src/core/errors.js';
import { checkPortRangeFits, formatPortRange, parsePortRange, rtpPairCount, rtpPairPorts, splitPortRange } from '../../src/load/portRange.js';

test('parsePortRange reads FIRST-LAST and a single port; formatPortRange gives the text back', () => {
  for (const text of ['20000-29999', '5060', '1024-65535', '20001-20002']) {
    assert.equal(formatPortRange(parsePortRange(text)), text);
  }
  assert.deepEqual(parsePortRange(' 20000 - 20099 '), { first: 20000, last: 20099 });
});

test('parsePortRange: usage errors name the flag and hint at the form', () => {
  for (const text of ['', 'abc', '20000-', '-5', '20000-19999', '80-90', '20000-70000', '1.5-2']) {
    assert.throws(
      () => parsePortRange(text, '--rtp-ports'),
      (e: unknown) => e instanceof VoiceloadError && e.code === 'CLI_USAGE' && e.message.includes('--rtp-ports') && (e.hint ?? '').includes('FIRST-LAST'),
      text,
    );
  }
});

test('RTP pairs start on even ports and need their odd RTCP port inside the range', () => {
  for (const [text, expected] of [
    ['20000-20009', [20000, 20002, 20004, 20006, 20008]],
    ['20001-20010', [20002, 20004, 20006, 20008]],
    ['20000-20000', []],
    ['20001-20002', []],
    ['20000-20001', [20000]],
  ] as const) {
    const range = parsePortRange(text);
    assert.deepEqual(rtpPairPorts(range), expected, text);
    assert.equal(rtpPairCount(range), expected.length, text);
  }
});

test('checkPortRangeFits: a range too small for -l is a clear error before the run', () => {
  checkPortRangeFits(parsePortRange('20000-20099'), 50);
  assert.throws(
    () => checkPortRangeFits(parsePortRange('20000-20099'), 200),
    (e: unknown) =>
      e instanceof VoiceloadError &&
      e.code === 'PORTS_EXHAUSTED' &&
      e.message === 'RTP ports 20000-20099 give 50 pairs; -l 200 needs 200' &&
      (e.hint ?? '').includes('--rtp-ports') &&
      (e.hint ?? '').includes('-l'),
  );
});

test('splitPortRange: disjoint parts of whole pairs, sized by each shard\'s cap', () => {
  const range = parsePortRange('20000-20099'); // 50 pairs
  for (const weights of [[1, 1], [25, 25], [3, 1], [1, 1, 1], [7]]) {
    const parts = splitPortRange(range, weights);
    assert.equal(parts.length, weights.length);
    const all = parts.flatMap((p) => (p === null ? [] : rtpPairPorts(p)));
    assert.deepEqual(all, rtpPairPorts(range), `${weights}: every pair once, in order`);
    const total = weights.reduce((a, b) => a + b, 0);
    parts.forEach((p, i) => {
      const share = (50 * (weights[i] ?? 0)) / total;
      const n = p === null ? 0 : rtpPairCount(p);
      assert.ok(Math.abs(n - share) < 1 + 1e-9, `${weights}: part ${i} holds ${n} pairs, share ${share}`);
    });
  }
  assert.deepEqual(splitPortRange(parsePortRange('20000-20001'), [1, 1]).filter((p) => p === null).length, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDurationMs, parseDurationMs } from '../../src/cli/duration.js';
import { VoiceloadError } from '../../src/core/errors.js';

test('durations with units parse to milliseconds', () => {
  assert.equal(parseDurationMs('800ms'), 800);
  assert.equal(parseDurationMs('10s'), 10_000);
  assert.equal(parseDurationMs('1.5s'), 1500);
  assert.equal(parseDurationMs('2m'), 120_000);
  assert.equal(parseDurationMs('1h'), 3_600_000);
  assert.equal(parseDurationMs('7'), 7000);
});

test('a malformed duration is a usage error with a hint', () => {
  for (const bad of ['', 'ten', '10 sec', '-5s', '1e3']) {
    assert.throws(
      () => parseDurationMs(bad, '--reply-timeout'),
      (e: unknown) => e instanceof VoiceloadError && e.code === 'CLI_USAGE' && e.message.includes('--reply-timeout') && e.hint !== undefined,
    );
  }
});

test('durations format for humans', () => {
  assert.equal(formatDurationMs(850), '850 ms');
  assert.equal(formatDurationMs(1250), '1.25 s');
  assert.equal(formatDurationMs(2000), '2 s');
  assert.equal(formatDurationMs(125_000), '2 min 5 s');
});

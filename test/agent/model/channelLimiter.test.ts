import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isVoiceloadError } from '../../../src/core/errors.js';
import { ChannelLimiter } from '../../../src/agent/model/channelLimiter.js';

test('calls beyond the channel limit are refused and counted; a release frees a channel', () => {
  const limit = 5;
  const trunk = new ChannelLimiter(limit);
  const results = Array.from({ length: 8 }, () => trunk.tryAcquire());
  assert.deepEqual(results, [...new Array<boolean>(limit).fill(true), false, false, false]);
  assert.deepEqual(trunk.stats(), { active: limit, limit, rejected: 3 });
  trunk.release();
  assert.equal(trunk.tryAcquire(), true);
  assert.equal(trunk.tryAcquire(), false);
  assert.deepEqual(trunk.stats(), { active: limit, limit, rejected: 4 });
});

test('a zero-channel trunk refuses everything; over-release is an internal error', () => {
  const trunk = new ChannelLimiter(0);
  assert.equal(trunk.tryAcquire(), false);
  assert.throws(() => trunk.release(), (e: unknown) => isVoiceloadError(e) && e.code === 'INTERNAL');
  assert.throws(() => new ChannelLimiter(-1), (e: unknown) => isVoiceloadError(e) && e.code === 'CONFIG');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/core/fakeClock.js';
import { NonceStore } from '../../../src/sip/ua/nonceStore.js';

test('a nonce is valid once issued, until its TTL; unknown nonces are not', () => {
  const clock = new FakeClock(0);
  const store = new NonceStore({ clock, ttlMs: 1000 });
  const n = store.issue();
  assert.match(n, /^[0-9a-f]{32}$/);
  assert.notEqual(store.issue(), n);
  assert.equal(store.isValid(n), true);
  assert.equal(store.isValid('other'), false);
  clock.advance(999);
  assert.equal(store.isValid(n), true);
  clock.advance(1);
  assert.equal(store.isValid(n), false);
});

test('bounded: beyond maxEntries the oldest nonce is forgotten first; expired ones are evicted on issue', () => {
  const clock = new FakeClock(0);
  const store = new NonceStore({ clock, ttlMs: 10_000, maxEntries: 3 });
  const nonces = [store.issue(), store.issue(), store.issue(), store.issue()];
  assert.equal(store.size, 3);
  assert.deepEqual(nonces.map((n) => store.isValid(n)), [false, true, true, true]);
  clock.advance(10_000);
  store.issue();
  assert.equal(store.size, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/core/fakeClock.js';
import { getHeader } from '../../../src/sip/message.js';
import { createMemoryTransportPair } from '../../../src/sip/transport/memoryTransport.js';
import { request } from '../transaction/txTestKit.js';
import { collect } from './transportTestKit.js';

const opts = { timeout: 5000 };

test('memory pair delivers through the clock, with latency, and drops the chosen messages', opts, () => {
  const clock = new FakeClock(1000);
  const [a, b] = createMemoryTransportPair({ clock, latencyMs: 20, drop: (n) => n === 2 });
  const got = collect(b);
  const reqs = [request('OPTIONS'), request('INFO'), request('BYE')];
  for (const r of reqs) a.send(r, b.local);
  assert.equal(got.messages.length, 0, 'nothing is delivered synchronously');
  clock.advance(19);
  assert.equal(got.messages.length, 0);
  clock.advance(1);
  assert.deepEqual(
    got.messages.map((m) => getHeader(m.message, 'Call-ID')),
    [reqs[0], reqs[2]].map((r) => getHeader(r!, 'Call-ID')),
  );
  assert.deepEqual(got.messages[0]!.source, a.local);
  assert.equal(got.messages[0]!.receivedAtMs, 1020);
  assert.deepEqual(a.sent.map((s) => s.dropped), [false, true, false]);
  assert.equal(a.reliable, false);
  assert.equal(a.protocol, 'udp');
});

test('memory pair: the receiver gets a copy, a wrong destination is an asynchronous SIP_TRANSPORT error', opts, () => {
  const clock = new FakeClock();
  const [a, b] = createMemoryTransportPair({ clock, reliable: true });
  assert.equal(b.reliable, true);
  const got = collect(b);
  const errs = collect(a);
  const req = request('OPTIONS');
  a.send(req, b.local);
  clock.advance(0);
  got.messages[0]!.message.headers[0]!.value = 'changed';
  assert.notEqual(req.headers[0]!.value, 'changed');
  a.send(req, { host: '198.51.100.1', port: 5060 });
  assert.equal(errs.errors.length, 0);
  clock.advance(0);
  assert.equal(errs.errors[0]!.err.code, 'SIP_TRANSPORT');
});

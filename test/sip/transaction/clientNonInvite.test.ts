import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse } from '../../../src/sip/transaction/createResponse.js';
import { rawPeer, recorder, request, retransmitSchedule } from './txTestKit.js';

const opts = { timeout: 5000 };

test('non-INVITE over UDP: Timer E doubles up to T2, Timer F = 64*T1 times out', opts, () => {
  const { clock, a, b, uac } = rawPeer();
  const rec = recorder(clock);
  const tx = uac.sendRequest(request('BYE'), b.local, rec);
  assert.equal(tx.state, 'trying');
  clock.advance(40_000);
  const times = a.sent.map((s) => s.atMs);
  assert.deepEqual(times, retransmitSchedule(500, 4000));
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.equal(Math.max(...gaps), uac.timers.t2Ms, 'capped at T2');
  assert.deepEqual(rec.timeouts, [64 * 500]);
  assert.equal(tx.state, 'terminated');
  assert.equal(clock.pendingTimers, 0);
});

test('non-INVITE in Proceeding retransmits every T2', opts, () => {
  const { clock, a, b, uac } = rawPeer();
  const rec = recorder(clock);
  const req = request('REGISTER');
  const tx = uac.sendRequest(req, b.local, rec);
  clock.advance(600); // sent at 0 and 500; Timer E next due at 1500
  b.send(createResponse(req, 100, 'Trying'), a.local);
  clock.advance(0);
  assert.equal(tx.state, 'proceeding');
  clock.advance(20_000 - 600);
  const times = a.sent.map((s) => s.atMs);
  const expected = [0, 500, 1500];
  for (let t = 1500 + 4000; t <= 20_000; t += 4000) expected.push(t);
  assert.deepEqual(times, expected);
  assert.deepEqual(rec.responses.map((r) => r.status), [100]);
});

test('non-INVITE final: Completed absorbs retransmitted finals until Timer K = T4, then they are strays', opts, () => {
  const { clock, a, b, uac } = rawPeer();
  const rec = recorder(clock);
  const strays: number[] = [];
  uac.onStrayResponse((res) => strays.push(res.status));
  const req = request('BYE');
  const tx = uac.sendRequest(req, b.local, rec);
  const ok = createResponse(req, 200, 'OK');
  b.send(ok, a.local);
  clock.advance(0);
  assert.equal(tx.state, 'completed');
  b.send(ok, a.local);
  clock.advance(4999);
  assert.equal(tx.state, 'completed');
  assert.deepEqual(rec.responses.map((r) => r.status), [200], 'the retransmitted 200 is absorbed');
  assert.equal(a.sent.length, 1, 'no retransmission after the final');
  clock.advance(1);
  assert.equal(tx.state, 'terminated', 'Timer K = T4');
  b.send(ok, a.local);
  clock.advance(0);
  assert.deepEqual(strays, [200]);
});

test('non-INVITE over a reliable transport: no Timer E, Timer K = 0', opts, () => {
  const { clock, a, b, uac } = rawPeer({ reliable: true, timers: { t1Ms: 50, t4Ms: 2500 } });
  const rec = recorder(clock);
  const req = request('OPTIONS');
  const tx = uac.sendRequest(req, b.local, rec);
  clock.advance(1000);
  assert.equal(a.sent.length, 1);
  b.send(createResponse(req, 200, 'OK'), a.local);
  clock.advance(0);
  assert.equal(tx.state, 'terminated');
  assert.equal(clock.pendingTimers, 0);

  const req2 = request('OPTIONS');
  const rec2 = recorder(clock);
  uac.sendRequest(req2, b.local, rec2);
  const start = clock.nowMs();
  clock.advance(10_000);
  assert.deepEqual(rec2.timeouts, [start + 64 * 50], 'Timer F from the custom T1');
});

test('a transport error ends the transaction and reaches the TU', opts, () => {
  const { clock, uac } = rawPeer();
  const rec = recorder(clock);
  const tx = uac.sendRequest(request('OPTIONS'), { host: '203.0.113.9', port: 5060 }, rec); // the memory pair has no route there
  clock.advance(0);
  assert.equal(rec.errors.length, 1);
  assert.equal(rec.errors[0]!.code, 'SIP_TRANSPORT');
  assert.equal(tx.state, 'terminated');
  assert.equal(uac.stats.transportErrors, 1);
  clock.advance(60_000);
  assert.deepEqual(rec.timeouts, []);
});

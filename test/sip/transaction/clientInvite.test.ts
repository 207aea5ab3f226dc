import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeader, getHeaders } from '../../../src/sip/message.js';
import { parseVia } from '../../../src/sip/via.js';
import { parseNameAddr } from '../../../src/sip/nameAddr.js';
import { createResponse } from '../../../src/sip/transaction/createResponse.js';
import { rawPeer, recorder, request, retransmitSchedule, rig } from './txTestKit.js';

const opts = { timeout: 5000 };

test('INVITE over UDP is retransmitted on Timer A (doubling, no cap) until Timer B = 64*T1', opts, () => {
  const { clock, a, uac, arrivals } = rawPeer();
  const rec = recorder(clock);
  const tx = uac.sendRequest(request('INVITE'), a.peer!.local, rec);
  clock.advance(40_000);
  const sendTimes = a.sent.map((s) => s.atMs);
  const expected = retransmitSchedule(500);
  assert.deepEqual(sendTimes, expected);
  assert.equal(sendTimes.length, 7, 'RFC 3261 §17.1.1.2: 7 transmissions with the default T1');
  const gaps = sendTimes.slice(1).map((t, i) => t - sendTimes[i]!);
  assert.ok(Math.max(...gaps) > uac.timers.t2Ms, 'the interval grew past T2: no cap for INVITE');
  assert.deepEqual(rec.timeouts, [64 * 500]);
  assert.equal(arrivals.length, 7);
  assert.equal(tx.state, 'terminated');
  assert.equal(uac.activeClientTransactions, 0);
  assert.equal(uac.stats.retransmissionsSent, 6);
  assert.equal(uac.stats.timeouts, 1);
  assert.equal(clock.pendingTimers, 0);
});

test('a custom T1 applies to this layer only: T1=100 gives Timer B = 6.4 s', opts, () => {
  const fast = rawPeer({ timers: { t1Ms: 100 } });
  const rec = recorder(fast.clock);
  fast.uac.sendRequest(request('INVITE'), fast.a.peer!.local, rec);
  fast.clock.advance(10_000);
  assert.deepEqual(fast.a.sent.map((s) => s.atMs), retransmitSchedule(100));
  assert.deepEqual(rec.timeouts, [6400]);
  assert.equal(fast.uac.timers.timerBMs, 6400);

  const normal = rawPeer();
  assert.equal(normal.uac.timers.timerBMs, 32_000, 'a second layer keeps the default');
});

test('no retransmission on a reliable transport; Timer B still fires', opts, () => {
  const { clock, a, uac } = rawPeer({ reliable: true });
  const rec = recorder(clock);
  uac.sendRequest(request('INVITE'), a.peer!.local, rec);
  clock.advance(40_000);
  assert.equal(a.sent.length, 1);
  assert.deepEqual(rec.timeouts, [32_000]);
  assert.equal(uac.stats.retransmissionsSent, 0);
});

test('a 1xx stops Timer A and Timer B (Proceeding)', opts, () => {
  const { clock, a, b, uac } = rawPeer();
  const rec = recorder(clock);
  const invite = request('INVITE');
  const tx = uac.sendRequest(invite, b.local, rec);
  clock.advance(600); // one retransmission at 500
  b.send(createResponse(invite, 180, 'Ringing', [], undefined, 'uas1'), a.local);
  clock.advance(100_000);
  assert.equal(a.sent.length, 2);
  assert.equal(tx.state, 'proceeding');
  assert.deepEqual(rec.responses.map((r) => r.status), [180]);
  assert.deepEqual(rec.timeouts, []);
  assert.equal(rec.responses[0]!.atMs, 600, 'receivedAtMs is the transport receive time');
});

test('non-2xx final: the transaction ACKs once, re-ACKs retransmitted finals, Timer D ends it', opts, () => {
  const { clock, a, b, uac, arrivals } = rawPeer();
  const rec = recorder(clock);
  const invite = request('INVITE', { cseq: 7 });
  const tx = uac.sendRequest(invite, b.local, rec);
  clock.advance(0);
  const busy = createResponse(invite, 486, 'Busy Here', [], undefined, 'uastag');
  b.send(busy, a.local);
  clock.advance(0);
  assert.equal(tx.state, 'completed');
  const acks = () => arrivals.filter((m) => m.message.kind === 'request' && m.message.method === 'ACK');
  assert.equal(acks().length, 1);
  const ack = acks()[0]!.message;
  assert.equal(ack.kind, 'request');
  if (ack.kind !== 'request') return;
  assert.equal(ack.uri, invite.uri);
  assert.equal(getHeaders(ack, 'Via').length, 1);
  assert.equal(parseVia(getHeader(ack, 'Via')!).params['branch'], parseVia(getHeader(invite, 'Via')!).params['branch']);
  assert.equal(parseNameAddr(getHeader(ack, 'To')!).params['tag'], 'uastag');
  assert.equal(getHeader(ack, 'CSeq'), '7 ACK');
  assert.equal(getHeader(ack, 'Call-ID'), getHeader(invite, 'Call-ID'));
  assert.equal(getHeader(ack, 'From'), getHeader(invite, 'From'));

  // The 486 is retransmitted (our ACK was lost): ACK again, TU not told twice.
  b.send(busy, a.local);
  clock.advance(0);
  assert.equal(acks().length, 2);
  assert.deepEqual(rec.responses.map((r) => r.status), [486]);
  assert.equal(uac.stats.retransmissionsReceived, 1);

  clock.advance(31_999);
  assert.equal(tx.state, 'completed');
  clock.advance(1);
  assert.equal(tx.state, 'terminated', 'Timer D = 32 s over UDP');
  assert.equal(uac.activeClientTransactions, 0);
  assert.equal(a.sent.filter((s) => s.message.kind === 'request' && s.message.method === 'INVITE').length, 1);
});

test('non-2xx final over a reliable transport: Timer D is 0', opts, () => {
  const { clock, a, b, uac } = rawPeer({ reliable: true });
  const rec = recorder(clock);
  const invite = request('INVITE');
  const tx = uac.sendRequest(invite, b.local, rec);
  b.send(createResponse(invite, 603, 'Decline', [], undefined, 'x'), a.local);
  clock.advance(0);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(rec.responses.map((r) => r.status), [603]);
  assert.equal(a.sent.length, 2, 'INVITE then ACK');
  assert.equal(clock.pendingTimers, 0);
});

test('2xx: Accepted passes every 2xx retransmission up, ignores late 1xx, Timer M ends it (RFC 6026)', opts, () => {
  const { clock, a, b, uac } = rawPeer();
  const rec = recorder(clock);
  const strays: number[] = [];
  uac.onStrayResponse((res) => strays.push(res.status));
  const invite = request('INVITE');
  const tx = uac.sendRequest(invite, b.local, rec);
  const ok = createResponse(invite, 200, 'OK', [], undefined, 'uastag');
  b.send(ok, a.local);
  clock.advance(10);
  assert.equal(tx.state, 'accepted');
  b.send(createResponse(invite, 180, 'Ringing', [], undefined, 'uastag'), a.local); // a proxy's late 180
  b.send(ok, a.local);
  clock.advance(1000);
  b.send(ok, a.local);
  clock.advance(10);
  assert.deepEqual(rec.responses.map((r) => r.status), [200, 200, 200]);
  assert.equal(a.sent.length, 1, 'no ACK from the transaction for a 2xx, and no retransmission');
  clock.advance(64 * 500);
  assert.equal(tx.state, 'terminated');
  b.send(ok, a.local);
  clock.advance(0);
  assert.deepEqual(strays, [200], 'after Timer M a 2xx is a stray for the dialog layer');
});

test('a lost INVITE is recovered by Timer A against a real server transaction', opts, () => {
  const r = rig({ drop: (n) => n === 1 });
  const rec = recorder(r.clock);
  r.uas.onRequest((req, tx) => tx.respond(createResponse(req, 200, 'OK', [], undefined, 'uas')));
  r.uac.sendRequest(request('INVITE'), r.b.local, rec);
  r.clock.advance(499);
  assert.equal(rec.responses.length, 0);
  r.clock.advance(1);
  assert.deepEqual(rec.responses.map((x) => x.status), [200]);
  assert.equal(r.a.sent[0]!.dropped, true);
});

test('cancelTimers terminates quietly', opts, () => {
  const { clock, a, uac } = rawPeer();
  const rec = recorder(clock);
  const tx = uac.sendRequest(request('INVITE'), a.peer!.local, rec);
  tx.cancelTimers();
  clock.advance(60_000);
  assert.equal(a.sent.length, 1);
  assert.deepEqual(rec.timeouts, []);
  assert.equal(tx.state, 'terminated');
  assert.equal(uac.activeClientTransactions, 0);
});

test('sendRequest refuses ACK, a missing branch, and a branch in use', opts, () => {
  const { a, uac, clock } = rawPeer();
  const rec = recorder(clock);
  assert.throws(() => uac.sendRequest(request('ACK'), a.peer!.local, rec), { code: 'INTERNAL' });
  const noBranch = request('OPTIONS');
  noBranch.headers[0]!.value = 'SIP/2.0/UDP 192.0.2.1:5060';
  assert.throws(() => uac.sendRequest(noBranch, a.peer!.local, rec), { code: 'INTERNAL' });
  const inv = request('INVITE', { branch: 'z9hG4bKsame' });
  uac.sendRequest(inv, a.peer!.local, rec);
  assert.throws(() => uac.sendRequest(request('INVITE', { branch: 'z9hG4bKsame' }), a.peer!.local, rec), { code: 'INTERNAL' });
  // CANCEL shares the INVITE's branch but is its own transaction (§9.1).
  assert.doesNotThrow(() => uac.sendRequest(request('CANCEL', { branch: 'z9hG4bKsame' }), a.peer!.local, rec));
  uac.close();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCSeq } from '../../../src/sip/cseq.js';
import { getHeader, type SipMessage, type SipRequest } from '../../../src/sip/message.js';
import { parseNameAddr } from '../../../src/sip/nameAddr.js';
import { DEFAULT_TIMER_CONFIG } from '../../../src/sip/transaction/index.js';
import { FakeClock } from '../../../src/core/fakeClock.js';
import { createMemoryTransportPair } from '../../../src/sip/transport/memoryTransport.js';
import { UserAgent } from '../../../src/sip/ua/userAgent.js';
import { ANSWER, callPair, OFFER, START_MS } from './incomingCallHarness.js';

const T1 = DEFAULT_TIMER_CONFIG.t1Ms;
const T2 = DEFAULT_TIMER_CONFIG.t2Ms;

function tagOf(m: SipMessage, header: 'To' | 'From'): string | null | undefined {
  return parseNameAddr(getHeader(m, header) ?? '').params.tag;
}

test('voiceload calls voiceload: 100 at once, 180 every second while ringing, 200 with SDP, ACK, caller BYE', async () => {
  const RING_MS = 2500;
  const p = callPair((call, pair) => {
    call.trying();
    call.startRinging(1000);
    pair.clock.setTimer(RING_MS, () => call.answer(ANSWER));
  });
  const out = p.place();
  p.clock.advance(RING_MS + 100);
  const call = p.received[0];
  assert.ok(call !== undefined);
  assert.equal(call.state, 'confirmed');
  assert.equal(call.header('X-Lk-Test-Id'), 't-1');
  assert.equal(call.callId, out.callId);
  assert.equal(call.invite.body.toString(), OFFER.toString());
  assert.deepEqual(call.source, p.a.local);

  const agentSent = p.sentBy('b');
  const ringTimes = agentSent.filter((m) => m.label === '180 INVITE').map((m) => m.atMs);
  // Sent at receipt (+1 ms latency), then every 1000 ms until the answer.
  const invitedAt = START_MS + 1;
  const expectedRings: number[] = [];
  for (let t = invitedAt; t < invitedAt + RING_MS; t += 1000) expectedRings.push(t);
  assert.deepEqual(ringTimes, expectedRings);
  assert.deepEqual(agentSent.map((m) => m.label).filter((l) => l !== '180 INVITE'), ['100 INVITE', '200 INVITE']);

  const ok = agentSent.find((m) => m.label === '200 INVITE')?.message;
  assert.ok(ok !== undefined && ok.kind === 'response');
  assert.equal(ok.body.toString(), ANSWER.toString());
  assert.equal(getHeader(ok, 'Content-Type'), 'application/sdp');
  assert.equal(getHeader(ok, 'Contact'), '<sip:agent@192.0.2.2:5060>');
  assert.equal(tagOf(ok, 'To'), call.localTag);
  // Every 180 carries the same To-tag as the 200 (one early dialog, §12.1.1).
  for (const r of agentSent.filter((m) => m.label === '180 INVITE')) assert.equal(tagOf(r.message, 'To'), call.localTag);

  assert.deepEqual({ ...call.timeline }, {
    receivedAtMs: invitedAt,
    tryingSentAtMs: invitedAt,
    ringingSentAtMs: invitedAt,
    answeredAtMs: invitedAt + RING_MS,
    ackReceivedAtMs: invitedAt + RING_MS + 2,
  });
  assert.deepEqual(p.agentEvents, [`ack@${invitedAt + RING_MS + 2}`]);
  assert.deepEqual(p.callerEvents, [`trying@${invitedAt + 1}`, `ringing@${invitedAt + 1}`, `answered@${invitedAt + RING_MS + 1}`]);
  assert.equal(call.answerRetransmissions, 0);

  const byeAt = p.clock.nowMs();
  const done = out.hangUp();
  p.clock.advance(10);
  await done;
  assert.equal(call.state, 'ended');
  assert.equal(call.timeline.byeReceivedAtMs, byeAt + 1);
  assert.equal(call.timeline.endedAtMs, byeAt + 1);
  assert.deepEqual(p.agentEvents.slice(1), [`remote-bye@${byeAt + 1}`, `ended remote@${byeAt + 1}`]);
  assert.ok(p.callerEvents.includes('hung-up 200'));
});

test('the agent hangs up: BYE from the UAS with its tag in From, CSeq 1, to the caller Contact; hangUp resolves on the 200', async () => {
  const p = callPair((call) => call.answer(ANSWER));
  p.place();
  p.clock.advance(10);
  const call = p.received[0];
  assert.ok(call !== undefined && call.state === 'confirmed');
  const done = call.hangUp();
  assert.equal(call.state, 'ended');
  p.clock.advance(10);
  await done;
  const bye = p.sentBy('b').find((m) => m.label === 'BYE');
  assert.ok(bye !== undefined && bye.message.kind === 'request');
  assert.equal(bye.message.uri, 'sip:caller@192.0.2.1:5060');
  assert.equal(parseCSeq(getHeader(bye.message, 'CSeq') ?? '').seq, 1);
  assert.equal(tagOf(bye.message, 'From'), call.localTag);
  assert.equal(getHeader(bye.message, 'Call-ID'), call.callId);
  assert.equal(call.timeline.byeSentAtMs, bye.atMs);
  assert.equal(call.timeline.endedAtMs, bye.atMs + 2, 'ended when the 200 to the BYE arrived');
  assert.deepEqual(p.agentEvents.slice(-1), [`ended local@${bye.atMs + 2}`]);
  assert.ok(p.callerEvents.some((e) => e.startsWith('remote-bye@')));
});

test('a lost ACK: the UAS core re-sends the 2xx after T1, the caller ACKs again, the call is confirmed', () => {
  let acksDropped = 0;
  const p = callPair((call) => call.answer(ANSWER), {
    drop: (m, from) => from === 'a' && m.kind === 'request' && m.method === 'ACK' && acksDropped++ === 0,
  });
  p.place();
  p.clock.advance(T1 + 100);
  const call = p.received[0];
  assert.ok(call !== undefined);
  const oks = p.sentBy('b').filter((m) => m.label === '200 INVITE');
  assert.equal(oks.length, 2);
  assert.equal((oks[1]?.atMs ?? 0) - (oks[0]?.atMs ?? 0), T1);
  assert.deepEqual(oks[1]?.message, oks[0]?.message, 'the retransmission is the same 2xx');
  assert.equal(call.state, 'confirmed');
  assert.equal(call.answerRetransmissions, 1);
  assert.equal(call.timeline.ackReceivedAtMs, (oks[1]?.atMs ?? 0) + 2);
  // No more retransmissions after the ACK.
  p.clock.advance(64 * T1);
  assert.equal(p.sentBy('b').filter((m) => m.label === '200 INVITE').length, 2);
});

test('no ACK ever: 2xx re-sent at T1 doubling capped at T2, onAckTimeout at 64·T1, then BYE (RFC 3261 §13.3.1.4)', () => {
  const p = callPair((call) => call.answer(ANSWER), {
    drop: (m, from) => from === 'a' && m.kind === 'request' && m.method === 'ACK',
  });
  p.place();
  p.clock.advance(64 * T1 + 1000);
  const call = p.received[0];
  assert.ok(call !== undefined);
  const oks = p.sentBy('b').filter((m) => m.label === '200 INVITE');
  const answeredAt = oks[0]?.atMs ?? NaN;
  const expected: number[] = [answeredAt];
  for (let t = answeredAt, interval = T1; t + interval < answeredAt + 64 * T1; interval = Math.min(2 * interval, T2)) {
    t += interval;
    expected.push(t);
  }
  assert.deepEqual(oks.map((m) => m.atMs), expected);
  assert.equal(call.answerRetransmissions, expected.length - 1);
  const timeoutEvent = p.agentEvents.find((e) => e.startsWith('ack-timeout@'));
  assert.equal(timeoutEvent, `ack-timeout@${answeredAt + 64 * T1}`);
  const bye = p.sentBy('b').find((m) => m.label === 'BYE');
  assert.equal(bye?.atMs, answeredAt + 64 * T1);
  assert.equal(call.state, 'ended');
  assert.ok(p.agentEvents.some((e) => e.startsWith('ended timeout@')));
});

test('hangUp before the ACK waits for it (§15), then sends BYE', async () => {
  let acksDropped = 0;
  const p = callPair((call) => call.answer(ANSWER), {
    drop: (m, from) => from === 'a' && m.kind === 'request' && m.method === 'ACK' && acksDropped++ === 0,
  });
  p.place();
  p.clock.advance(5);
  const call = p.received[0];
  assert.ok(call !== undefined && call.state === 'answered');
  const done = call.hangUp();
  p.clock.advance(100);
  assert.equal(p.sentBy('b').filter((m) => m.label === 'BYE').length, 0, 'no BYE before the ACK');
  p.clock.advance(T1);
  await done;
  const bye = p.sentBy('b').find((m) => m.label === 'BYE');
  assert.ok(bye !== undefined && call.timeline.ackReceivedAtMs !== undefined);
  assert.equal(bye.atMs, call.timeline.ackReceivedAtMs);
  assert.ok(p.agentEvents.some((e) => e.startsWith('ended local@')));
});

test('CANCEL while ringing: 487 from the transaction layer, onCancel, no more 180s; the caller reports timeout_ringing', () => {
  const p = callPair((call) => call.startRinging(1000));
  p.place({ ringTimeoutMs: 3000 });
  p.clock.advance(3100);
  const call = p.received[0];
  assert.ok(call !== undefined);
  assert.equal(call.state, 'ended');
  const cancelAt = p.sentBy('a').find((m) => m.label === 'CANCEL')?.atMs;
  assert.ok(cancelAt !== undefined);
  assert.deepEqual(p.agentEvents, [`cancel@${cancelAt + 1}`, `ended cancel@${cancelAt + 1}`]);
  assert.equal(call.timeline.endedAtMs, cancelAt + 1);
  assert.equal(p.failure?.reason, 'timeout_ringing');
  assert.equal(p.failure?.status, 487);
  const ringsBefore = p.sentBy('b').filter((m) => m.label === '180 INVITE').length;
  p.clock.advance(5000);
  assert.equal(p.sentBy('b').filter((m) => m.label === '180 INVITE').length, ringsBefore, 'ringing stopped');
  assert.equal(call.answer(ANSWER), false, 'a late answer is refused');
  assert.equal(p.sentBy('b').filter((m) => m.label === '200 INVITE').length, 0);
});

test('reject: the final response carries our To-tag; the caller gets sip_<code>; the call ends locally', () => {
  const p = callPair((call) => {
    call.trying();
    call.reject(486, 'Busy Here', [{ name: 'Retry-After', value: '5' }]);
  });
  p.place();
  p.clock.advance(20);
  const call = p.received[0];
  assert.ok(call !== undefined);
  assert.equal(p.failure?.reason, 'sip_486');
  const busy = p.sentBy('b').find((m) => m.label === '486 INVITE')?.message;
  assert.ok(busy !== undefined);
  assert.equal(tagOf(busy, 'To'), call.localTag);
  assert.equal(getHeader(busy, 'Retry-After'), '5');
  assert.equal(call.state, 'ended');
  assert.ok(p.agentEvents.includes(`ended local@${START_MS + 1}`));
  assert.throws(() => call.reject(200, 'OK'), RangeError);
});

test('a received call is forgotten 64·T1 after it ended; an outgoing call on the same agent still routes', () => {
  const p = callPair((call) => call.answer(ANSWER));
  const out = p.place();
  p.clock.advance(10);
  assert.equal(p.agent.activeIncomingCalls, 1);
  void out.hangUp();
  p.clock.advance(10);
  assert.equal(p.agent.activeCalls, 1, 'still routed while lingering');
  p.clock.advance(64 * T1);
  assert.equal(p.agent.activeCalls, 0);
  assert.equal(p.caller.activeCalls, 0);
  // The agent can place a call of its own to the caller side (which has no handler: 480).
  const events: string[] = [];
  p.agent.placeCall(
    { target: 'sip:caller@192.0.2.1:5060', dest: p.a.local, fromUser: 'agent', sdpOffer: ANSWER, ringTimeoutMs: 10_000 },
    { onAnswered: () => events.push('answered'), onFailed: (f) => events.push(f.reason), onRemoteBye: () => events.push('bye') },
  );
  p.clock.advance(20);
  assert.deepEqual(events, ['sip_480']);
});

test('without a handler, INVITEs are answered 480', () => {
  const clock = new FakeClock(START_MS);
  const [a, b] = createMemoryTransportPair({ clock, latencyMs: 1 });
  const caller = new UserAgent({ transport: a, clock });
  new UserAgent({ transport: b, clock });
  const failures: string[] = [];
  caller.placeCall(
    { target: 'sip:agent@192.0.2.2:5060', dest: b.local, fromUser: 'caller', sdpOffer: OFFER, ringTimeoutMs: 10_000 },
    { onAnswered: () => failures.push('answered'), onFailed: (f) => failures.push(f.reason), onRemoteBye: () => {} },
  );
  clock.advance(20);
  assert.deepEqual(failures, ['sip_480']);
});

test('the ACK and BYE for a received call reach it, not an outgoing call with another Call-ID', () => {
  const p = callPair((call) => call.answer(ANSWER));
  const first = p.place();
  const second = p.place();
  p.clock.advance(10);
  assert.equal(p.received.length, 2);
  assert.deepEqual(p.received.map((c) => c.state), ['confirmed', 'confirmed']);
  void second.hangUp();
  p.clock.advance(10);
  assert.deepEqual(p.received.map((c) => c.state), ['confirmed', 'ended']);
  assert.equal(p.received[0]?.callId, first.callId);
  const inv = p.sentBy('a').find((m) => m.label === 'INVITE')?.message as SipRequest;
  assert.equal(getHeader(inv, 'Call-ID'), first.callId);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, getHeader, type SipRequest, type SipResponse } from '../../../src/sip/message.js';
import { parseNameAddr } from '../../../src/sip/nameAddr.js';
import { serializeSipMessage } from '../../../src/sip/serialize.js';
import { parseVia } from '../../../src/sip/via.js';
import { createResponse } from '../../../src/sip/transaction/createResponse.js';
import type { ServerTransaction } from '../../../src/sip/transaction/transactionTypes.js';
import { request, rig } from './txTestKit.js';

const opts = { timeout: 5000 };

/** A UAS layer on `b` and a bare transport `a` playing the far-end client, so the test controls every retransmission. */
function uasRig(o: Parameters<typeof rig>[0] = {}) {
  const r = rig(o);
  r.uac.close(); // `a` is driven by hand below
  const arrivals: SipResponse[] = [];
  r.a.onMessage((m) => {
    if (m.message.kind === 'response') arrivals.push(m.message);
  });
  const requests: Array<{ req: SipRequest; tx: ServerTransaction }> = [];
  r.uas.onRequest((req, tx) => requests.push({ req, tx }));
  const send = (msg: SipRequest): void => {
    r.a.send(msg, r.b.local);
    r.clock.advance(0);
  };
  return { ...r, arrivals, requests, send };
}

function ackFor(invite: SipRequest, response: SipResponse, branch?: string): SipRequest {
  const via = getHeader(invite, 'Via')!;
  return createRequest('ACK', invite.uri, [
    { name: 'Via', value: branch === undefined ? via : `SIP/2.0/UDP 192.0.2.1:5060;branch=${branch}` },
    { name: 'From', value: getHeader(invite, 'From')! },
    { name: 'To', value: getHeader(response, 'To')! },
    { name: 'Call-ID', value: getHeader(invite, 'Call-ID')! },
    { name: 'CSeq', value: `${getHeader(invite, 'CSeq')!.split(' ')[0]} ACK` },
  ]);
}

test('server non-INVITE absorbs a retransmitted BYE by re-sending the same 200, until Timer J', opts, () => {
  const r = uasRig();
  const bye = request('BYE', { toTag: 'uas' });
  r.send(bye);
  assert.equal(r.requests.length, 1);
  const ok = createResponse(bye, 200, 'OK');
  r.requests[0]!.tx.respond(ok);
  r.clock.advance(0);
  r.send(bye);
  r.send(bye);
  assert.equal(r.requests.length, 1, 'retransmissions are not new requests');
  assert.equal(r.arrivals.length, 3);
  for (const res of r.arrivals) assert.deepEqual(serializeSipMessage(res), serializeSipMessage(ok));
  assert.equal(r.uas.stats.retransmissionsReceived, 2);
  assert.equal(r.uas.stats.retransmissionsSent, 2);
  r.clock.advance(64 * 500);
  assert.equal(r.requests[0]!.tx.state, 'terminated', 'Timer J = 64*T1 over UDP');
  r.send(bye);
  assert.equal(r.requests.length, 2, 'after Timer J the same BYE is new again');
});

test('server non-INVITE: a retransmission before any response is absorbed silently', opts, () => {
  const r = uasRig();
  const opt = request('OPTIONS');
  r.send(opt);
  r.send(opt);
  assert.equal(r.requests.length, 1);
  assert.equal(r.arrivals.length, 0);
});

test('server non-INVITE over a reliable transport: Timer J = 0', opts, () => {
  const r = uasRig({ reliable: true });
  const bye = request('BYE');
  r.send(bye);
  r.requests[0]!.tx.respond(createResponse(bye, 200, 'OK'));
  assert.equal(r.requests[0]!.tx.state, 'terminated');
  assert.equal(r.uas.activeServerTransactions, 0);
});

test('responses go to the address the request came from, with received/rport stamped (RFC 3581)', opts, () => {
  const r = uasRig();
  const opt = request('OPTIONS');
  opt.headers[0]!.value = 'SIP/2.0/UDP client.invalid:5070;rport;branch=z9hG4bKrport1';
  r.send(opt);
  r.requests[0]!.tx.respond(createResponse(r.requests[0]!.req, 200, 'OK'));
  r.clock.advance(0);
  assert.equal(r.arrivals.length, 1, 'delivered to a.local, not to client.invalid:5070');
  const via = parseVia(getHeader(r.arrivals[0]!, 'Via')!);
  assert.equal(via.params['received'], r.a.local.host);
  assert.equal(via.params['rport'], String(r.a.local.port));
  assert.equal(via.params['branch'], 'z9hG4bKrport1');
});

test('server INVITE: 100 Trying after 200 ms without a TU response; INVITE retransmission re-sends it', opts, () => {
  const r = uasRig();
  const inv = request('INVITE');
  r.send(inv);
  r.clock.advance(199);
  assert.equal(r.arrivals.length, 0);
  r.clock.advance(1);
  assert.deepEqual(r.arrivals.map((x) => x.status), [100]);
  r.send(inv);
  assert.deepEqual(r.arrivals.map((x) => x.status), [100, 100]);
  assert.equal(r.requests.length, 1);
});

test('server INVITE non-2xx: Timer G retransmits (capped at T2) until the ACK, Timer I then ends it', opts, () => {
  const r = uasRig();
  const inv = request('INVITE');
  r.send(inv);
  const busy = createResponse(inv, 486, 'Busy Here', [], undefined, 'uas');
  r.requests[0]!.tx.respond(busy);
  r.clock.advance(0);
  // No 100: the TU answered within 200 ms.
  const t0 = r.clock.nowMs();
  const sentAt: number[] = [];
  r.b.sent.length = 0;
  r.clock.advance(20_000);
  for (const s of r.b.sent) sentAt.push(s.atMs - t0);
  const expected: number[] = [];
  for (let t = 500, iv = 500; t <= 20_000; iv = Math.min(iv * 2, 4000), t += iv) expected.push(t);
  assert.deepEqual(sentAt, expected);
  r.send(ackFor(inv, busy));
  const tx = r.requests[0]!.tx;
  assert.equal(tx.state, 'confirmed');
  const count = r.b.sent.length;
  r.send(ackFor(inv, busy)); // ACK retransmission absorbed
  r.clock.advance(4999);
  assert.equal(r.b.sent.length, count, 'the ACK stopped Timer G');
  assert.equal(tx.state, 'confirmed');
  r.clock.advance(1);
  assert.equal(tx.state, 'terminated', 'Timer I = T4');
  assert.equal(r.uas.stats.strayAcks, 0, 'ACKs for a non-2xx stay inside the transaction');
});

test('server INVITE non-2xx without an ACK: Timer H = 64*T1 gives up', opts, () => {
  const r = uasRig({ timers: { t1Ms: 100 } });
  const inv = request('INVITE');
  r.send(inv);
  r.requests[0]!.tx.respond(createResponse(inv, 480, 'Temporarily Unavailable', [], undefined, 'uas'));
  r.clock.advance(6399);
  assert.equal(r.requests[0]!.tx.state, 'completed');
  r.clock.advance(1);
  assert.equal(r.requests[0]!.tx.state, 'terminated');
  assert.equal(r.uas.stats.timeouts, 1);
});

test('server INVITE 2xx: Accepted absorbs INVITE retransmissions and passes ACKs to the dialog layer', opts, () => {
  const r = uasRig();
  const acks: SipRequest[] = [];
  r.uas.onStrayAck((ack) => acks.push(ack));
  const inv = request('INVITE');
  r.send(inv);
  const ok = createResponse(inv, 200, 'OK', [], undefined, 'uas');
  const tx = r.requests[0]!.tx;
  tx.respond(ok);
  r.clock.advance(0);
  assert.equal(tx.state, 'accepted');
  r.send(inv);
  assert.equal(r.arrivals.length, 1, 'the retransmitted INVITE is absorbed: the TU retransmits 2xx itself');
  tx.respond(ok); // the dialog layer's own 2xx retransmission
  r.clock.advance(0);
  assert.equal(r.arrivals.length, 2);
  r.send(ackFor(inv, ok, 'z9hG4bKack2xx')); // a proper 2xx ACK: its own branch
  r.send(ackFor(inv, ok)); // an ACK reusing the INVITE branch matches the accepted transaction
  assert.equal(acks.length, 2);
  r.clock.advance(64 * 500);
  assert.equal(tx.state, 'terminated', 'Timer L');
});

test('CANCEL of a pending INVITE: 200 to the CANCEL, 487 to the INVITE with the same To tag', opts, () => {
  const r = uasRig();
  const cancelled: string[] = [];
  r.uas.onCancel((invite, cancel) => cancelled.push(`${invite.method}/${cancel.method}`));
  const inv = request('INVITE');
  r.send(inv);
  r.requests[0]!.tx.respond(createResponse(inv, 180, 'Ringing', [], undefined, 'ring1'));
  const cancel = request('CANCEL', { branch: parseVia(getHeader(inv, 'Via')!).params['branch']!, callId: getHeader(inv, 'Call-ID')! });
  r.send(cancel);
  r.clock.advance(0);
  const statuses = r.arrivals.map((x) => `${x.status} ${getHeader(x, 'CSeq')}`);
  assert.deepEqual(statuses, ['180 1 INVITE', '200 1 CANCEL', '487 1 INVITE']);
  const tags = r.arrivals.map((x) => parseNameAddr(getHeader(x, 'To')!).params['tag']);
  assert.deepEqual(tags, ['ring1', 'ring1', 'ring1']);
  assert.deepEqual(cancelled, ['INVITE/CANCEL']);
  assert.equal(r.requests.length, 1, 'the CANCEL is handled by the layer');
  assert.equal(r.requests[0]!.tx.state, 'completed');
});

test('CANCEL without a matching INVITE gets 481', opts, () => {
  const r = uasRig();
  r.send(request('CANCEL'));
  r.clock.advance(0);
  assert.deepEqual(r.arrivals.map((x) => x.status), [481]);
});

test('without a request handler a new request is answered 501', opts, () => {
  const r = rig();
  const bye = request('BYE');
  const statuses: number[] = [];
  r.a.onMessage((m) => m.message.kind === 'response' && statuses.push(m.message.status));
  r.a.send(bye, r.b.local);
  r.clock.advance(0);
  assert.deepEqual(statuses, [501]);
});

test('an RFC 2543 peer (no magic cookie) still gets retransmissions absorbed', opts, () => {
  const r = uasRig();
  const bye = request('BYE');
  bye.headers[0]!.value = 'SIP/2.0/UDP 192.0.2.1:5060';
  r.send(bye);
  r.requests[0]!.tx.respond(createResponse(bye, 200, 'OK'));
  r.send(bye);
  assert.equal(r.requests.length, 1);
  assert.equal(r.arrivals.length, 2);
});

test('messages without a Via are dropped and counted', opts, () => {
  const r = uasRig();
  const bad = request('OPTIONS');
  bad.headers.shift();
  r.send(bad);
  assert.equal(r.requests.length, 0);
  assert.equal(r.uas.stats.unmatchable, 1);
});

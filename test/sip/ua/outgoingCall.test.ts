import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/core/fakeClock.js';
import { parseCSeq } from '../../../src/sip/cseq.js';
import { getHeader, getHeaders, type SipRequest, type SipResponse } from '../../../src/sip/message.js';
import { parseNameAddr } from '../../../src/sip/nameAddr.js';
import { createResponse, TransactionLayer, type ServerTransaction } from '../../../src/sip/transaction/index.js';
import { createMemoryTransportPair } from '../../../src/sip/transport/memoryTransport.js';
import type { InviteFailure } from '../../../src/sip/ua/outgoingCall.js';
import { UserAgent } from '../../../src/sip/ua/userAgent.js';

// Unit tests of the INVITE session logic over an in-memory transport pair and a fake clock. The far
// end is a transaction layer driven by each test's script; interop with real peers is in test/interop.

const SDP = Buffer.from('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n');
const TO_TAG = 'uas-tag-1';

interface Harness {
  clock: FakeClock;
  ua: UserAgent;
  far: TransactionLayer;
  received: SipRequest[];
  acks: SipRequest[];
  events: string[];
  failure: InviteFailure | undefined;
  place(opts?: { credentials?: { username: string; password: string }; ringTimeoutMs?: number }): ReturnType<UserAgent['placeCall']>;
}

function harness(onRequest: (req: SipRequest, stx: ServerTransaction, h: Harness) => void): Harness {
  const clock = new FakeClock(1000);
  const [a, b] = createMemoryTransportPair({ clock, latencyMs: 1 });
  const ua = new UserAgent({ transport: a, clock, random: seqRandom() });
  const far = new TransactionLayer({ transport: b, clock });
  const h: Harness = {
    clock,
    ua,
    far,
    received: [],
    acks: [],
    events: [],
    failure: undefined,
    place: (opts = {}) =>
      ua.placeCall(
        {
          target: `sip:agent@${b.local.host}:${b.local.port}`,
          dest: b.local,
          fromUser: 'caller',
          sdpOffer: SDP,
          extraHeaders: [{ name: 'X-Lk-Test-Id', value: 'abc' }],
          ringTimeoutMs: opts.ringTimeoutMs ?? 60_000,
          ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
        },
        {
          onTrying: (at) => h.events.push(`trying@${at}`),
          onRinging: (res, at) => h.events.push(`ringing ${res.status}@${at}`),
          onAnswered: (_res, at) => h.events.push(`answered@${at}`),
          onFailed: (f) => {
            h.failure = f;
            h.events.push(`failed ${f.reason}`);
          },
          onRemoteBye: (at) => h.events.push(`remote-bye@${at}`),
          onHungUp: (_at, status) => h.events.push(`hung-up ${status}`),
        },
      ),
  };
  far.onRequest((req, stx) => {
    h.received.push(req);
    onRequest(req, stx, h);
  });
  far.onStrayAck((ack) => h.acks.push(ack));
  return h;
}

function seqRandom(): (n: number) => Buffer {
  let i = 0;
  return (n) => Buffer.alloc(n, ++i);
}

function ok200(req: SipRequest, extra: { name: string; value: string }[] = []): SipResponse {
  return createResponse(req, 200, 'OK', [{ name: 'Contact', value: '<sip:agent@192.0.2.2:5060>' }, ...extra, { name: 'Content-Type', value: 'application/sdp' }], SDP, TO_TAG);
}

test('a 407 is answered once with Proxy-Authorization: same Call-ID and From-tag, CSeq + 1, ACK for the 407', () => {
  const h = harness((req, stx) => {
    if (getHeader(req, 'Proxy-Authorization') === undefined) {
      stx.respond(createResponse(req, 407, 'Proxy Authentication Required', [{ name: 'Proxy-Authenticate', value: 'Digest realm="lk", nonce="abc"' }], undefined, 'chal'));
    } else {
      stx.respond(ok200(req));
    }
  });
  h.place({ credentials: { username: 'u', password: 'p' } });
  h.clock.advance(50);
  const [first, retry] = h.received as [SipRequest, SipRequest];
  assert.equal(h.received.length, 2);
  assert.equal(getHeader(retry, 'Call-ID'), getHeader(first, 'Call-ID'));
  assert.equal(parseNameAddr(getHeader(retry, 'From') ?? '').params.tag, parseNameAddr(getHeader(first, 'From') ?? '').params.tag);
  assert.equal(parseCSeq(getHeader(retry, 'CSeq') ?? '').seq, parseCSeq(getHeader(first, 'CSeq') ?? '').seq + 1);
  assert.notEqual(getHeader(retry, 'Via'), getHeader(first, 'Via'), 'the retry is a new transaction');
  assert.match(getHeader(retry, 'Proxy-Authorization') ?? '', /^Digest .*username="u".*realm="lk".*nonce="abc"/);
  assert.equal(getHeader(retry, 'X-Lk-Test-Id'), 'abc');
  assert.ok(h.events.some((e) => e.startsWith('answered')));
  // The ACK for the 2xx carries the credentials too; the 407's ACK was absorbed by the server transaction.
  assert.equal(h.acks.length, 1);
  assert.equal(parseCSeq(getHeader(h.acks[0] as SipRequest, 'CSeq') ?? '').seq, 2);
});

test('a second challenge after answering one is auth_failed, not a loop', () => {
  const h = harness((req, stx) => {
    stx.respond(createResponse(req, 401, 'Unauthorized', [{ name: 'WWW-Authenticate', value: 'Digest realm="r", nonce="n' + h.received.length + '"' }], undefined, 't'));
  });
  h.place({ credentials: { username: 'u', password: 'p' } });
  h.clock.advance(100);
  assert.equal(h.received.length, 2);
  assert.equal(h.failure?.reason, 'auth_failed');
  assert.equal(h.failure?.status, 401);
});

test('a 180 after the 200 is ignored; a retransmitted 200 gets the same ACK again', () => {
  const h = harness((req, stx) => {
    if (req.method !== 'INVITE') return;
    const ok = ok200(req);
    stx.respond(ok);
    // The far end's proxy delivers a late 180, then retransmits the 200 (our ACK "was lost").
    h.clock.setTimer(5, () => h.far.sendStateless(createResponse(req, 180, 'Ringing', [], undefined, TO_TAG), { host: '192.0.2.1', port: 5060 }));
    h.clock.setTimer(10, () => h.far.sendStateless(ok, { host: '192.0.2.1', port: 5060 }));
  });
  const call = h.place();
  h.clock.advance(100);
  assert.deepEqual(h.events.filter((e) => !e.startsWith('trying')), ['answered@1002']);
  assert.equal(call.timeline.ringingAtMs, undefined, 'a 180 after the 200 must not count as ringing');
  assert.equal(h.acks.length, 2);
  assert.deepEqual(h.acks[1]?.headers, h.acks[0]?.headers);
});

test('the ring timeout CANCELs a ringing INVITE: timeout_ringing once the 487 arrives', () => {
  const h = harness((req, stx) => {
    if (req.method === 'INVITE') stx.respond(createResponse(req, 180, 'Ringing', [], undefined, TO_TAG));
  });
  const cancels: SipRequest[] = [];
  h.far.onCancel((_invite, cancel) => cancels.push(cancel));
  h.place({ ringTimeoutMs: 3000 });
  h.clock.advance(2999);
  assert.equal(cancels.length, 0);
  h.clock.advance(50);
  const cancel = cancels[0];
  const invite = h.received[0] as SipRequest;
  assert.ok(cancel !== undefined, 'no CANCEL');
  assert.equal(getHeader(cancel, 'Via'), getHeader(invite, 'Via'), 'CANCEL must reuse the INVITE branch (RFC 3261 §9.1)');
  assert.equal(cancel.uri, invite.uri);
  assert.equal(parseCSeq(getHeader(cancel, 'CSeq') ?? '').seq, parseCSeq(getHeader(invite, 'CSeq') ?? '').seq);
  assert.equal(h.failure?.reason, 'timeout_ringing');
  assert.equal(h.failure?.status, 487);
});

test('Record-Route is honoured: the ACK goes to the first route with the route set reversed', () => {
  const h = harness((req, stx) => {
    if (req.method === 'INVITE') {
      // The dialog's remote target is unreachable directly: only the recorded route reaches it.
      stx.respond(
        createResponse(
          req,
          200,
          'OK',
          [
            { name: 'Record-Route', value: '<sip:192.0.2.2:5060;lr;ftag=x>' },
            { name: 'Record-Route', value: '<sip:edge.example;lr>' },
            { name: 'Contact', value: '<sip:agent@198.51.100.7:5080>' },
            { name: 'Content-Type', value: 'application/sdp' },
          ],
          SDP,
          TO_TAG,
        ),
      );
    }
  });
  h.place();
  h.clock.advance(20);
  const ack = h.acks[0];
  assert.ok(ack !== undefined, 'the ACK did not follow the route set');
  assert.equal(ack.uri, 'sip:agent@198.51.100.7:5080');
  // UAC route set = Record-Route reversed (RFC 3261 §12.1.2).
  assert.deepEqual(getHeaders(ack, 'Route'), ['<sip:edge.example;lr>', '<sip:192.0.2.2:5060;lr;ftag=x>']);
});

test('hangUp() sends an in-dialog BYE with the next CSeq and resolves on its 200', async () => {
  const h = harness((req, stx) => {
    if (req.method === 'INVITE') stx.respond(ok200(req));
    if (req.method === 'BYE') stx.respond(createResponse(req, 200, 'OK'));
  });
  const call = h.place();
  h.clock.advance(20);
  const done = call.hangUp();
  h.clock.advance(20);
  await done;
  const bye = h.received.find((r) => r.method === 'BYE');
  assert.ok(bye !== undefined);
  assert.equal(parseCSeq(getHeader(bye, 'CSeq') ?? '').seq, 2);
  assert.equal(parseNameAddr(getHeader(bye, 'To') ?? '').params.tag, TO_TAG);
  assert.equal(bye.uri, 'sip:agent@192.0.2.2:5060');
  assert.ok(h.events.includes('hung-up 200'));
  assert.equal(call.ended, true);
});

test('no response at all: timeout_no_response at Timer B = 64·T1', () => {
  const h = harness(() => {});
  h.far.close(); // the far end ignores everything (not even 100 Trying)
  h.place();
  h.clock.advance(31_999);
  assert.deepEqual(h.events, []);
  h.clock.advance(10);
  assert.deepEqual(h.events, ['failed timeout_no_response']);
});

test('a BYE from the far end is answered 200 and reported once', () => {
  let invite: SipRequest | undefined;
  const h = harness((req, stx) => {
    if (req.method === 'INVITE') {
      invite = req;
      stx.respond(ok200(req));
    }
  });
  const call = h.place();
  h.clock.advance(20);
  assert.ok(invite !== undefined);
  const responses: SipResponse[] = [];
  const bye = createRequestFromFarEnd(invite, 'BYE');
  h.far.sendRequest(bye, { host: '192.0.2.1', port: 5060 }, { onResponse: (res) => responses.push(res), onTimeout: () => {}, onTransportError: () => {} });
  h.clock.advance(20);
  assert.deepEqual(responses.map((r) => r.status), [200]);
  assert.equal(h.events.filter((e) => e.startsWith('remote-bye')).length, 1);
  assert.equal(call.ended, true);
  assert.equal(call.timeline.byeReceivedAtMs, 1021); // sent at 1020, 1 ms of link latency
});

function createRequestFromFarEnd(invite: SipRequest, method: string): SipRequest {
  const from = getHeader(invite, 'From') ?? '';
  const to = getHeader(invite, 'To') ?? '';
  return {
    kind: 'request',
    method,
    uri: parseNameAddr(getHeader(invite, 'Contact') ?? '').uri,
    version: 'SIP/2.0',
    headers: [
      { name: 'Via', value: 'SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKfarbye1' },
      { name: 'From', value: `${to};tag=${TO_TAG}` },
      { name: 'To', value: from },
      { name: 'Call-ID', value: getHeader(invite, 'Call-ID') ?? '' },
      { name: 'CSeq', value: `1 ${method}` },
      { name: 'Max-Forwards', value: '70' },
    ],
    body: Buffer.alloc(0),
  };
}

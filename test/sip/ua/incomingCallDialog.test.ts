import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/core/fakeClock.js';
import { Dialog } from '../../../src/sip/dialog/dialog.js';
import { generateBranch } from '../../../src/sip/identifiers.js';
import { createRequest, getHeader, type SipRequest, type SipResponse } from '../../../src/sip/message.js';
import { createResponse, TransactionLayer } from '../../../src/sip/transaction/index.js';
import { createMemoryTransportPair, type MemoryTransport } from '../../../src/sip/transport/memoryTransport.js';
import type { IncomingCall, IncomingCallListener } from '../../../src/sip/ua/incomingCall.js';
import { UserAgent } from '../../../src/sip/ua/userAgent.js';
import { ANSWER, OFFER } from './incomingCallHarness.js';

// In-dialog behaviour of a received call, driven by a scripted caller (a bare transaction layer building
// its requests with the UAC Dialog), so each test can send exactly the request it is about.

const URI = 'sip:agent@192.0.2.2:5060';
const VIA = 'SIP/2.0/UDP 192.0.2.1:5060';

interface Script {
  clock: FakeClock;
  b: MemoryTransport;
  far: TransactionLayer;
  agent: UserAgent;
  calls: IncomingCall[];
  events: string[];
  invite: SipRequest;
  inviteResponses: SipResponse[];
  dialog(): Dialog;
  /** Sends an in-dialog request (or `req` as given) and returns the responses it gets. */
  send(req: SipRequest): SipResponse[];
  ack(seq?: number): void;
}

function script(onCall: (call: IncomingCall) => void, listener: Partial<IncomingCallListener> = {}, callId = 'dlg-1'): Script {
  const clock = new FakeClock(0);
  const [a, b] = createMemoryTransportPair({ clock, latencyMs: 1 });
  const far = new TransactionLayer({ transport: a, clock });
  // The caller answers whatever the agent sends it (its BYE) with 200.
  far.onRequest((req, stx) => stx.respond(createResponse(req, 200, 'OK')));
  const agent = new UserAgent({ transport: b, clock });
  const s: Script = {
    clock,
    b,
    far,
    agent,
    calls: [],
    events: [],
    invite: newInvite(callId),
    inviteResponses: [],
    dialog: () => {
      const ok = [...s.inviteResponses].reverse().find((r) => r.status >= 101 && r.status < 300);
      assert.ok(ok !== undefined, 'no response that establishes a dialog');
      return (dlg ??= Dialog.fromUacResponse(s.invite, ok));
    },
    send: (req) => {
      const got: SipResponse[] = [];
      far.sendRequest(req, b.local, { onResponse: (r) => got.push(r), onTimeout: () => {}, onTransportError: () => {} });
      clock.advance(10);
      return got;
    },
    ack: (seq = 1) => {
      far.sendStateless(s.dialog().createRequest('ACK', `${VIA};branch=${generateBranch()}`, [], undefined, seq), b.local);
      clock.advance(5);
    },
  };
  let dlg: Dialog | undefined;
  agent.onIncomingCall((call) => {
    s.calls.push(call);
    call.setListener({
      onAck: (at) => s.events.push(`ack@${at}`),
      onRemoteBye: (at) => s.events.push(`remote-bye@${at}`),
      onEnded: (at, by) => s.events.push(`ended ${by}@${at}`),
      onInfo: (req) => s.events.push(`info ${req.body.toString()}`),
      ...listener,
    });
    onCall(call);
  });
  far.sendRequest(s.invite, b.local, { onResponse: (r) => s.inviteResponses.push(r), onTimeout: () => {}, onTransportError: () => {} });
  clock.advance(5);
  return s;
}

function newInvite(callId: string, toTag?: string): SipRequest {
  return createRequest(
    'INVITE',
    URI,
    [
      { name: 'Via', value: `${VIA};branch=${generateBranch()}` },
      { name: 'From', value: '<sip:caller@192.0.2.1>;tag=caller-tag' },
      { name: 'To', value: toTag === undefined ? `<${URI}>` : `<${URI}>;tag=${toTag}` },
      { name: 'Call-ID', value: callId },
      { name: 'CSeq', value: '1 INVITE' },
      { name: 'Contact', value: '<sip:caller@192.0.2.1:5060>' },
      { name: 'Content-Type', value: 'application/sdp' },
    ],
    OFFER,
  );
}

function inDialog(s: Script, method: string, body?: Buffer, cseq?: number): SipRequest {
  return s.dialog().createRequest(method, `${VIA};branch=${generateBranch()}`, body === undefined ? [] : [{ name: 'Content-Type', value: 'application/sdp' }], body, cseq);
}

function finalOf(rs: SipResponse[]): SipResponse | undefined {
  return rs.find((r) => r.status >= 200);
}

test('in-dialog OPTIONS and INFO get 200; INFO reaches the listener; an unknown method gets 405 with Allow', () => {
  const s = script((call) => call.answer(ANSWER));
  s.ack();
  const options = finalOf(s.send(inDialog(s, 'OPTIONS')));
  assert.equal(options?.status, 200);
  assert.match(getHeader(options as SipResponse, 'Allow') ?? '', /BYE/);
  assert.equal(finalOf(s.send(inDialog(s, 'INFO', Buffer.from('Signal=5\r\nDuration=160\r\n'))))?.status, 200);
  assert.ok(s.events.includes('info Signal=5\r\nDuration=160\r\n'));
  const message = finalOf(s.send(inDialog(s, 'MESSAGE')));
  assert.equal(message?.status, 405);
  assert.ok(getHeader(message as SipResponse, 'Allow') !== undefined);
  assert.equal(s.calls[0]?.state, 'confirmed');
});

test('a request with a lower CSeq than the last is answered 500 (RFC 3261 §12.2.2)', () => {
  const s = script((call) => call.answer(ANSWER));
  s.ack();
  assert.equal(finalOf(s.send(inDialog(s, 'OPTIONS', undefined, 5)))?.status, 200);
  const late = finalOf(s.send(inDialog(s, 'OPTIONS', undefined, 4)));
  assert.equal(late?.status, 500);
  assert.equal(getHeader(late as SipResponse, 'Retry-After'), '1');
});

test('re-INVITE with an offer: 200 with listener.answerOffer, re-sent until its own ACK; without an answerer 488', () => {
  const offers: string[] = [];
  const s = script((call) => call.answer(ANSWER), {
    answerOffer: (offer) => {
      offers.push(offer.toString());
      return Buffer.from('v=0\r\nanswer-2\r\n');
    },
  });
  s.ack();
  const reinvite = inDialog(s, 'INVITE', Buffer.from('v=0\r\noffer-2\r\n'));
  const ok = finalOf(s.send(reinvite));
  assert.equal(ok?.status, 200);
  assert.equal(ok?.body.toString(), 'v=0\r\nanswer-2\r\n');
  assert.deepEqual(offers, ['v=0\r\noffer-2\r\n']);
  const count200 = (): number => s.b.sent.filter((r) => r.message.kind === 'response' && r.message.status === 200 && getHeader(r.message, 'CSeq') === '2 INVITE').length;
  s.clock.advance(600);
  assert.equal(count200(), 2, 'the re-INVITE 2xx is re-sent after T1 without its ACK');
  s.ack(2);
  s.clock.advance(10_000);
  assert.equal(count200(), 2, 'its ACK stops the retransmission');
  assert.equal(s.calls[0]?.state, 'confirmed');

  const s2 = script((call) => call.answer(ANSWER), {}, 'dlg-2');
  s2.ack();
  assert.equal(finalOf(s2.send(inDialog(s2, 'INVITE', Buffer.from('v=0\r\n'))))?.status, 488);
  // An offerless re-INVITE gets our current description as the offer.
  const offerless = finalOf(s2.send(inDialog(s2, 'INVITE')));
  assert.equal(offerless?.status, 200);
  assert.equal(offerless?.body.toString(), ANSWER.toString());
});

test('a re-INVITE before our 2xx was ACKed gets 491', () => {
  const s = script((call) => call.answer(ANSWER));
  assert.equal(finalOf(s.send(inDialog(s, 'INVITE', Buffer.from('v=0\r\n'))))?.status, 491);
});

test('BYE before the ACK: 200, the 2xx is no longer re-sent, the call ends remotely', () => {
  const s = script((call) => call.answer(ANSWER));
  assert.equal(s.calls[0]?.state, 'answered');
  assert.equal(finalOf(s.send(inDialog(s, 'BYE')))?.status, 200);
  assert.equal(s.calls[0]?.state, 'ended');
  assert.ok(s.events.some((e) => e.startsWith('remote-bye@')));
  const oks = (): number => s.b.sent.filter((r) => r.message.kind === 'response' && r.message.status === 200 && getHeader(r.message, 'CSeq') === '1 INVITE').length;
  const before = oks();
  s.clock.advance(40_000);
  assert.equal(oks(), before);
  assert.ok(!s.events.some((e) => e.startsWith('ack-timeout')));
});

test('BYE in the early dialog (after a 180 with our tag): 200 to the BYE and 487 to the INVITE', () => {
  const s = script((call) => call.startRinging(1000));
  const bye = finalOf(s.send(inDialog(s, 'BYE')));
  assert.equal(bye?.status, 200);
  assert.equal(finalOf(s.inviteResponses)?.status, 487);
  assert.equal(s.calls[0]?.state, 'ended');
  assert.ok(s.events.some((e) => e.startsWith('ended remote@')));
});

test('a BYE crossing ours is answered 200 and the call ends once, locally', async () => {
  const s = script((call) => call.answer(ANSWER));
  s.ack();
  const call = s.calls[0] as IncomingCall;
  const done = call.hangUp();
  const theirs = finalOf(s.send(inDialog(s, 'BYE')));
  assert.equal(theirs?.status, 200);
  await done;
  assert.deepEqual(s.events.filter((e) => e.startsWith('ended')).length, 1);
  assert.ok(s.events.some((e) => e.startsWith('ended local@')));
});

test('requests after the end get 481; a new INVITE reusing a live Call-ID without our tag gets 482', () => {
  const s = script((call) => call.answer(ANSWER));
  s.ack();
  const again = newInvite('dlg-1');
  again.headers = again.headers.map((h) => (h.name === 'CSeq' ? { name: 'CSeq', value: '9 INVITE' } : h));
  assert.equal(finalOf(s.send(again))?.status, 482);
  assert.equal(s.calls.length, 1);
  assert.equal(finalOf(s.send(inDialog(s, 'BYE')))?.status, 200);
  assert.equal(finalOf(s.send(inDialog(s, 'OPTIONS')))?.status, 481);
});

test('an INVITE whose Contact cannot be parsed is refused with 400 and never offered', () => {
  let offered = 0;
  const s = script(() => offered++, {}, 'dlg-bad');
  // The script's own INVITE was fine; send one with a broken Contact under a new Call-ID.
  const bad = newInvite('dlg-bad-2');
  bad.headers = bad.headers.map((h) => (h.name === 'Contact' ? { name: 'Contact', value: '<sip:>' } : h));
  assert.equal(finalOf(s.send(bad))?.status, 400);
  assert.equal(offered, 1, 'only the well-formed INVITE became a call');
});

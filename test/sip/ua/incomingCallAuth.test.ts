import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/core/fakeClock.js';
import { parseCSeq } from '../../../src/sip/cseq.js';
import { computeDigestAuthorization, parseAuthParams, parseChallenge } from '../../../src/sip/digest.js';
import { generateBranch } from '../../../src/sip/identifiers.js';
import { createRequest, getHeader, type SipResponse } from '../../../src/sip/message.js';
import { TransactionLayer } from '../../../src/sip/transaction/index.js';
import { createMemoryTransportPair } from '../../../src/sip/transport/memoryTransport.js';
import { UserAgent } from '../../../src/sip/ua/userAgent.js';
import { ANSWER, callPair, OFFER } from './incomingCallHarness.js';

const AUTH = { realm: 'voiceload.test', username: 'voiceload', password: 'secret', proxy: true };

test('407 challenge (Proxy-Authenticate, MD5, no qop, fresh nonce), then the retried INVITE is accepted', () => {
  const p = callPair((call) => call.answer(ANSWER), { inviteAuth: AUTH });
  const out = p.place({ credentials: { username: 'voiceload', password: 'secret' } });
  p.clock.advance(20);
  const invites = p.sentBy('a').filter((m) => m.label === 'INVITE');
  assert.equal(invites.length, 2);
  const challenge = p.sentBy('b').find((m) => m.label === '407 INVITE')?.message as SipResponse | undefined;
  assert.ok(challenge !== undefined);
  const value = getHeader(challenge, 'Proxy-Authenticate') ?? '';
  const { scheme, params } = parseAuthParams(value);
  assert.equal(scheme, 'Digest');
  assert.equal(params.get('realm'), AUTH.realm);
  assert.equal(params.get('algorithm'), 'MD5');
  assert.equal(params.has('qop'), false, 'LiveKit challenges without qop');
  assert.match(params.get('nonce') ?? '', /^[0-9a-f]{32}$/);
  assert.equal(getHeader(challenge, 'WWW-Authenticate'), undefined);
  assert.equal(out.authChallenges, 1);
  assert.ok(p.callerEvents.some((e) => e.startsWith('answered@')));
  assert.equal(p.received.length, 1, 'only the authenticated INVITE becomes a call');
  assert.equal(parseCSeq(getHeader(p.received[0]?.invite ?? challenge, 'CSeq') ?? '').seq, 2);
});

test('each challenge gets its own nonce', () => {
  const p = callPair(() => {}, { inviteAuth: AUTH });
  p.place();
  p.place();
  p.clock.advance(20);
  const nonces = p
    .sentBy('b')
    .filter((m) => m.label === '407 INVITE')
    .map((m) => parseAuthParams(getHeader(m.message, 'Proxy-Authenticate') ?? '').params.get('nonce'));
  assert.equal(nonces.length, 2);
  assert.notEqual(nonces[0], nonces[1]);
  assert.equal(p.failure?.reason, 'auth_failed', 'a caller without credentials cannot pass');
});

test('wrong password: 401 without a new challenge; the UAC reports auth_failed and no call is offered', () => {
  const p = callPair(() => assert.fail('no call may be offered'), { inviteAuth: AUTH });
  p.place({ credentials: { username: 'voiceload', password: 'wrong' } });
  p.clock.advance(20);
  const labels = p.sentBy('b').map((m) => m.label);
  assert.deepEqual(labels, ['407 INVITE', '401 INVITE']);
  const r401 = p.sentBy('b')[1]?.message as SipResponse;
  assert.equal(getHeader(r401, 'WWW-Authenticate'), undefined);
  assert.equal(p.failure?.reason, 'auth_failed');
  assert.equal(p.failure?.status, 401);
});

test('proxy: false challenges with 401 WWW-Authenticate, and Authorization is checked', () => {
  const p = callPair((call) => call.answer(ANSWER), { inviteAuth: { ...AUTH, proxy: false } });
  const out = p.place({ credentials: { username: 'voiceload', password: 'secret' } });
  p.clock.advance(20);
  const challenge = p.sentBy('b').find((m) => m.label === '401 INVITE')?.message;
  assert.ok(challenge !== undefined);
  assert.match(getHeader(challenge, 'WWW-Authenticate') ?? '', /^Digest realm="voiceload.test", nonce="[0-9a-f]+", algorithm=MD5$/);
  const retry = p.sentBy('a').filter((m) => m.label === 'INVITE')[1]?.message;
  assert.ok(retry !== undefined && getHeader(retry, 'Authorization') !== undefined);
  assert.equal(out.authChallenges, 1);
  assert.ok(p.callerEvents.some((e) => e.startsWith('answered@')));
});

test('a right digest over a nonce the agent never issued (or forgot) is re-challenged with stale=true', () => {
  const clock = new FakeClock(0);
  const [a, b] = createMemoryTransportPair({ clock, latencyMs: 1 });
  const far = new TransactionLayer({ transport: a, clock });
  const agent = new UserAgent({ transport: b, clock, inviteAuth: AUTH });
  agent.onIncomingCall(() => assert.fail('no call may be offered'));
  const uri = 'sip:agent@192.0.2.2:5060';
  const authorization = computeDigestAuthorization({
    challenge: parseChallenge(`Digest realm="${AUTH.realm}", nonce="not-ours", algorithm=MD5`),
    method: 'INVITE',
    uri,
    username: AUTH.username,
    password: AUTH.password,
  });
  const invite = createRequest(
    'INVITE',
    uri,
    [
      { name: 'Via', value: `SIP/2.0/UDP 192.0.2.1:5060;branch=${generateBranch()}` },
      { name: 'From', value: '<sip:c@192.0.2.1>;tag=f1' },
      { name: 'To', value: `<${uri}>` },
      { name: 'Call-ID', value: 'stale-1' },
      { name: 'CSeq', value: '2 INVITE' },
      { name: 'Contact', value: '<sip:c@192.0.2.1:5060>' },
      { name: 'Proxy-Authorization', value: authorization },
    ],
    OFFER,
  );
  const responses: SipResponse[] = [];
  far.sendRequest(invite, b.local, { onResponse: (r) => responses.push(r), onTimeout: () => {}, onTransportError: () => {} });
  clock.advance(20);
  const final = responses.find((r) => r.status >= 200);
  assert.equal(final?.status, 407);
  const params = parseAuthParams(getHeader(final as SipResponse, 'Proxy-Authenticate') ?? '').params;
  assert.equal(params.get('stale'), 'true');
  assert.notEqual(params.get('nonce'), 'not-ours');
});

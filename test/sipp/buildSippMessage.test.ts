import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSippMessage, type KeywordValues } from '../../src/sipp/buildSippMessage.js';
import { computeDigestAuthorization, parseChallenge } from '../../src/sip/digest.js';
import { verifyDigestAuthorization } from '../../src/sip/digestVerify.js';
import { getHeader, getHeaders, type SipMessage } from '../../src/sip/message.js';
import { parseSipMessage } from '../../src/sip/parse.js';
import { SIMPLE_KEYWORDS } from '../../src/sipp/sippKeywords.js';

function values(over: Partial<KeywordValues> = {}): KeywordValues {
  const simple = Object.fromEntries(SIMPLE_KEYWORDS.map((k) => [k, `<${k}>`])) as Record<(typeof SIMPLE_KEYWORDS)[number], string>;
  Object.assign(simple, { local_ip: '127.0.0.1', local_port: '5070', remote_ip: '127.0.0.2', remote_port: '5060', transport: 'UDP', call_id: 'c1@127.0.0.1', service: 'agent', media_port: '40000', media_ip: '127.0.0.1', media_ip_type: '4', local_ip_type: '4', peer_tag_param: '' });
  let n = 0;
  return {
    simple,
    cseq: 3,
    branch: () => `z9hG4bK-test-${++n}`,
    last: undefined,
    field: () => undefined,
    authentication: () => {
      throw new Error('no challenge');
    },
    ...over,
  };
}

const INVITE = `

    INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:caller@[local_ip]>;tag=1
    To: <sip:[service]@[remote_ip]>
    Call-ID: [call_id]
    CSeq: [cseq] INVITE
    Content-Type: application/sdp
    Content-Length: [len]

    v=0
    o=- 1 1 IN IP[media_ip_type] [media_ip]
    s=-
    c=IN IP4 [media_ip]
    t=0 0
    m=audio [media_port] RTP/AVP 0

  `;

test('[len] is the byte count of the body after substitution, which ends with CRLF; lines lose their indentation', () => {
  const text = buildSippMessage(INVITE, values());
  const msg = parseSipMessage(Buffer.from(text), { datagram: true });
  assert.equal(msg.kind, 'request');
  // The parser takes Content-Length bytes: the whole rest of the datagram must be exactly that body.
  const headEnd = text.indexOf('\r\n\r\n') + 4;
  assert.equal(Number(getHeader(msg, 'Content-Length')), Buffer.byteLength(text.slice(headEnd)));
  assert.equal(msg.body.toString(), 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n');
  assert.ok(text.startsWith('INVITE sip:agent@127.0.0.2:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-test-1\r\n'));
  assert.equal(getHeader(msg, 'CSeq'), '3 INVITE');
});

test('a message without body ends in an empty line and [len] is 0; [cseq+N], [branch] once per message', () => {
  const text = buildSippMessage('  BYE sip:x@y SIP/2.0\n  Via: SIP/2.0/UDP h;branch=[branch]\n  X-Same: [branch]\n  CSeq: [cseq+2] BYE\n  Content-Length: [len]\n\n', values({ branch: (() => { let n = 0; return (back: number) => (back === 0 ? 'z9hG4bK-once' : `b${++n}`); })() }));
  assert.ok(text.endsWith('Content-Length: 0\r\n\r\n'));
  const msg = parseSipMessage(Buffer.from(text), { datagram: true });
  assert.equal(getHeader(msg, 'CSeq'), '5 BYE');
  assert.equal(getHeader(msg, 'X-Same'), 'z9hG4bK-once');
  assert.equal(msg.body.length, 0);
});

test('[last_Header:] copies every value of the last message; an absent one removes its line; [last_Request_URI], [peer_tag_param]', () => {
  const last: SipMessage = parseSipMessage(
    Buffer.from('BYE sip:me@127.0.0.1:5070 SIP/2.0\r\nVia: SIP/2.0/UDP a:1;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP b:2;branch=z9hG4bK2\r\nFrom: <sip:x@y>;tag=far\r\nTo: <sip:me@z>;tag=near\r\nCall-ID: k\r\nCSeq: 7 BYE\r\nContent-Length: 0\r\n\r\n'),
  );
  const text = buildSippMessage(
    'SIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To]\n[last_Call-ID:]\n[last_CSeq:]\n[last_Record-Route:]\nX-Uri: [last_Request_URI]\nX-Seq: [last_cseq_number]\nContent-Length: [len]\n\n',
    values({ last }),
  );
  const msg = parseSipMessage(Buffer.from(text), { datagram: true });
  assert.deepEqual(getHeaders(msg, 'Via'), getHeaders(last, 'Via'));
  assert.equal(getHeader(msg, 'To'), getHeader(last, 'To'));
  assert.equal(getHeader(msg, 'X-Uri'), (last as { uri: string }).uri);
  assert.equal(getHeader(msg, 'X-Seq'), '7');
  assert.equal(getHeaders(msg, 'Record-Route').length, 0);
  assert.ok(!text.includes('\r\n\r\n\r\n'));
});

test('[field0..n] from the injection record; a missing field fails with the keyword named', () => {
  const fields = ['alice', 'secret-room'];
  const v = values({ field: (i) => fields[i] });
  const text = buildSippMessage('INVITE sip:[field1]@h SIP/2.0\nFrom: <sip:[field0]@h>\n\n', v);
  assert.ok(text.startsWith('INVITE sip:secret-room@h SIP/2.0\r\nFrom: <sip:alice@h>\r\n'));
  assert.throws(() => buildSippMessage('INVITE sip:[field5]@h SIP/2.0\n\n', v), /\[field5\]: the injection file has no such field/);
});

test('[authentication] answers the challenge for the method and Request-URI of the message being built', () => {
  const challenge = parseChallenge('Digest realm="voiceload", nonce="abc123", qop="auth", algorithm=MD5');
  const seen: string[] = [];
  const v = values({
    authentication: (args, method, uri, body) => {
      seen.push(`${method} ${uri}`);
      return computeDigestAuthorization({ challenge, method, uri, username: args.username ?? 'u', password: args.password ?? 'p', body });
    },
  });
  const text = buildSippMessage('INVITE sip:[service]@[remote_ip] SIP/2.0\nAuthorization: [authentication username=alice password=s3cret]\nContent-Length: [len]\n\nv=0\n', v);
  const msg = parseSipMessage(Buffer.from(text), { datagram: true });
  assert.deepEqual(seen, ['INVITE sip:agent@127.0.0.2']);
  const verdict = verifyDigestAuthorization({ headerValue: getHeader(msg, 'Authorization'), method: 'INVITE', realm: 'voiceload', username: 'alice', password: 's3cret' });
  assert.equal(verdict, 'ok');
  const wrong = verifyDigestAuthorization({ headerValue: getHeader(msg, 'Authorization'), method: 'INVITE', realm: 'voiceload', username: 'alice', password: 'other' });
  assert.equal(wrong, 'bad');
});

test('an unknown keyword in a template that skipped validation still fails clearly', () => {
  assert.throws(() => buildSippMessage('INVITE sip:[sevice]@h SIP/2.0\n\n', values()), /unknown keyword \[sevice\]; did you mean \[service\]\?/);
});

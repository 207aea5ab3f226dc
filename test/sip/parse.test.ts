import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSipMessage } from '../../src/sip/parse.js';
import { SipParseError } from '../../src/sip/sipErrors.js';
import { getHeader, getHeaders } from '../../src/sip/message.js';
import { FIXTURES, readFixture } from './fixtures.js';

/** Builds message bytes from header lines (CRLF-joined) and a body. */
function msg(lines: string[], body = ''): Buffer {
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8'), Buffer.from(body, 'utf8')]);
}

const BASE = [
  'OPTIONS sip:agent@127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1',
  'To: <sip:agent@127.0.0.1>',
  'From: <sip:caller@127.0.0.1>;tag=1',
  'Call-ID: abc@127.0.0.1',
  'CSeq: 1 OPTIONS',
  'Max-Forwards: 70',
];

function parseError(buf: Buffer, datagram = false): SipParseError {
  try {
    parseSipMessage(buf, { datagram });
  } catch (e) {
    assert.ok(e instanceof SipParseError, `expected SipParseError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a parse error');
}

test('fixtures parse; the body is exactly the bytes after the blank line, as many as Content-Length says', () => {
  for (const name of FIXTURES) {
    const bytes = readFixture(name);
    const m = parseSipMessage(bytes);
    const bodyStart = bytes.indexOf('\r\n\r\n') + 4;
    assert.deepEqual(m.body, bytes.subarray(bodyStart), name);
    assert.equal(Number(getHeader(m, 'Content-Length')), m.body.length, name);
  }
});

test('INVITE fixture: start line and list headers split into one field per value', () => {
  const m = parseSipMessage(readFixture('invite.sip'));
  assert.equal(m.kind, 'request');
  if (m.kind !== 'request') return;
  assert.equal(m.method, 'INVITE');
  assert.equal(m.uri, 'sip:agent@127.0.0.1:5080');
  assert.equal(m.version, 'SIP/2.0');
  assert.deepEqual(getHeaders(m, 'Allow'), ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS']);
  assert.deepEqual(getHeaders(m, 'Supported'), ['timer', '100rel']);
  assert.equal(getHeader(m, 'Contact'), '<sip:caller17@127.0.0.1:5060;transport=udp>');
});

test('200 OK fixture: status, reason, Record-Route values split, Via order kept', () => {
  const m = parseSipMessage(readFixture('ok200.sip'));
  assert.equal(m.kind, 'response');
  if (m.kind !== 'response') return;
  assert.equal(m.status, 200);
  assert.equal(m.reason, 'OK');
  assert.deepEqual(getHeaders(m, 'Record-Route'), ['<sip:10.0.0.5;lr>', '<sip:10.0.0.9;lr;transport=tcp>']);
  assert.equal(getHeaders(m, 'Via').length, 2);
  assert.match(getHeaders(m, 'Via')[0] ?? '', /^SIP\/2\.0\/UDP 10\.0\.0\.5/);
});

test('407 fixture: each Proxy-Authenticate stays one field despite its commas', () => {
  const m = parseSipMessage(readFixture('proxyauth407.sip'));
  const challenges = getHeaders(m, 'Proxy-Authenticate');
  assert.equal(challenges.length, 2);
  assert.ok(challenges.every((c) => c.startsWith('Digest ') && c.includes('qop=')));
});

test('compact forms expand to canonical long names', () => {
  const compact: Record<string, string> = {
    i: 'Call-ID', m: 'Contact', v: 'Via', f: 'From', t: 'To', l: 'Content-Length', c: 'Content-Type', k: 'Supported',
    s: 'Subject', e: 'Content-Encoding', o: 'Event', u: 'Allow-Events', r: 'Refer-To', b: 'Referred-By', x: 'Session-Expires',
  };
  const lines = ['MESSAGE sip:a@example.com SIP/2.0', 'CSeq: 1 MESSAGE'];
  const sample: Record<string, string> = {
    m: '<sip:c@example.com>', v: 'SIP/2.0/UDP h.example.com;branch=z9hG4bKx', f: '<sip:f@example.com>;tag=1',
    t: '<sip:t@example.com>', l: '5', r: '<sip:r@example.com>', b: '<sip:b@example.com>', x: '1800',
  };
  for (const short of Object.keys(compact)) lines.push(`${short}: ${sample[short] ?? 'value-' + short}`);
  const m = parseSipMessage(msg(lines, 'hello'));
  assert.deepEqual(m.headers.slice(1).map((h) => h.name), Object.values(compact));
  assert.equal(m.body.toString(), 'hello');
});

test('known names get canonical casing; unknown names are kept as written', () => {
  const m = parseSipMessage(
    msg(['SIP/2.0 401 Unauthorized', 'call-id: x', 'CSEQ: 1 REGISTER', 'www-authenticate: Digest realm="a", nonce="b"', 'X-Odd-CASE: 1', 'max-FORWARDS: 3']),
  );
  assert.deepEqual(m.headers.map((h) => h.name), ['Call-ID', 'CSeq', 'WWW-Authenticate', 'X-Odd-CASE', 'Max-Forwards']);
});

test('folded lines join with one space; LWS around the colon is ignored', () => {
  const m = parseSipMessage(msg([...BASE, 'Subject  :  first', ' \tsecond', '\tthird', 'X-Empty:', ' ', 'X-After: ok']));
  assert.equal(getHeader(m, 'Subject'), 'first second third');
  assert.equal(getHeader(m, 'X-Empty'), '');
  assert.equal(getHeader(m, 'X-After'), 'ok');
});

test('list values split only at commas outside quotes and <>; Contact * and non-list headers never split', () => {
  const m = parseSipMessage(
    msg([
      'REGISTER sip:example.com SIP/2.0',
      'Contact: "Doe, John" <sip:j@example.com;x=a,b>;q=0.5, <sip:k@example.com>',
      'Date: Sat, 13 Nov 2010 23:29:00 GMT',
      'Authorization: Digest username="a", realm="b", nonce="c", uri="sip:example.com", response="d"',
      'Route: <sip:p1@example.com;lr>,<sip:p2@example.com;lr>',
      'CSeq: 1 REGISTER',
    ]),
  );
  assert.deepEqual(getHeaders(m, 'Contact'), ['"Doe, John" <sip:j@example.com;x=a,b>;q=0.5', '<sip:k@example.com>']);
  assert.equal(getHeaders(m, 'Date').length, 1);
  assert.equal(getHeaders(m, 'Authorization').length, 1);
  assert.equal(getHeaders(m, 'Route').length, 2);
  const star = parseSipMessage(msg(['REGISTER sip:example.com SIP/2.0', 'Contact: *', 'Expires: 0', 'CSeq: 2 REGISTER']));
  assert.deepEqual(getHeaders(star, 'Contact'), ['*']);
});

test('leading CRLFs before the start line are ignored (RFC 3261 §7.5)', () => {
  const m = parseSipMessage(Buffer.concat([Buffer.from('\r\n\r\n'), msg(BASE)]));
  assert.equal(m.kind, 'request');
});

test('body is sliced by bytes, not characters', () => {
  const body = 'héllo wörld'; // 13 bytes, 11 characters
  const m = parseSipMessage(msg([...BASE, `Content-Length: ${Buffer.byteLength(body)}`], body));
  assert.equal(m.body.toString('utf8'), body);
});

test('datagram framing: extra octets ignored, missing Content-Length takes the rest, too large is SIP_PARSE', () => {
  const extra = parseSipMessage(msg([...BASE, 'Content-Length: 3'], 'abcdef'), { datagram: true });
  assert.equal(extra.body.toString(), 'abc');
  const missing = parseSipMessage(msg(BASE, 'abcdef'), { datagram: true });
  assert.equal(missing.body.toString(), 'abcdef');
  const tooLarge = parseError(msg([...BASE, 'Content-Length: 7'], 'abcdef'), true);
  assert.equal(tooLarge.code, 'SIP_PARSE');
  assert.equal(tooLarge.problem, 'content-length');
  const conflict = parseSipMessage(msg([...BASE, 'Content-Length: 3', 'l: 4'], 'abcdef'), { datagram: true });
  assert.equal(conflict.body.toString(), 'abcdef');
});

test('stream framing (default): the buffer must hold exactly one message', () => {
  assert.equal(parseError(msg([...BASE, 'Content-Length: 7'], 'abcdef')).problem, 'truncated');
  const trailing = parseError(msg([...BASE, 'Content-Length: 3'], 'abcdef'));
  assert.equal(trailing.code, 'SIP_FRAMING');
  assert.equal(trailing.problem, 'trailing-octets');
  const conflict = parseError(msg([...BASE, 'Content-Length: 6', 'Content-Length: 4'], 'abcdef'));
  assert.equal(conflict.code, 'SIP_FRAMING');
  assert.equal(parseSipMessage(msg([...BASE, 'Content-Length: 6', 'l: 006'], 'abcdef')).body.length, 6);
  assert.equal(parseError(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n')).code, 'SIP_FRAMING');
});

test('malformed messages fail with a typed error naming the problem', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['SIP/3.0 version', msg(['OPTIONS sip:a@b SIP/3.0', 'CSeq: 1 OPTIONS']), 'version'],
    ['response version', msg(['SIP/1.0 200 OK', 'CSeq: 1 OPTIONS']), 'version'],
    ['garbage start line', msg(['HELLO', 'CSeq: 1 OPTIONS']), 'start-line'],
    ['double space', msg(['OPTIONS  sip:a@b SIP/2.0']), 'start-line'],
    ['trailing space', msg(['OPTIONS sip:a@b SIP/2.0 ']), 'start-line'],
    ['space in URI', msg(['OPTIONS sip:a@b; lr SIP/2.0']), 'start-line'],
    ['method not a token', msg(['OPT(IONS sip:a@b SIP/2.0']), 'start-line'],
    ['<> around URI', msg(['OPTIONS <sip:a@b> SIP/2.0']), 'request-uri'],
    ['headers in R-URI', msg(['OPTIONS sip:a@b?Route=x SIP/2.0']), 'request-uri'],
    ['no scheme', msg(['OPTIONS a@b SIP/2.0']), 'request-uri'],
    ['2-digit status', msg(['SIP/2.0 20 OK']), 'status-code'],
    ['status 700', msg(['SIP/2.0 700 Nope']), 'status-code'],
    ['status 099', msg(['SIP/2.0 099 Nope']), 'status-code'],
    ['status with letters', msg(['SIP/2.0 2x0 OK']), 'status-code'],
    ['negative Content-Length', msg([...BASE, 'Content-Length: -1']), 'content-length'],
    ['non-numeric Content-Length', msg([...BASE, 'Content-Length: 1a']), 'content-length'],
    ['CSeq too big', msg(['OPTIONS sip:a@b SIP/2.0', 'CSeq: 4294967296 OPTIONS']), 'cseq'],
    ['CSeq method mismatch', msg(['OPTIONS sip:a@b SIP/2.0', 'CSeq: 1 INVITE']), 'cseq'],
    ['Max-Forwards 256', msg([...BASE, 'Max-Forwards: 256']), 'max-forwards'],
    ['header without colon', msg([...BASE, 'Broken header']), 'header-line'],
    ['header name with space', msg([...BASE, 'Bad Name: x']), 'header-line'],
    ['continuation first', msg(['OPTIONS sip:a@b SIP/2.0', ' folded']), 'header-line'],
    ['bare LF', msg([...BASE, 'X-A: 1\nX-B: 2']), 'header-line'],
    ['empty list element', msg([...BASE, 'Via: SIP/2.0/UDP h;branch=z9hG4bK2,,SIP/2.0/UDP g']), 'header-value'],
    ['bad Via', msg([...BASE, 'Via: SIP/2.0/UDP']), 'via'],
    ['unterminated quote in From', msg([...BASE, 'From: "Bob <sip:b@example.com>']), 'name-addr'],
    ['no end of headers', Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n'), 'truncated'],
  ];
  for (const [what, buf, problem] of cases) {
    const e = parseError(buf, true);
    assert.equal(e.problem, problem, `${what}: ${e.message}`);
    assert.equal(e.code, 'SIP_PARSE', what);
    assert.ok(e.message.length > 10, what);
  }
  assert.equal(parseError(msg(['OPTIONS sip:a@b SIP/3.0']), true).suggestedStatus, 505);
  assert.equal(parseError(msg(['OPTIONS sip:a@b; lr SIP/2.0']), true).suggestedStatus, 400);
});

test('status line: reason may be empty, or the final SP missing', () => {
  const a = parseSipMessage(msg(['SIP/2.0 180 ', 'CSeq: 1 INVITE']));
  const b = parseSipMessage(msg(['SIP/2.0 180', 'CSeq: 1 INVITE']));
  const c = parseSipMessage(msg(['SIP/2.0 486 Busy  Here ', 'CSeq: 1 INVITE']));
  assert.ok(a.kind === 'response' && a.reason === '' && a.status === 180);
  assert.ok(b.kind === 'response' && b.reason === '');
  assert.ok(c.kind === 'response' && c.reason === 'Busy  Here ');
});

test('invalid UTF-8 in header values does not throw', () => {
  const bytes = Buffer.concat([msg([...BASE, 'Subject: x']).subarray(0, -4), Buffer.from([0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a])]);
  const m = parseSipMessage(bytes);
  assert.ok((getHeader(m, 'Subject') ?? '').startsWith('x'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSipMessage } from '../../src/sip/parse.js';
import { serializeSipMessage } from '../../src/sip/serialize.js';
import { createRequest, createResponseMessage, getHeaders, type SipMessage } from '../../src/sip/message.js';
import { isVoiceloadError } from '../../src/core/errors.js';
import { FIXTURES, readFixture } from './fixtures.js';
import { readTorture, tortureFiles, tortureSkipNote } from './rfc4475Corpus.js';

test('fixtures: serialize(parse(x)) reproduces the exact bytes', () => {
  // The fixtures are written in canonical form (long names, one list per line as parsed, correct Content-Length)
  // except where lists are comma-joined, so compare after one normalising pass as well.
  for (const name of FIXTURES) {
    const bytes = readFixture(name);
    const once = serializeSipMessage(parseSipMessage(bytes));
    assert.deepEqual(parseSipMessage(once), parseSipMessage(bytes), name);
    assert.deepEqual(serializeSipMessage(parseSipMessage(once)), once, name);
  }
  const bye = readFixture('bye.sip'); // no list values joined by commas: byte-identical
  assert.deepEqual(serializeSipMessage(parseSipMessage(bye)), bye);
});

/** Content-Length is rewritten by the serializer; compare the rest exactly. */
function withoutContentLength(m: SipMessage): SipMessage {
  return { ...m, headers: m.headers.filter((h) => h.name !== 'Content-Length') };
}

test('RFC 4475 valid messages round-trip: parse(serialize(parse(x))) equals parse(x)', { skip: tortureSkipNote }, () => {
  for (const file of tortureFiles('valid')) {
    const first = parseSipMessage(readTorture('valid', file), { datagram: true });
    const bytes = serializeSipMessage(first);
    const second = parseSipMessage(bytes); // stream mode: the serialized message must frame exactly
    const lengths = getHeaders(first, 'Content-Length');
    if (lengths.length === 1) {
      assert.deepEqual(second, first, file);
    } else {
      // inv2543 has no Content-Length and mcl01 two conflicting ones: the serializer writes the one true value.
      assert.ok(file === 'inv2543.dat' || file === 'mcl01.dat', `${file} has ${lengths.length} Content-Length fields`);
      assert.deepEqual(withoutContentLength(second), withoutContentLength(first), file);
      assert.deepEqual(getHeaders(second, 'Content-Length'), [String(first.body.length)], file);
    }
    assert.deepEqual(serializeSipMessage(second), bytes, `${file}: serialization is stable`);
  }
});

test('Content-Length is always written from the body length, replacing existing values', () => {
  const body = Buffer.from([0, 1, 2, 0xff]);
  const req = createRequest('MESSAGE', 'sip:a@example.com', [
    { name: 'CSeq', value: '1 MESSAGE' },
    { name: 'Content-Length', value: '99' },
    { name: 'X-Mid', value: 'm' },
    { name: 'l', value: '5' },
  ], body);
  const bytes = serializeSipMessage(req);
  const text = bytes.toString('latin1');
  assert.equal(text.split('Content-Length').length - 1, 1);
  assert.ok(text.includes('CSeq: 1 MESSAGE\r\nContent-Length: 4\r\nX-Mid: m\r\n\r\n'));
  assert.deepEqual(bytes.subarray(bytes.length - 4), body);
  const res = createResponseMessage(100, '', [{ name: 'CSeq', value: '1 INVITE' }]);
  assert.equal(serializeSipMessage(res).toString(), 'SIP/2.0 100 \r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n');
});

test('CR or LF inside a header value is refused (it would break framing)', () => {
  const req = createRequest('OPTIONS', 'sip:a@example.com', [{ name: 'Subject', value: 'a\r\nVia: injected' }]);
  assert.throws(() => serializeSipMessage(req), (e) => isVoiceloadError(e) && e.code === 'SIP_FRAMING');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNameAddr, parseNameAddr } from '../../src/sip/nameAddr.js';
import { isVoiceloadError } from '../../src/core/errors.js';

test('name-addr with a quoted display name, escapes and LWS around parameters', () => {
  const na = parseNameAddr('"J Rosenberg \\\\\\""       <sip:jdrosen@example.com>   ;   tag = 98asjd8');
  assert.equal(na.displayName, 'J Rosenberg \\"');
  assert.equal(na.uri, 'sip:jdrosen@example.com');
  assert.equal(na.parsedUri.user, 'jdrosen');
  assert.deepEqual(na.params, { tag: '98asjd8' });
});

test('token display names, no LWS before < (RFC 4475 §3.1.1.6), bare addr-spec with params', () => {
  assert.equal(parseNameAddr('caller<sip:caller@example.com>;tag=323').displayName, 'caller');
  assert.equal(parseNameAddr("token1~` token2'+_ token3*%!.- <sip:m@example.com>").displayName, "token1~` token2'+_ token3*%!.-");
  const bare = parseNameAddr('sip:+19725552222@gw1.example.net;unknownparam');
  assert.equal(bare.displayName, undefined);
  assert.equal(bare.uri, 'sip:+19725552222@gw1.example.net');
  assert.deepEqual(bare.params, { unknownparam: null }); // a header param, not a URI param (RFC 4475 §3.3.12)
  const inner = parseNameAddr('<sip:+19725552222@gw1.example.net;unknownparam>');
  assert.deepEqual(inner.params, {});
  assert.deepEqual(inner.parsedUri.params, { unknownparam: null });
  assert.equal(parseNameAddr('"" <sip:a@b>').displayName, '');
  assert.equal(parseNameAddr('<name:John_Smith>').parsedUri.scheme, 'name');
});

test('quoted parameter values keep their quotes', () => {
  const na = parseNameAddr('<sip:a@b>;tag=x;+sip.instance="<urn:uuid:1234>"');
  assert.equal(na.params['+sip.instance'], '"<urn:uuid:1234>"');
});

test('malformed values are SIP_PARSE errors', () => {
  for (const bad of [
    '"Mr. J. User <sip:j.user@example.com>', // unterminated quote (RFC 4475 §3.1.2.6)
    'Bell, Alexander <sip:a.g.bell@example.com>', // non-token display name (§3.1.2.15)
    '"Watson, Thomas" < sip:t.watson@example.org >', // spaces inside <> (§3.1.2.14)
    'sip:user@example.com?Route=%3Csip:sip.example.com%3E', // ? outside <> (§3.1.2.13)
    '"Joe" <sip:joe@example.org>;;;;', // empty params (§3.1.2.1)
    '<sip:a@b',
    '<sip:a@b> junk',
    '',
  ]) {
    assert.throws(() => parseNameAddr(bad), (e) => isVoiceloadError(e) && e.code === 'SIP_PARSE', bad);
  }
});

test('round trip: parseNameAddr(formatNameAddr(x)) equals x', () => {
  for (const s of [
    '"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33',
    'sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n',
    'A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe',
    '<sip:user@example.com?Route=%3Csip:sip.example.com%3E>',
    '"BEL:\\\u0007 NUL:\\\u0000 DEL:\\\u007f" <sip:x@example.com>',
    'isbn:2983792873',
  ]) {
    const na = parseNameAddr(s);
    assert.deepEqual(parseNameAddr(formatNameAddr(na)), na, s);
  }
  assert.equal(formatNameAddr({ displayName: 'Al "the" \\ Pal', uri: 'sip:al@x', params: { tag: '1' } }), '"Al \\"the\\" \\\\ Pal" <sip:al@x>;tag=1');
});

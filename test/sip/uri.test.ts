import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatUri, parseUri, unescapeUriPart } from '../../src/sip/uri.js';
import { isVoiceloadError } from '../../src/core/errors.js';

test('sip URI parts', () => {
  assert.deepEqual(parseUri('sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr;MAddr=239.255.255.1?Subject=hi&Priority=urgent'), {
    scheme: 'sips',
    user: 'alice',
    password: 'secret',
    host: '[2001:db8::1]',
    port: 5061,
    params: { transport: 'tcp', lr: null, maddr: '239.255.255.1' },
    headers: [{ name: 'Subject', value: 'hi' }, { name: 'Priority', value: 'urgent' }],
  });
  assert.deepEqual(parseUri('SIP:example.com'), { scheme: 'sip', host: 'example.com', params: {} });
});

test('user parts may hold ; ? , (RFC 4475 §3.1.1.2, §3.1.1.9) — the first @ ends them', () => {
  const semi = parseUri('sip:user;par=u%40example.net@example.com');
  assert.equal(semi.user, 'user;par=u%40example.net');
  assert.equal(semi.host, 'example.com');
  assert.deepEqual(semi.params, {});
  const odd = parseUri("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
  assert.equal(odd.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  assert.equal(odd.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  assert.equal(odd.headers, undefined);
});

test('other schemes keep an opaque part', () => {
  assert.deepEqual(parseUri('tel:+1-201-555-0123;phone-context=example.com'), {
    scheme: 'tel', host: '', params: {}, opaque: '+1-201-555-0123;phone-context=example.com',
  });
  assert.equal(parseUri('soap.beep://192.0.2.103:3002').scheme, 'soap.beep');
});

test('malformed URIs are SIP_PARSE errors', () => {
  for (const bad of ['', 'sip:', 'example.com', '1sip:a', 'sip:a b@c', 'sip:@host', 'sip:host:99999', 'sip:host:x', 'sip:[zz]', 'sip:host;;lr', 'sip:host?=x', 'sip:<a>', 'isbn:']) {
    assert.throws(() => parseUri(bad), (e) => isVoiceloadError(e) && e.code === 'SIP_PARSE', bad);
  }
});

test('round trip: parseUri(formatUri(parseUri(s))) equals parseUri(s)', () => {
  for (const s of [
    'sip:alice@example.com',
    'sips:a:b@host.example.com:5061;transport=tls;lr?X=1&Y=%20',
    'sip:[::1]:5060',
    'sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31',
    'tel:+15551234',
    'urn:service:sos',
  ]) {
    const u = parseUri(s);
    assert.deepEqual(parseUri(formatUri(u)), u, s);
  }
  assert.equal(formatUri(parseUri('sip:alice@example.com:5070;lr')), 'sip:alice@example.com:5070;lr');
});

test('unescaping resolves %HH as UTF-8 and keeps %00 (RFC 4475 §3.1.1.3, §3.1.1.4)', () => {
  assert.equal(unescapeUriPart('sips%3Auser%40example.com'), 'sips:user@example.com');
  assert.equal(unescapeUriPart('null-%00-null'), 'null-\u0000-null');
  assert.equal(unescapeUriPart('%C3%A9t%C3%A9'), 'été');
  assert.equal(unescapeUriPart('100%'), '100%');
});

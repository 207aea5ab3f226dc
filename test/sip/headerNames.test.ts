import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalHeaderName, compactHeaderName, isListHeader } from '../../src/sip/headerNames.js';

test('canonical names and compact forms are inverse where a compact form exists', () => {
  for (const short of 'abcdefijklmnorstuvxy') {
    const long = canonicalHeaderName(short);
    assert.notEqual(long, short, short);
    assert.equal(compactHeaderName(long), short);
    assert.equal(canonicalHeaderName(long.toUpperCase()), long);
  }
  assert.equal(canonicalHeaderName('q'), 'q');
  assert.equal(compactHeaderName('CSeq'), undefined);
});

test('list headers exclude credentials, Date and unknown headers', () => {
  for (const n of ['Via', 'Route', 'Record-Route', 'Contact', 'Allow', 'Supported', 'Require', 'Proxy-Require', 'Unsupported', 'Accept']) assert.ok(isListHeader(n), n);
  for (const n of ['WWW-Authenticate', 'Proxy-Authenticate', 'Authorization', 'Proxy-Authorization', 'Date', 'Subject', 'X-Custom']) assert.ok(!isListHeader(n), n);
});

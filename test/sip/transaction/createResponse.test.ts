import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeader, getHeaders } from '../../../src/sip/message.js';
import { parseNameAddr } from '../../../src/sip/nameAddr.js';
import { parseSipMessage } from '../../../src/sip/parse.js';
import { serializeSipMessage } from '../../../src/sip/serialize.js';
import { createResponse } from '../../../src/sip/transaction/createResponse.js';

const opts = { timeout: 5000 };

// A request as a proxy would forward it: two Vias, a Record-Route and a body that must not be copied.
const wire = Buffer.from(
  [
    'INVITE sip:agent@192.0.2.2 SIP/2.0',
    'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1',
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKc1;received=192.0.2.1',
    'Record-Route: <sip:proxy.example.com;lr>',
    'Max-Forwards: 69',
    'From: "Caller" <sip:caller@example.com>;tag=f1',
    'To: <sip:agent@192.0.2.2>',
    'Call-ID: abc@192.0.2.1',
    'CSeq: 314 INVITE',
    'Content-Type: application/sdp',
    'Content-Length: 4',
    '',
    'v=0\n',
  ].join('\r\n'),
);

test('createResponse copies Via (all, in order), From, To, Call-ID, CSeq and nothing else (RFC 3261 §8.2.6.2)', opts, () => {
  const req = parseSipMessage(wire);
  assert.equal(req.kind, 'request');
  if (req.kind !== 'request') return;
  const res = createResponse(req, 180, 'Ringing', [{ name: 'Contact', value: '<sip:agent@192.0.2.2>' }], undefined, 'uas9');
  assert.equal(res.status, 180);
  assert.deepEqual(getHeaders(res, 'Via'), getHeaders(req, 'Via'));
  for (const name of ['From', 'Call-ID', 'CSeq']) assert.equal(getHeader(res, name), getHeader(req, name));
  assert.equal(parseNameAddr(getHeader(res, 'To')!).params['tag'], 'uas9');
  assert.equal(parseNameAddr(getHeader(res, 'To')!).uri, parseNameAddr(getHeader(req, 'To')!).uri);
  assert.equal(getHeader(res, 'Contact'), '<sip:agent@192.0.2.2>');
  assert.equal(getHeader(res, 'Record-Route'), undefined);
  assert.equal(getHeader(res, 'Content-Type'), undefined);
  assert.equal(res.body.length, 0);
  // It survives the wire.
  const back = parseSipMessage(serializeSipMessage(res));
  assert.deepEqual(back.headers.filter((h) => h.name !== 'Content-Length'), res.headers);
});

test('createResponse keeps an existing To tag and adds none when not asked', opts, () => {
  const req = parseSipMessage(wire);
  if (req.kind !== 'request') throw new Error('expected a request');
  const untagged = createResponse(req, 100, 'Trying');
  assert.equal(getHeader(untagged, 'To'), getHeader(req, 'To'));
  const inDialog = { ...req, headers: req.headers.map((h) => (h.name === 'To' ? { name: 'To', value: '<sip:agent@192.0.2.2>;tag=old' } : h)) };
  const res = createResponse(inDialog, 200, 'OK', [], Buffer.from('x'), 'new');
  assert.equal(parseNameAddr(getHeader(res, 'To')!).params['tag'], 'old');
  assert.equal(res.body.toString(), 'x');
});

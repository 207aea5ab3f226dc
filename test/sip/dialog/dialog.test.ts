import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dialog } from '../../../src/sip/dialog/dialog.js';
import { createRequest, createResponseMessage, getHeader, getHeaders } from '../../../src/sip/message.js';

const invite = createRequest('INVITE', 'sip:agent@example.com', [
  { name: 'Via', value: 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1' },
  { name: 'From', value: '<sip:caller@10.0.0.1:5070>;tag=ours' },
  { name: 'To', value: '<sip:agent@example.com>' },
  { name: 'Call-ID', value: 'c1@10.0.0.1' },
  { name: 'CSeq', value: '7 INVITE' },
]);

function answer(recordRoutes: string[], contact = '<sip:agent@10.0.0.9:5080>') {
  return createResponseMessage(200, 'OK', [
    { name: 'Via', value: 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1' },
    ...recordRoutes.map((value) => ({ name: 'Record-Route', value })),
    { name: 'From', value: '<sip:caller@10.0.0.1:5070>;tag=ours' },
    { name: 'To', value: '<sip:agent@example.com>;tag=theirs' },
    { name: 'Call-ID', value: 'c1@10.0.0.1' },
    { name: 'CSeq', value: '7 INVITE' },
    { name: 'Contact', value: contact },
  ]);
}

test('dialog state from the 2xx: tags, remote target, reversed route set, CSeq', () => {
  const d = Dialog.fromUacResponse(invite, answer(['<sip:p2.example;lr>', '<sip:p1.example;lr>']));
  assert.equal(d.state.localTag, 'ours');
  assert.equal(d.state.remoteTag, 'theirs');
  assert.equal(d.state.remoteTarget, 'sip:agent@10.0.0.9:5080');
  assert.deepEqual(d.state.routeSet, ['<sip:p1.example;lr>', '<sip:p2.example;lr>']);
  assert.equal(d.state.localSeq, 7);
});

test('loose routing: Request-URI is the remote target, Route is the route set, next hop the first route', () => {
  const d = Dialog.fromUacResponse(invite, answer(['<sip:p2.example;lr>', '<sip:p1.example:5062;lr>']));
  const bye = d.createRequest('BYE', 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK2');
  assert.equal(bye.uri, 'sip:agent@10.0.0.9:5080');
  assert.deepEqual(getHeaders(bye, 'Route'), ['<sip:p1.example:5062;lr>', '<sip:p2.example;lr>']);
  assert.equal(getHeader(bye, 'CSeq'), '8 BYE');
  assert.equal(getHeader(bye, 'From'), '<sip:caller@10.0.0.1:5070>;tag=ours');
  assert.equal(getHeader(bye, 'To'), '<sip:agent@example.com>;tag=theirs');
  assert.equal(d.nextHop().uri.host, 'p1.example');
  assert.equal(d.nextHop().uri.port, 5062);
});

test('strict routing (no lr): the first route becomes the Request-URI and the remote target joins the Route list', () => {
  const d = Dialog.fromUacResponse(invite, answer(['<sip:p1.example>']));
  const bye = d.createRequest('BYE', 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK3');
  assert.equal(bye.uri, 'sip:p1.example');
  assert.deepEqual(getHeaders(bye, 'Route'), ['<sip:agent@10.0.0.9:5080>']);
});

test('no route set: requests go straight to the remote target; ACK keeps the INVITE CSeq number', () => {
  const d = Dialog.fromUacResponse(invite, answer([]));
  const ack = d.createRequest('ACK', 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK4', [], undefined, 7);
  assert.equal(ack.uri, 'sip:agent@10.0.0.9:5080');
  assert.equal(getHeaders(ack, 'Route').length, 0);
  assert.equal(getHeader(ack, 'CSeq'), '7 ACK');
  assert.equal(d.state.localSeq, 7, 'an ACK does not consume a CSeq number');
  assert.equal(d.nextHop().uri.host, '10.0.0.9');
});

test('requests from the far end match by Call-ID and swapped tags; an older CSeq is refused', () => {
  const d = Dialog.fromUacResponse(invite, answer([]));
  const bye = (cseq: number, toTag = 'ours') =>
    createRequest('BYE', 'sip:caller@10.0.0.1:5070', [
      { name: 'From', value: '<sip:agent@example.com>;tag=theirs' },
      { name: 'To', value: `<sip:caller@10.0.0.1:5070>;tag=${toTag}` },
      { name: 'Call-ID', value: 'c1@10.0.0.1' },
      { name: 'CSeq', value: `${cseq} BYE` },
    ]);
  assert.equal(d.matchesRemoteRequest(bye(5)), true);
  assert.equal(d.matchesRemoteRequest(bye(5, 'other')), false);
  assert.equal(d.acceptRemoteCSeq(bye(5)), true);
  assert.equal(d.acceptRemoteCSeq(bye(4)), false);
  assert.equal(d.acceptRemoteCSeq(bye(6)), true);
});

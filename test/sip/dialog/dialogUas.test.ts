import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dialog } from '../../../src/sip/dialog/dialog.js';
import { createRequest, createResponseMessage, getHeader, getHeaders } from '../../../src/sip/message.js';

// The UAS side of RFC 3261 §12.1.1: the dialog the answerer builds from the INVITE it receives.

const CONTACT = 'sip:agent@10.0.0.9:5080';

function incomingInvite(recordRoutes: string[] = [], contact = '<sip:caller@10.0.0.1:5070;transport=udp>') {
  return createRequest('INVITE', 'sip:agent@10.0.0.9:5080', [
    { name: 'Via', value: 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1' },
    ...recordRoutes.map((value) => ({ name: 'Record-Route', value })),
    { name: 'From', value: '"Caller" <sip:caller@example.org>;tag=theirs' },
    { name: 'To', value: '<sip:agent@example.com>' },
    { name: 'Call-ID', value: 'c1@10.0.0.1' },
    { name: 'CSeq', value: '42 INVITE' },
    { name: 'Contact', value: contact },
  ]);
}

test('UAS dialog state from the INVITE: tags swapped, URIs swapped, remote target and CSeq from the INVITE', () => {
  const d = Dialog.fromUasRequest(incomingInvite(), 'ours', CONTACT);
  assert.equal(d.state.callId, 'c1@10.0.0.1');
  assert.equal(d.state.localTag, 'ours');
  assert.equal(d.state.remoteTag, 'theirs');
  assert.equal(d.state.localUri, '<sip:agent@example.com>');
  assert.equal(d.state.remoteUri, '"Caller" <sip:caller@example.org>');
  assert.equal(d.state.remoteTarget, 'sip:caller@10.0.0.1:5070;transport=udp');
  assert.equal(d.state.remoteSeq, 42);
  assert.equal(d.state.localContact, CONTACT);
  assert.deepEqual(d.state.routeSet, []);
});

test('UAS route set is the Record-Route in order (not reversed), and the BYE follows it', () => {
  const d = Dialog.fromUasRequest(incomingInvite(['<sip:p1.example:5062;lr>', '<sip:p2.example;lr>']), 'ours', CONTACT);
  assert.deepEqual(d.state.routeSet, ['<sip:p1.example:5062;lr>', '<sip:p2.example;lr>']);
  const bye = d.createRequest('BYE', 'SIP/2.0/UDP 10.0.0.9:5080;branch=z9hG4bK9');
  assert.equal(bye.uri, 'sip:caller@10.0.0.1:5070;transport=udp');
  assert.deepEqual(getHeaders(bye, 'Route'), ['<sip:p1.example:5062;lr>', '<sip:p2.example;lr>']);
  assert.equal(d.nextHop().uri.host, 'p1.example');
  assert.equal(d.nextHop().uri.port, 5062);
});

test('a BYE from the UAS: From carries our tag, To the caller tag, CSeq starts at 1 and grows', () => {
  const d = Dialog.fromUasRequest(incomingInvite(), 'ours', CONTACT);
  const bye = d.createRequest('BYE', 'SIP/2.0/UDP 10.0.0.9:5080;branch=z9hG4bK9');
  assert.equal(getHeader(bye, 'From'), '<sip:agent@example.com>;tag=ours');
  assert.equal(getHeader(bye, 'To'), '"Caller" <sip:caller@example.org>;tag=theirs');
  assert.equal(getHeader(bye, 'Call-ID'), 'c1@10.0.0.1');
  assert.equal(getHeader(bye, 'CSeq'), '1 BYE');
  assert.equal(getHeader(d.createRequest('INFO', 'SIP/2.0/UDP 10.0.0.9:5080;branch=z9hG4bKa'), 'CSeq'), '2 INFO');
  assert.equal(d.nextHop().uri.host, '10.0.0.1');
  assert.equal(d.nextHop().uri.port, 5070);
});

test('matchesRemoteRequest on the UAS side: To-tag ours and From-tag theirs; wrong tags or Call-ID do not match', () => {
  const d = Dialog.fromUasRequest(incomingInvite(), 'ours', CONTACT);
  const req = (from: string, to: string, callId = 'c1@10.0.0.1') =>
    createRequest('BYE', CONTACT, [
      { name: 'Via', value: 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK2' },
      { name: 'From', value: `<sip:caller@example.org>;tag=${from}` },
      { name: 'To', value: `<sip:agent@example.com>;tag=${to}` },
      { name: 'Call-ID', value: callId },
      { name: 'CSeq', value: '43 BYE' },
    ]);
  assert.equal(d.matchesRemoteRequest(req('theirs', 'ours')), true);
  assert.equal(d.matchesRemoteRequest(req('ours', 'theirs')), false);
  assert.equal(d.matchesRemoteRequest(req('theirs', 'other')), false);
  assert.equal(d.matchesRemoteRequest(req('theirs', 'ours', 'c2@x')), false);
});

test('remote CSeq starts at the INVITE: a lower one is refused, equal or higher accepted', () => {
  const d = Dialog.fromUasRequest(incomingInvite(), 'ours', CONTACT);
  const withSeq = (seq: number) =>
    createRequest('BYE', CONTACT, [{ name: 'CSeq', value: `${seq} BYE` }]);
  assert.equal(d.acceptRemoteCSeq(withSeq(41)), false);
  assert.equal(d.acceptRemoteCSeq(withSeq(43)), true);
  assert.equal(d.acceptRemoteCSeq(withSeq(42)), false);
});

test('the UAC and UAS dialogs of one call mirror each other (a request built by one matches the other)', () => {
  const invite = incomingInvite();
  const ok = createResponseMessage(200, 'OK', [
    { name: 'Via', value: getHeader(invite, 'Via') ?? '' },
    { name: 'From', value: getHeader(invite, 'From') ?? '' },
    { name: 'To', value: '<sip:agent@example.com>;tag=ours' },
    { name: 'Call-ID', value: 'c1@10.0.0.1' },
    { name: 'CSeq', value: '42 INVITE' },
    { name: 'Contact', value: `<${CONTACT}>` },
  ]);
  const uac = Dialog.fromUacResponse(invite, ok);
  const uas = Dialog.fromUasRequest(invite, 'ours', CONTACT);
  assert.equal(uas.matchesRemoteRequest(uac.createRequest('BYE', 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK3')), true);
  assert.equal(uac.matchesRemoteRequest(uas.createRequest('BYE', 'SIP/2.0/UDP 10.0.0.9:5080;branch=z9hG4bK4')), true);
  assert.equal(uac.state.remoteTarget, CONTACT);
  assert.equal(uas.state.remoteUri, uac.state.localUri);
  assert.equal(uas.state.localUri, uac.state.remoteUri);
});

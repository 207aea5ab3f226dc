import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVia, parseVia } from '../../src/sip/via.js';
import { isVoiceloadError } from '../../src/core/errors.js';

test('Via with branch, received, rport flag and value', () => {
  assert.deepEqual(parseVia('SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK776;rport'), {
    protocol: 'SIP/2.0/UDP', transport: 'UDP', host: '127.0.0.1', port: 5060, params: { branch: 'z9hG4bK776', rport: null },
  });
  const v = parseVia('SIP/2.0/tcp [2001:db8::9]:5070;received=2001:db8::1;rport=40000;branch=z9hG4bKx');
  assert.equal(v.transport, 'TCP');
  assert.equal(v.host, '[2001:db8::9]');
  assert.equal(v.params['rport'], '40000');
  assert.equal(v.params['received'], '2001:db8::1');
});

test('LWS around / : ; = (RFC 4475 §3.1.1.1)', () => {
  const a = parseVia('SIP  /   2.0 /UDP     192.0.2.2;branch=390skdjuw');
  assert.equal(a.protocol, 'SIP/2.0/UDP');
  assert.equal(a.host, '192.0.2.2');
  const b = parseVia('SIP  / 2.0  / TCP     spindle.example.com   ;   branch  =   z9hG4bK9ikj8');
  assert.deepEqual(b.params, { branch: 'z9hG4bK9ikj8' });
  assert.equal(parseVia('SIP/2.0/UDP host : 5060;branch=z9hG4bK1').port, 5060);
});

test('malformed Via values are SIP_PARSE errors', () => {
  for (const bad of ['', 'SIP/2.0/UDP', 'SIP/2.0 host', 'SIP/2.0/UDPhost', 'SIP/2.0/UDP 192.0.2.15;;', 'SIP/2.0/UDP host extra', 'SIP/2.0/UDP host:99999', 'SIP/2.0/UDP ;branch=x']) {
    assert.throws(() => parseVia(bad), (e) => isVoiceloadError(e) && e.code === 'SIP_PARSE', bad);
  }
});

test('round trip and canonical output', () => {
  for (const s of ['SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK776;rport', 'SIP  / 2.0  / TLS  h.example.com ; branch = z9hG4bK1;ttl=16', 'SIP/2.0/WS [::1];received=::1']) {
    const v = parseVia(s);
    assert.deepEqual(parseVia(formatVia(v)), v, s);
  }
  assert.equal(formatVia(parseVia('SIP / 2.0 / UDP h.example.com : 5060 ; branch = z9hG4bKa ; rport')), 'SIP/2.0/UDP h.example.com:5060;branch=z9hG4bKa;rport');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { SystemClock } from '../../../src/core/clock.js';
import { getHeader } from '../../../src/sip/message.js';
import { serializeSipMessage } from '../../../src/sip/serialize.js';
import { createUdpTransport } from '../../../src/sip/transport/udpTransport.js';
import { request } from '../transaction/txTestKit.js';
import { collect } from './transportTestKit.js';

const opts = { timeout: 5000 };
const clock = new SystemClock();

test('UDP: a request sent by one transport arrives parsed at the other, with source and receive time', opts, async () => {
  const a = await createUdpTransport({ host: '127.0.0.1', port: 0, clock });
  const b = await createUdpTransport({ host: '127.0.0.1', port: 0, clock });
  try {
    assert.notEqual(b.local.port, 0);
    const got = collect(b);
    const req = request('OPTIONS');
    req.body = Buffer.from('hello');
    const before = clock.nowMs();
    a.send(req, b.local);
    await got.messagesAtLeast(1);
    const m = got.messages[0]!;
    assert.equal(m.protocol, 'udp');
    assert.deepEqual(m.source, a.local);
    assert.ok(m.receivedAtMs >= before && m.receivedAtMs <= clock.nowMs());
    assert.equal(m.message.kind, 'request');
    assert.equal(getHeader(m.message, 'Call-ID'), getHeader(req, 'Call-ID'));
    assert.equal(m.message.body.toString(), 'hello');
    assert.deepEqual(serializeSipMessage(m.message), serializeSipMessage(req));
    assert.equal(a.stats.sent, 1);
    assert.equal(b.stats.received, 1);
  } finally {
    await a.close();
    await b.close();
  }
});

test('UDP: a malformed datagram is counted and dropped, the transport keeps working', opts, async () => {
  const b = await createUdpTransport({ host: '127.0.0.1', port: 0, clock });
  const raw = createSocket('udp4');
  try {
    const got = collect(b);
    await new Promise<void>((r) => raw.bind(0, '127.0.0.1', () => r()));
    raw.send(Buffer.from('this is not SIP\r\n\r\n'), b.local.port, b.local.host);
    raw.send(serializeSipMessage(request('OPTIONS')), b.local.port, b.local.host);
    await got.messagesAtLeast(1);
    assert.equal(b.stats.malformed, 1);
    assert.equal(b.stats.received, 1);
    assert.equal(got.errors.length, 0);
  } finally {
    raw.close();
    await b.close();
  }
});

test('UDP: sending after close reports SIP_TRANSPORT through onError, never a throw', opts, async () => {
  const a = await createUdpTransport({ host: '127.0.0.1', port: 0, clock });
  const got = collect(a);
  await a.close();
  assert.doesNotThrow(() => a.send(request('OPTIONS'), { host: '127.0.0.1', port: 9 }));
  await got.errorsAtLeast(1);
  assert.equal(got.errors[0]!.err.code, 'SIP_TRANSPORT');
  assert.deepEqual(got.errors[0]!.dest, { host: '127.0.0.1', port: 9 });
});

test('UDP: binding a port in use rejects with SIP_TRANSPORT', opts, async () => {
  const a = await createUdpTransport({ host: '127.0.0.1', port: 0, clock });
  try {
    await assert.rejects(createUdpTransport({ host: '127.0.0.1', port: a.local.port, clock }), { code: 'SIP_TRANSPORT' });
  } finally {
    await a.close();
  }
});

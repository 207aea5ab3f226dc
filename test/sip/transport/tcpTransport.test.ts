import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { SystemClock } from '../../../src/core/clock.js';
import { getHeader } from '../../../src/sip/message.js';
import { serializeSipMessage } from '../../../src/sip/serialize.js';
import { createTcpTransport } from '../../../src/sip/transport/tcpTransport.js';
import { createResponse } from '../../../src/sip/transaction/createResponse.js';
import { request } from '../transaction/txTestKit.js';
import { collect } from './transportTestKit.js';

const opts = { timeout: 5000 };
const clock = new SystemClock();

async function rawClient(port: number): Promise<Socket> {
  const s = connect({ host: '127.0.0.1', port });
  await once(s, 'connect');
  return s;
}

test('TCP: outbound connection on demand, the response comes back on the same connection', opts, async () => {
  const a = await createTcpTransport({ host: '127.0.0.1', port: 0, clock });
  const b = await createTcpTransport({ host: '127.0.0.1', port: 0, clock });
  try {
    const atA = collect(a);
    const atB = collect(b);
    const req = request('OPTIONS');
    a.send(req, b.local); // queued while connecting
    a.send(request('INFO'), b.local);
    await atB.messagesAtLeast(2);
    assert.deepEqual(
      atB.messages.map((m) => (m.message.kind === 'request' ? m.message.method : '')),
      ['OPTIONS', 'INFO'],
    );
    const inbound = atB.messages[0]!;
    assert.equal(inbound.protocol, 'tcp');
    assert.equal(inbound.source.host, '127.0.0.1');
    assert.notEqual(inbound.source.port, a.local.port, 'the source is the connection, not the listener');
    assert.equal(a.connectionCount, 1, 'one connection per destination, reused');

    b.send(createResponse(req, 200, 'OK'), inbound.source);
    await atA.messagesAtLeast(1);
    const res = atA.messages[0]!;
    assert.equal(res.message.kind, 'response');
    assert.equal(getHeader(res.message, 'Call-ID'), getHeader(req, 'Call-ID'));
    assert.deepEqual(res.source, b.local);
    assert.equal(b.connectionCount, 1, 'no new connection for the response');
  } finally {
    await a.close();
    await b.close();
  }
});

test('TCP: a message split across writes and two messages in one write are framed correctly', opts, async () => {
  const b = await createTcpTransport({ host: '127.0.0.1', port: 0, clock });
  const raw = await rawClient(b.local.port);
  try {
    const got = collect(b);
    const first = request('OPTIONS');
    first.body = Buffer.from('v=0\r\n');
    const bytes = serializeSipMessage(first);
    const cut = Math.floor(bytes.length / 2);
    raw.write(bytes.subarray(0, cut));
    await delay(30); // let the first half arrive on its own
    assert.equal(got.messages.length, 0, 'half a message is not a message');
    raw.write(bytes.subarray(cut));
    await got.messagesAtLeast(1);
    assert.deepEqual(serializeSipMessage(got.messages[0]!.message), bytes);

    const second = request('INFO');
    const third = request('NOTIFY');
    raw.write(Buffer.concat([serializeSipMessage(second), serializeSipMessage(third)]));
    await got.messagesAtLeast(3);
    assert.deepEqual(
      got.messages.map((m) => getHeader(m.message, 'Call-ID')),
      [first, second, third].map((r) => getHeader(r, 'Call-ID')),
    );
    assert.equal(b.stats.received, 3);
    assert.equal(b.stats.malformed, 0);
  } finally {
    raw.destroy();
    await b.close();
  }
});

test('TCP: a framing error closes that connection and counts malformed', opts, async () => {
  const b = await createTcpTransport({ host: '127.0.0.1', port: 0, clock });
  const raw = await rawClient(b.local.port);
  try {
    const closed = once(raw, 'close');
    raw.on('error', () => {}); // a reset is fine here
    // No Content-Length: mandatory on streams (RFC 3261 §18.3).
    raw.write('OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKx\r\nCall-ID: x\r\n\r\n');
    await closed;
    assert.equal(b.stats.malformed, 1);
    assert.equal(b.stats.received, 0);
    assert.equal(b.connectionCount, 0);
  } finally {
    raw.destroy();
    await b.close();
  }
});

test('TCP: a failed connect is reported with SIP_TRANSPORT and the destination', opts, async () => {
  // A port that was just free: nobody listens on it.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const addr = probe.address();
  assert.ok(addr !== null && typeof addr === 'object');
  await new Promise<void>((r) => probe.close(() => r()));
  const dead = { host: '127.0.0.1', port: addr.port };

  const a = await createTcpTransport({ host: '127.0.0.1', port: 0, clock });
  try {
    const got = collect(a);
    assert.doesNotThrow(() => a.send(request('OPTIONS'), dead));
    await got.errorsAtLeast(1);
    assert.equal(got.errors[0]!.err.code, 'SIP_TRANSPORT');
    assert.deepEqual(got.errors[0]!.dest, dead);
    assert.equal(a.connectionCount, 0);
  } finally {
    await a.close();
  }
});

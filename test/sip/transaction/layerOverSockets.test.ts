import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemClock } from '../../../src/core/clock.js';
import { createRequest, getHeader, type SipRequest, type SipResponse } from '../../../src/sip/message.js';
import { generateBranch } from '../../../src/sip/identifiers.js';
import { createResponse } from '../../../src/sip/transaction/createResponse.js';
import { TransactionLayer } from '../../../src/sip/transaction/transactionLayer.js';
import { createTcpTransport } from '../../../src/sip/transport/tcpTransport.js';
import type { SipTransport } from '../../../src/sip/transport/transport.js';
import { createUdpTransport } from '../../../src/sip/transport/udpTransport.js';
import { request } from './txTestKit.js';

const opts = { timeout: 5000 };
const clock = new SystemClock();

/** INVITE → 180 → 200 → ACK (stateless, own branch) between two layers over real loopback sockets. */
async function callFlow(uacT: SipTransport, uasT: SipTransport): Promise<void> {
  const uac = new TransactionLayer({ transport: uacT, clock });
  const uas = new TransactionLayer({ transport: uasT, clock });
  try {
    const acked = new Promise<SipRequest>((resolve) => uas.onStrayAck((ack) => resolve(ack)));
    uas.onRequest((req, tx) => {
      tx.respond(createResponse(req, 180, 'Ringing', [], undefined, 'uas1'));
      tx.respond(createResponse(req, 200, 'OK', [], undefined, 'uas1'));
    });
    const invite = request('INVITE');
    const statuses: number[] = [];
    const answered = new Promise<SipResponse>((resolve, reject) => {
      uac.sendRequest(invite, uasT.local, {
        onResponse: (res) => {
          statuses.push(res.status);
          if (res.status === 200) resolve(res);
        },
        onTimeout: () => reject(new Error('timeout')),
        onTransportError: reject,
      });
    });
    const ok = await answered;
    const ack = createRequest('ACK', invite.uri, [
      { name: 'Via', value: `SIP/2.0/UDP 192.0.2.1:5060;branch=${generateBranch()}` },
      { name: 'From', value: getHeader(invite, 'From')! },
      { name: 'To', value: getHeader(ok, 'To')! },
      { name: 'Call-ID', value: getHeader(invite, 'Call-ID')! },
      { name: 'CSeq', value: '1 ACK' },
    ]);
    uac.sendStateless(ack, uasT.local);
    const got = await acked;
    assert.equal(getHeader(got, 'Call-ID'), getHeader(invite, 'Call-ID'));
    assert.deepEqual(statuses, [180, 200]);
  } finally {
    uac.close();
    uas.close();
  }
}

test('call set-up through two transaction layers over UDP', opts, async () => {
  const a = await createUdpTransport({ host: '127.0.0.1', port: 0, clock });
  const b = await createUdpTransport({ host: '127.0.0.1', port: 0, clock });
  try {
    await callFlow(a, b);
  } finally {
    await a.close();
    await b.close();
  }
});

test('call set-up through two transaction layers over TCP', opts, async () => {
  const a = await createTcpTransport({ host: '127.0.0.1', port: 0, clock });
  const b = await createTcpTransport({ host: '127.0.0.1', port: 0, clock });
  try {
    await callFlow(a, b);
    assert.equal(a.connectionCount, 1);
  } finally {
    await a.close();
    await b.close();
  }
});

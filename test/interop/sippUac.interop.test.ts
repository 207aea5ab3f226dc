import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { SystemClock } from '../../src/core/clock.js';
import { createUdpTransport } from '../../src/sip/transport/index.js';
import type { IncomingCall, IncomingCallEndedBy } from '../../src/sip/ua/incomingCall.js';
import { UserAgent, type InviteAuthOptions } from '../../src/sip/ua/userAgent.js';
import { startSippUac } from './helpers/sippUac.js';

// SIPp as the caller, voiceload's UAS side as the callee, on real UDP sockets on 127.0.0.1. The callee
// rings (180 now and every second, as LiveKit does), answers with a fixed SDP pointing at a dummy RTP
// socket, and records how each call ended.

interface Callee {
  ua: UserAgent;
  port: number;
  calls: IncomingCall[];
  ended: Map<string, IncomingCallEndedBy>;
  close(): Promise<void>;
}

async function startCallee(o: { ringMs: number; hangUpAfterAckMs?: number; inviteAuth?: InviteAuthOptions }): Promise<Callee> {
  const clock = new SystemClock();
  const rtp: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
  rtp.on('message', () => {}); // a sink: SIPp's built-in scenarios send no media, but be ready for it
  const rtpPort = rtp.address().port;
  const sdp = Buffer.from(
    `v=0\r\no=voiceload 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${rtpPort} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`,
  );
  const transport = await createUdpTransport({ host: '127.0.0.1', port: 0, clock });
  const ua = new UserAgent({ transport, clock, ...(o.inviteAuth === undefined ? {} : { inviteAuth: o.inviteAuth }) });
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const callee: Callee = {
    ua,
    port: transport.local.port,
    calls: [],
    ended: new Map(),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await ua.close();
      await new Promise<void>((resolve) => rtp.close(() => resolve()));
    },
  };
  ua.onIncomingCall((call) => {
    callee.calls.push(call);
    call.setListener({
      onAck: () => {
        if (o.hangUpAfterAckMs !== undefined) later(o.hangUpAfterAckMs, () => void call.hangUp());
      },
      onEnded: (_at, by) => callee.ended.set(call.callId, by),
    });
    call.trying();
    call.startRinging(1000);
    later(o.ringMs, () => call.answer(sdp));
  });
  return callee;
}

function sippSummary(stdout: string): string {
  return stdout.slice(-3000);
}

test('SIPp built-in uac: 50 calls at 10 cps (at most 20 at once) all succeed, each rung, answered and ended by SIPp', { timeout: 60_000 }, async () => {
  // 1.2 s of ringing: two 180s per call, the second one second after the first.
  const callee = await startCallee({ ringMs: 1200 });
  try {
    const sipp = await startSippUac({ scenario: { builtin: 'uac' }, target: { host: '127.0.0.1', port: callee.port }, calls: 50, rate: 10, limit: 20, pauseMs: 200, deadlineMs: 40_000 });
    const exit = await sipp.process.exited;
    assert.equal(exit.code, 0, `SIPp saw failed calls:\n${sippSummary(exit.stdout + exit.stderr)}`);
    assert.equal(callee.calls.length, 50);
    // SIPp's own count: each call got its 180 and, a second later, one more (a "retransmission" to SIPp).
    const ringing = /180 <-+\s+(\d+)\s+(\d+)/.exec(exit.stdout);
    assert.ok(ringing !== null, 'no 180 line in SIPp\'s summary');
    assert.deepEqual([Number(ringing[1]), Number(ringing[2])], [50, 50]);
    assert.deepEqual([...new Set(callee.calls.map((c) => c.state))], ['ended']);
    assert.deepEqual([...new Set(callee.ended.values())], ['remote']);
    for (const c of callee.calls) {
      const t = c.timeline;
      assert.ok(t.tryingSentAtMs !== undefined && t.ringingSentAtMs !== undefined && t.answeredAtMs !== undefined && t.ackReceivedAtMs !== undefined && t.byeReceivedAtMs !== undefined);
      assert.ok(t.answeredAtMs - t.receivedAtMs >= 1200 - 5, `answered after ${t.answeredAtMs - t.receivedAtMs} ms`);
      assert.ok(t.ackReceivedAtMs >= t.answeredAtMs && t.byeReceivedAtMs >= t.ackReceivedAtMs);
    }
    assert.equal(new Set(callee.calls.map((c) => c.callId)).size, 50);
  } finally {
    await callee.close();
  }
});

test('SIPp answers the 407 challenge with its own digest ([authentication], -au/-ap): the call succeeds', { timeout: 30_000 }, async () => {
  const password = 'interop-secret';
  const callee = await startCallee({ ringMs: 100, inviteAuth: { realm: 'voiceload.test', username: 'voiceload', password, proxy: true } });
  try {
    const sipp = await startSippUac({ scenario: 'uac-auth.xml', target: { host: '127.0.0.1', port: callee.port }, auth: { username: 'voiceload', password }, pauseMs: 200, deadlineMs: 15_000 });
    const exit = await sipp.process.exited;
    assert.equal(exit.code, 0, `SIPp's call failed:\n${sippSummary(exit.stdout + exit.stderr)}`);
    assert.equal(callee.calls.length, 1, 'only the authenticated INVITE becomes a call');
    const call = callee.calls[0] as IncomingCall;
    assert.match(call.header('Proxy-Authorization') ?? '', /^Digest .*username="voiceload"/);
    assert.equal(callee.ended.get(call.callId), 'remote');
    // The 407's ACK matched its INVITE transaction (no 407 re-sent); only the 2xx's ACK went to the call.
    assert.equal(callee.ua.transactions.stats.strayAcks, 1);
    assert.equal(callee.ua.transactions.stats.retransmissionsSent, 0);
  } finally {
    await callee.close();
  }
});

test('SIPp with a wrong password is refused with 401 and no call is offered', { timeout: 30_000 }, async () => {
  const callee = await startCallee({ ringMs: 100, inviteAuth: { realm: 'voiceload.test', username: 'voiceload', password: 'right', proxy: true } });
  try {
    const sipp = await startSippUac({ scenario: 'uac-auth.xml', target: { host: '127.0.0.1', port: callee.port }, auth: { username: 'voiceload', password: 'wrong' }, deadlineMs: 10_000 });
    const exit = await sipp.process.exited;
    assert.notEqual(exit.code, 0, 'SIPp expected a 200 and must have failed');
    assert.match(exit.stdout + exit.stderr, /SIP\/2\.0 401 Unauthorized/);
    assert.equal(callee.calls.length, 0);
  } finally {
    await callee.close();
  }
});

test('the callee hangs up 300 ms after the ACK: SIPp receives a BYE in the dialog and answers it', { timeout: 30_000 }, async () => {
  const callee = await startCallee({ ringMs: 100, hangUpAfterAckMs: 300 });
  try {
    const sipp = await startSippUac({ scenario: 'uac-remote-bye.xml', target: { host: '127.0.0.1', port: callee.port }, deadlineMs: 15_000 });
    const exit = await sipp.process.exited;
    assert.equal(exit.code, 0, `SIPp did not get the BYE it expected:\n${sippSummary(exit.stdout + exit.stderr)}`);
    const call = callee.calls[0] as IncomingCall;
    assert.equal(callee.ended.get(call.callId), 'local');
    const t = call.timeline;
    assert.ok(t.ackReceivedAtMs !== undefined && t.byeSentAtMs !== undefined && t.endedAtMs !== undefined);
    const delay = t.byeSentAtMs - t.ackReceivedAtMs;
    // A timer can only be late, never early; the upper bound leaves room for a loaded machine.
    assert.ok(delay >= 299 && delay < 3000, `BYE ${delay} ms after the ACK`);
    assert.ok(t.endedAtMs >= t.byeSentAtMs);
  } finally {
    await callee.close();
  }
});

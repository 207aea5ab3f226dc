import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakeClock } from '../../src/core/fakeClock.js';
import { verifyDigestAuthorization } from '../../src/sip/digestVerify.js';
import { getHeader, getHeaders, type SipMessage, type SipRequest } from '../../src/sip/message.js';
import { createResponse } from '../../src/sip/transaction/createResponse.js';
import { createMemoryTransportPair, type MemoryTransport } from '../../src/sip/transport/memoryTransport.js';
import { parseSippScenario } from '../../src/sipp/parseSippScenario.js';
import { runSippScenario } from '../../src/sipp/runSippScenario.js';
import { resolveSippRunOptions, type SippRunOptions } from '../../src/sipp/sippRunOptions.js';
import type { SippScenario } from '../../src/sipp/sippScenario.js';

// The shipped course scenario with a fixed media port (no sockets in unit tests).
const BASIC = readFileSync(fileURLToPath(new URL('../../scenarios/basic-call.xml', import.meta.url)), 'utf8').replaceAll('[media_port]', '6000');
const basic = (): SippScenario => parseSippScenario(BASIC, 'basic-call.xml');
/** 1-based line of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const RECV_200_LINE = lineOf(BASIC, '<recv response="200" rtd="true">');
const INVITE_LINE = lineOf(BASIC, '<send retrans="500">');
const PAUSE_LINE = lineOf(BASIC, '<pause/>');

const REASONS: Record<number, string> = { 100: 'Trying', 180: 'Ringing', 183: 'Session Progress', 200: 'OK', 486: 'Busy Here' };

interface UasScript {
  provisionals?: number[];
  answerDelayMs?: number;
  finalStatus?: number;
  /** Send the 200 again this long after the first. */
  repeat200AfterMs?: number;
  /** Send a BYE this long after the ACK. */
  byeAfterAckMs?: number;
}

/** A scripted UAS on side b of the memory pair; records every request it gets. */
function fakeUas(b: MemoryTransport, clock: FakeClock, script: UasScript): SipRequest[] {
  const got: SipRequest[] = [];
  b.onMessage(({ message: m, source }) => {
    if (m.kind !== 'request') return;
    got.push(m);
    const reply = (status: number, tag?: string, headers = [] as { name: string; value: string }[]): SipMessage => {
      const r = createResponse(m, status, REASONS[status] ?? 'X', headers, undefined, tag);
      b.send(r, source);
      return r;
    };
    if (m.method === 'INVITE') {
      for (const p of script.provisionals ?? []) reply(p, p === 100 ? undefined : 'uas');
      clock.setTimer(script.answerDelayMs ?? 0, () => {
        const final = reply(script.finalStatus ?? 200, 'uas', [{ name: 'Contact', value: '<sip:uas@192.0.2.2:5060>' }]);
        if (script.repeat200AfterMs !== undefined) clock.setTimer(script.repeat200AfterMs, () => b.send(final, source));
      });
    } else if (m.method === 'ACK') {
      if (script.byeAfterAckMs !== undefined) {
        clock.setTimer(script.byeAfterAckMs, () => {
          const bye: SipRequest = {
            kind: 'request', method: 'BYE', uri: 'sip:sipp@192.0.2.1:5060', version: 'SIP/2.0', body: Buffer.alloc(0),
            headers: [
              { name: 'Via', value: 'SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKbye' },
              { name: 'From', value: getHeader(m, 'To') ?? '' },
              { name: 'To', value: getHeader(m, 'From') ?? '' },
              { name: 'Call-ID', value: getHeader(m, 'Call-ID') ?? '' },
              { name: 'CSeq', value: '1 BYE' },
            ],
          };
          b.send(bye, source);
        });
      }
    } else if (m.method !== 'ACK') reply(200, 'uas');
  });
  return got;
}

function setup(script: UasScript, opts: Partial<SippRunOptions> = {}, drop?: (n: number, m: SipMessage, from: 'a' | 'b') => boolean) {
  const clock = new FakeClock(1000);
  const [a, b] = createMemoryTransportPair({ clock, ...(drop === undefined ? {} : { drop }) });
  const got = fakeUas(b, clock, script);
  const options = resolveSippRunOptions({ target: '192.0.2.2:5060', localHost: '192.0.2.1', ...opts });
  return { clock, a, b, got, options };
}

test('basic-call.xml against a UAS sending 100 and 180 first: every call completes and one warning is given for the run', async () => {
  const answerDelayMs = 120;
  const { clock, a, got, options } = setup({ provisionals: [100, 180], answerDelayMs }, { calls: 3, rate: 10, defaultPauseMs: 300 });
  const warnings: string[] = [];
  const run = runSippScenario(basic(), options, { clock, transport: a, onWarning: (w) => warnings.push(w) });
  clock.advance(5000);
  const { calls, summary } = await run;
  assert.deepEqual(calls.map((c) => c.outcome), ['completed', 'completed', 'completed'], JSON.stringify(calls));
  assert.equal(summary.completed, 3);
  assert.equal(warnings.length, 1);
  assert.deepEqual(summary.warnings, warnings);
  assert.match(warnings[0]!, new RegExp(`^scenario line ${RECV_200_LINE}: the UAS sent 100 Trying \\(INVITE\\) before the 200 response to INVITE this <recv> waits for; SIPp would fail the call with 'unexpected message'`));
  for (const c of calls) {
    assert.equal(c.rtdMs['1'], answerDelayMs); // rtd="true" runs from the call's start to the 200
    assert.equal(c.inviteToFinalMs, answerDelayMs);
    assert.equal(c.endedAtMs - c.startedAtMs, answerDelayMs + 300);
  }
  // Calls start at the rate: one every 100 ms.
  assert.deepEqual(calls.map((c) => c.startedAtMs - calls[0]!.startedAtMs), [0, 100, 200]);
  // RFC 2543 style: the INVITE's Via has no branch, and its responses still reached the call.
  const invites = got.filter((m) => m.method === 'INVITE');
  assert.equal(invites.length, 3);
  assert.ok(invites.every((m) => !getHeader(m, 'Via')!.includes('branch')));
  assert.equal(got.filter((m) => m.method === 'BYE').length, 3);
  // ACK and BYE carry the UAS's tag ([peer_tag_param]).
  assert.ok(got.filter((m) => m.method !== 'INVITE').every((m) => getHeader(m, 'To')!.endsWith(';tag=uas')));
});

test('strict: an unmentioned provisional fails the call as SIPp does, and the ringing INVITE is cancelled', async () => {
  const { clock, a, got, options } = setup({ provisionals: [100, 180], answerDelayMs: 500 }, { calls: 2, strict: true });
  const warnings: string[] = [];
  const run = runSippScenario(basic(), options, { clock, transport: a, onWarning: (w) => warnings.push(w) });
  clock.advance(5000);
  const { calls, summary } = await run;
  assert.deepEqual(calls.map((c) => c.outcome), ['failed', 'failed']);
  assert.equal(calls[0]!.reason, `unexpected message: 100 Trying (INVITE) (scenario line ${RECV_200_LINE} waits for 200 response to INVITE)`);
  assert.equal(calls[0]!.failedAtLine, RECV_200_LINE);
  assert.deepEqual(summary.failureReasons, { [calls[0]!.reason!]: 2 });
  assert.equal(warnings.length, 0);
  assert.equal(got.filter((m) => m.method === 'CANCEL').length, 2);
});

test('a lost INVITE is retransmitted after retrans="500" ms; a repeated 200 gets the ACK again', async () => {
  const { clock, a, got, options } = setup({ answerDelayMs: 10, repeat200AfterMs: 100 }, { calls: 1, defaultPauseMs: 1000 }, (n) => n === 1);
  const run = runSippScenario(basic(), options, { clock, transport: a });
  clock.advance(5000);
  const { calls } = await run;
  assert.equal(calls[0]?.outcome, 'completed', JSON.stringify(calls));
  assert.equal(calls[0]?.retransmissions, 1);
  assert.equal(got.filter((m) => m.method === 'INVITE').length, 1); // the first one was lost
  assert.equal(calls[0]?.inviteToFinalMs, 500 + 10); // timed from the first INVITE
  assert.equal(got.filter((m) => m.method === 'ACK').length, 2);
});

test('no answer at all: INVITE retransmitted 5 times with T1 doubling, then the call fails naming the line', async () => {
  const { clock, a, options } = setup({}, { calls: 1 }, (_n, m) => m.kind === 'request');
  const run = runSippScenario(basic(), options, { clock, transport: a });
  clock.advance(40_000);
  const { calls } = await run;
  assert.equal(calls[0]?.outcome, 'failed');
  assert.equal(calls[0]?.reason, `no response to INVITE after 5 retransmissions (scenario line ${INVITE_LINE})`);
  assert.equal(calls[0]?.retransmissions, 5);
  assert.equal(calls[0]!.endedAtMs - calls[0]!.startedAtMs, 500 * (1 + 2 + 4 + 8 + 16 + 32));
});

test('a BYE from the UAS during the hold is answered 200 and fails the call', async () => {
  const { clock, a, b, options } = setup({ answerDelayMs: 10, byeAfterAckMs: 200 }, { calls: 1, defaultPauseMs: 60_000 });
  const run = runSippScenario(basic(), options, { clock, transport: a });
  clock.advance(1000);
  const { calls } = await run;
  assert.equal(calls[0]?.outcome, 'failed');
  assert.equal(calls[0]?.reason, `unexpected BYE from the peer (scenario line ${PAUSE_LINE})`);
  const answered = a.sent.map((s) => s.message).filter((m) => m.kind === 'response');
  assert.deepEqual(answered.map((m) => (m.kind === 'response' ? `${m.status} ${getHeader(m, 'CSeq')}` : '')), ['200 1 BYE']);
  assert.equal(b.sent.filter((s) => s.message.kind === 'request').length, 1);
});

test('concurrency caps calls at once; the rest start as calls end', async () => {
  const { clock, a, options } = setup({ answerDelayMs: 10 }, { calls: 5, rate: 100, concurrency: 2, defaultPauseMs: 1000 });
  let activeMax = 0;
  const spans: [number, number][] = [];
  const run = runSippScenario(basic(), options, { clock, transport: a, onCallEnd: (r) => spans.push([r.startedAtMs, r.endedAtMs]) });
  clock.advance(10_000);
  const { calls } = await run;
  assert.equal(calls.filter((c) => c.outcome === 'completed').length, 5);
  for (const [s] of spans) activeMax = Math.max(activeMax, calls.filter((c) => c.startedAtMs <= s && c.endedAtMs > s).length);
  assert.equal(activeMax, 2);
});

test('abort: no new calls, an answered call gets a BYE, the run resolves with reason "aborted"', async () => {
  const { clock, a, got, options } = setup({ answerDelayMs: 10 }, { calls: 10, rate: 1, defaultPauseMs: 60_000 });
  const ac = new AbortController();
  const run = runSippScenario(basic(), options, { clock, transport: a, signal: ac.signal });
  clock.advance(500);
  ac.abort();
  clock.advance(10);
  const { calls, summary } = await run;
  assert.equal(summary.aborted, true);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]?.reason, 'aborted');
  assert.deepEqual(got.map((m) => m.method), ['INVITE', 'ACK', 'BYE']);
});

test('recv timeout: ontimeout jumps to its label; without it the call fails naming what it waited for', async () => {
  const text = (onTimeout: boolean): string =>
      [
        '<scenario>',
        '  <send><![CDATA[OPTIONS sip:x@192.0.2.2 SIP/2.0\nVia: SIP/2.0/UDP [local_ip]:[local_port];branch=[branch]\nFrom: <sip:a@b>;tag=1\nTo: <sip:x@y>\nCall-ID: [call_id]\nCSeq: [cseq] OPTIONS\nContent-Length: [len]\n]]></send>',
        '  <recv response="200"/>',
        `  <recv request="NOTIFY" timeout="300"${onTimeout ? ' ontimeout="done"' : ''}/>`,
        '  <label id="done"/>',
        '</scenario>',
      ].join('\n');
  const scenario = (onTimeout: boolean): SippScenario => parseSippScenario(text(onTimeout), 't.xml');
  for (const jump of [true, false]) {
    const { clock, a, options } = setup({}, { calls: 1 });
    const run = runSippScenario(scenario(jump), options, { clock, transport: a });
    clock.advance(1000);
    const { calls } = await run;
    if (jump) assert.equal(calls[0]?.outcome, 'completed');
    else assert.equal(calls[0]?.reason, `timeout: no NOTIFY request within 300 ms (scenario line ${lineOf(text(jump), '<recv request="NOTIFY"')})`);
  }
});

test('[cseq] numbers new requests; [branch] differs per send', async () => {
  const text = [
    '<scenario>',
    ...['OPTIONS', 'INFO'].flatMap((method) => [
      `  <send><![CDATA[${method} sip:x@192.0.2.2 SIP/2.0\nVia: SIP/2.0/UDP [local_ip]:[local_port];branch=[branch]\nFrom: <sip:a@b>;tag=1\nTo: <sip:x@y>\nCall-ID: [call_id]\nCSeq: [cseq] ${method}\nContent-Length: [len]\n]]></send>`,
      '  <recv response="200"/>',
    ]),
    '</scenario>',
  ].join('\n');
  const { clock, a, got, options } = setup({}, { calls: 1 });
  const run = runSippScenario(parseSippScenario(text, 'c.xml'), options, { clock, transport: a });
  clock.advance(1000);
  const { calls } = await run;
  assert.equal(calls[0]?.outcome, 'completed');
  assert.deepEqual(got.map((m) => getHeader(m, 'CSeq')), ['1 OPTIONS', '2 INFO']);
  const branches = got.map((m) => getHeaders(m, 'Via')[0]!.split('branch=')[1]);
  assert.ok(branches.every((b) => b?.startsWith('z9hG4bK')));
  assert.notEqual(branches[0], branches[1]);
});

test('[authentication] answers the 401 of the previous INVITE with the run password; the UAS verifies it', async () => {
  const msg = (method: string, extra = ''): string =>
    `<send><![CDATA[${method} sip:[service]@[remote_ip] SIP/2.0\nVia: SIP/2.0/UDP [local_ip]:[local_port];branch=[branch]\nFrom: <sip:a@b>;tag=1\nTo: <sip:[service]@[remote_ip]>[peer_tag_param]\nCall-ID: [call_id]\nCSeq: [cseq] ${method}\n${extra}Content-Length: [len]\n]]></send>`;
  const text = [
    '<scenario>',
    msg('INVITE'),
    '<recv response="401" auth="true"/>',
    msg('ACK'),
    msg('INVITE', 'Authorization: [authentication username=alice]\n'),
    '<recv response="200"/>',
    msg('ACK'),
    '</scenario>',
  ].join('\n');
  const clock = new FakeClock(0);
  const [a, b] = createMemoryTransportPair({ clock });
  const verdicts: string[] = [];
  b.onMessage(({ message: m, source }) => {
    if (m.kind !== 'request' || m.method !== 'INVITE') return;
    const auth = getHeader(m, 'Authorization');
    if (auth === undefined) {
      b.send(createResponse(m, 401, 'Unauthorized', [{ name: 'WWW-Authenticate', value: 'Digest realm="test", nonce="n0nce", qop="auth"' }], undefined, 'uas'), source);
      return;
    }
    const verdict = verifyDigestAuthorization({ headerValue: auth, method: 'INVITE', realm: 'test', username: 'alice', password: 'pw-from-env' });
    verdicts.push(verdict);
    b.send(createResponse(m, verdict === 'ok' ? 200 : 403, 'X', [], undefined, 'uas'), source);
  });
  const options = resolveSippRunOptions({ target: '192.0.2.2:5060', localHost: '192.0.2.1', authPassword: 'pw-from-env', service: 'agent' });
  const run = runSippScenario(parseSippScenario(text, 'auth.xml'), options, { clock, transport: a });
  clock.advance(1000);
  const { calls } = await run;
  assert.equal(calls[0]?.outcome, 'completed', JSON.stringify(calls));
  assert.deepEqual(verdicts, ['ok']);
  assert.ok(!JSON.stringify(calls).includes('pw-from-env'));
});

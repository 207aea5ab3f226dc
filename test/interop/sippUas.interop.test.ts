import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callAgainst } from './helpers/callAgainst.js';
import { fixture } from './helpers/fixtures.js';
import { LossyRelay } from './helpers/lossyRelay.js';
import { startSippUas } from './helpers/sipp.js';

// Ground truth: SIPp answers, waits a known delay after our ACK (-d), then streams the greeting
// fixture, whose speech starts `speechStart8kMs` into the file (measured when the fixture was made).
const greeting = fixture('agent-greeting.wav');
/**
 * Against the known delay the error includes SIPp's own lag in starting rtp_stream after its pause:
 * measured 12.6–30.7 ms on this machine (first packet − answer − pause). We are never early, and at
 * most that lag plus the detector's error late; the detector alone is held to ±20 ms below.
 */
const EARLY_MS = 10;
const LATE_MS = 45;
/** Symmetric bound of the other known-delay checks below. */
const TOLERANCE_MS = 30;

async function greetingRun(pauseMs: number, transport: 'u1' | 't1' = 'u1') {
  const uas = await startSippUas({ scenario: 'uas-greeting.xml', pauseMs, transport });
  const result = await callAgainst(uas.uri, transport === 't1' ? { transport: 'tcp' } : {});
  const exit = await uas.process.exited;
  return { result, exit };
}

function assertGreetingMeasured(r: Awaited<ReturnType<typeof greetingRun>>, pauseMs: number): void {
  const { result, exit } = r;
  assert.equal(result.outcome, 'completed', JSON.stringify(result));
  assert.equal(exit.code, 0, `SIPp saw a failed call:\n${exit.stdout.slice(-2000)}`);
  assert.equal(result.sipStatus, 200);
  assert.equal(result.codec, 'PCMU');
  assert.ok(result.inviteToTryingMs !== null && result.postDialDelayMs !== null && result.inviteToAnswerMs !== null);
  assert.ok(result.inviteToTryingMs <= result.postDialDelayMs && result.postDialDelayMs <= result.inviteToAnswerMs);
  const expected = pauseMs + greeting.speechStart8kMs;
  assert.ok(result.greetingTtfaMs !== null, 'no greeting detected');
  const errorMs = result.greetingTtfaMs - expected;
  assert.ok(
    errorMs >= -EARLY_MS && errorMs <= LATE_MS,
    `greetingTtfaMs ${result.greetingTtfaMs} is ${errorMs.toFixed(2)} ms from ${expected} (SIPp pause ${pauseMs} + speech start ${greeting.speechStart8kMs}); allowed −${EARLY_MS}…+${LATE_MS}`,
  );
  // The detector itself, free of SIPp's scheduling: onset = first packet + the fixture's speech start.
  const t = result.timeline;
  assert.ok(t.firstRtpReceivedAtMs !== undefined && t.greetingOnsetAtMs !== undefined);
  const detectorErrorMs = t.greetingOnsetAtMs - (t.firstRtpReceivedAtMs + greeting.speechStart8kMs);
  assert.ok(Math.abs(detectorErrorMs) <= 20, `onset ${detectorErrorMs} ms from the fixture's speech start`);
  assert.ok(result.greetingMs !== null && Math.abs(result.greetingMs - (greeting.speechEnd8kMs - greeting.speechStart8kMs)) <= 60, `greetingMs ${result.greetingMs}`);
  assert.equal(result.endedBy, 'local');
  assert.ok(result.rtp.sentPackets > 100 && result.rtp.receivedPackets > 100, JSON.stringify(result.rtp));
  assert.equal(result.rtp.lossPct, 0);
}

test('SIPp UAS speaking 800 ms after the ACK: greeting TTFA at the known delay (SIPp start lag aside), the detector within ±20 ms', { timeout: 30_000 }, async () => {
  assertGreetingMeasured(await greetingRun(800), 800);
});

test('a different delay moves the measurement by the same amount (not a constant)', { timeout: 30_000 }, async () => {
  const r = await greetingRun(300);
  assertGreetingMeasured(r, 300);
});

test('TCP transport (SIPp -t t1): the call completes and the greeting is measured', { timeout: 30_000 }, async () => {
  const r = await greetingRun(500, 't1');
  assertGreetingMeasured(r, 500);
  assert.equal(r.result.transport, 'tcp');
});

test('SIPp UAS challenging with 401: SIPp verifies the digest of the retried INVITE and the call completes', { timeout: 30_000 }, async () => {
  const uas = await startSippUas({ scenario: 'uas-auth-401.xml', pauseMs: 200 });
  const result = await callAgainst(uas.uri, { authUser: 'voiceload' }, { VOICELOAD_SIP_PASSWORD: 'interop-secret' });
  const exit = await uas.process.exited;
  assert.equal(result.outcome, 'completed', JSON.stringify(result));
  // SIPp's verifyauth checked the digest and its ereg checked CSeq 2 on the retry; a mismatch fails its call.
  assert.equal(exit.code, 0, `SIPp rejected the retry:\n${exit.stdout.slice(-2000)}`);
  assert.equal(result.authChallenges, 1);
  assert.equal(result.sipStatus, 200);
  assert.ok(result.greetingTtfaMs !== null);
  assert.ok(!JSON.stringify(result).includes('interop-secret'), 'the password leaked into the result');
});

test('SIPp UAS challenging with 407 (as LiveKit): Proxy-Authorization with the same Call-ID and From-tag, CSeq + 1', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-407-'));
  const log = join(dir, 'sipp-messages.log');
  const uas = await startSippUas({ scenario: 'uas-auth-407.xml', pauseMs: 200, messageLog: log });
  const result = await callAgainst(uas.uri, { authUser: 'voiceload' }, { VOICELOAD_SIP_PASSWORD: 'interop-secret' });
  const exit = await uas.process.exited;
  assert.equal(result.outcome, 'completed', JSON.stringify(result));
  assert.equal(exit.code, 0, `SIPp failed the call:\n${exit.stdout.slice(-2000)}`);
  assert.equal(result.authChallenges, 1);
  // The two INVITEs as SIPp received them.
  const invites = readFileSync(log, 'latin1')
    .split(/^-{10,}.*$/m)
    .filter((block) => /message received/.test(block))
    .map((block) => block.replace(/^\s*\S.*message received.*\n\s*/, ''))
    .filter((m) => m.startsWith('INVITE '));
  assert.equal(invites.length, 2, 'expected the INVITE and its authenticated retry');
  const header = (m: string, name: string): string => new RegExp(`^${name}:\\s*(.*?)\\r?$`, 'im').exec(m)?.[1] ?? '';
  const [first, retry] = invites as [string, string];
  assert.equal(header(retry, 'Call-ID'), header(first, 'Call-ID'));
  assert.equal(/tag=([^;\s]+)/.exec(header(retry, 'From'))?.[1], /tag=([^;\s]+)/.exec(header(first, 'From'))?.[1]);
  assert.equal(Number.parseInt(header(retry, 'CSeq'), 10), Number.parseInt(header(first, 'CSeq'), 10) + 1);
  // Recompute the RFC 2617 (no qop) digest independently from what SIPp received.
  const auth = header(retry, 'Proxy-Authorization');
  const param = (name: string): string => new RegExp(`${name}="?([^",]*)"?`).exec(auth)?.[1] ?? '';
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
  const ha1 = md5(`voiceload:${param('realm')}:interop-secret`);
  const ha2 = md5(`INVITE:${param('uri')}`);
  assert.equal(param('realm'), 'voiceload.test');
  assert.equal(param('response'), md5(`${ha1}:${param('nonce')}:${ha2}`));
  rmSync(dir, { recursive: true, force: true });
});

test('a wrong password is refused by SIPp (403) and reported, without retrying forever', { timeout: 30_000 }, async () => {
  const uas = await startSippUas({ scenario: 'uas-auth-401.xml' });
  const result = await callAgainst(uas.uri, { authUser: 'voiceload' }, { VOICELOAD_SIP_PASSWORD: 'wrong' });
  await uas.process.stop();
  assert.equal(result.outcome, 'failed');
  assert.equal(result.reason, 'sip_403');
  assert.equal(result.authChallenges, 1);
});

test('a 407 without credentials fails as auth_failed with a hint', { timeout: 30_000 }, async () => {
  const uas = await startSippUas({ scenario: 'uas-auth-407.xml' });
  const result = await callAgainst(uas.uri);
  await uas.process.stop();
  assert.equal(result.outcome, 'failed');
  assert.equal(result.reason, 'auth_failed');
  assert.match(result.reasonText ?? '', /VOICELOAD_SIP_PASSWORD/);
});

test('the first INVITE is lost on the way to SIPp: Timer A retransmits it and the call completes', { timeout: 30_000 }, async () => {
  const uas = await startSippUas({ scenario: 'uas-greeting.xml', pauseMs: 200 });
  const relay = await LossyRelay.start(uas.port, (d, index) => index === 0 && d.subarray(0, 7).toString() === 'INVITE ');
  try {
    const result = await callAgainst(`sip:agent@127.0.0.1:${relay.port}`, { t1: '200ms' });
    assert.equal(relay.dropped.length, 1);
    assert.equal(result.outcome, 'completed', JSON.stringify(result));
    // The answer can only come from the retransmission, sent T1 after the first INVITE.
    assert.ok(result.inviteToAnswerMs !== null && result.inviteToAnswerMs >= 200, `answered after ${result.inviteToAnswerMs} ms`);
    assert.ok(result.greetingTtfaMs !== null);
  } finally {
    await relay.close();
    await uas.process.stop();
  }
});

test('a caller turn: the reply TTFA matches the time SIPp starts replying', { timeout: 40_000 }, async () => {
  const pauseMs = 300;
  const caller = fixture('caller-goodbye.wav');
  const uas = await startSippUas({ scenario: 'uas-greeting-reply.xml', pauseMs, deadlineMs: 35_000 });
  // Packet arrivals: SIPp sends nothing between its two streams, so the reply's first packet is the
  // first one after a gap; its onset truth is that arrival plus the fixture's speech start.
  const arrivals: number[] = [];
  const result = await callAgainst(uas.uri, { say: [caller.path], replyEndSilence: '500ms' }, {}, { onAgentFrame: (_pcm, at) => arrivals.push(at) });
  await uas.process.exited;
  assert.equal(result.outcome, 'completed', JSON.stringify(result));
  const turn = result.turns[0];
  assert.ok(turn !== undefined && turn.ttfaMs !== null && turn.speechEndSentAtMs !== null, JSON.stringify(result.turns));
  const gapIndex = arrivals.findIndex((at, i) => i > 0 && at - (arrivals[i - 1] ?? at) > 1000);
  assert.ok(gapIndex > 0, 'SIPp did not send a second stream');
  const replyOnsetTruth = (arrivals[gapIndex] ?? NaN) + greeting.speechStart8kMs;
  const expectedTtfa = replyOnsetTruth - turn.speechEndSentAtMs;
  assert.ok(Math.abs(turn.ttfaMs - expectedTtfa) <= TOLERANCE_MS, `ttfa ${turn.ttfaMs} vs ${expectedTtfa}`);
  // And the reply came when the scenario says: 7000 ms after the greeting started (SIPp's timing is looser).
  const answeredAt = result.timeline.answeredAtMs ?? NaN;
  const scheduled = answeredAt + pauseMs + 7000;
  assert.ok(Math.abs((arrivals[gapIndex] ?? NaN) - scheduled) <= 150, `reply stream started ${(arrivals[gapIndex] ?? NaN) - scheduled} ms off schedule`);
  assert.ok(turn.agentReplyMs !== null && Math.abs(turn.agentReplyMs - (greeting.speechEnd8kMs - greeting.speechStart8kMs)) <= 60);
  assert.equal(turn.outcome, 'replied');
});

test('malformed responses from SIPp are counted and dropped; the call goes on', { timeout: 30_000 }, async () => {
  const uas = await startSippUas({ scenario: 'uas-malformed.xml', pauseMs: 200 });
  const result = await callAgainst(uas.uri);
  await uas.process.exited;
  assert.equal(result.outcome, 'completed', JSON.stringify(result));
  assert.equal(result.malformedSipMessages, 2);
  assert.ok(result.greetingTtfaMs !== null);
});

test('in-dialog OPTIONS and re-INVITE from SIPp are answered (the re-INVITE keeps the codec in use)', { timeout: 30_000 }, async () => {
  const uas = await startSippUas({ scenario: 'uas-in-dialog.xml', pauseMs: 300 });
  const result = await callAgainst(uas.uri);
  const exit = await uas.process.exited;
  assert.equal(result.outcome, 'completed', JSON.stringify(result));
  // SIPp's scenario requires a 200 to the OPTIONS and a 200 with a PCMU-only SDP answer to the re-INVITE.
  assert.equal(exit.code, 0, `SIPp failed the call:\n${exit.stdout.slice(-2500)}`);
  assert.equal(result.codec, 'PCMU');
  assert.ok(result.greetingTtfaMs !== null);
});

test('ringing past --ring-timeout: voiceload CANCELs, SIPp answers 487, the call fails as timeout_ringing', { timeout: 30_000 }, async () => {
  const uas = await startSippUas({ scenario: 'uas-ring-forever.xml' });
  const result = await callAgainst(uas.uri, { ringTimeout: '1s' });
  const exit = await uas.process.exited;
  assert.equal(result.outcome, 'failed');
  assert.equal(result.reason, 'timeout_ringing');
  assert.equal(result.sipStatus, 487);
  assert.ok(result.postDialDelayMs !== null && result.inviteToAnswerMs === null);
  const attemptMs = result.timeline.endedAtMs - result.timeline.inviteSentAtMs;
  assert.ok(attemptMs >= 1000 && attemptMs < 1500, `ended ${attemptMs} ms after the INVITE`);
  // SIPp received the CANCEL and the ACK for its 487: its scenario completed.
  assert.equal(exit.code, 0, exit.stdout.slice(-2000));
});

test('an answer without any offered codec (PCMA offered, SIPp answers PCMU) fails as sdp_mismatch and is hung up', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-sdp-'));
  const log = join(dir, 'sipp-messages.log');
  const uas = await startSippUas({ scenario: 'uas-greeting.xml', pauseMs: 200, messageLog: log });
  const result = await callAgainst(uas.uri, { codec: 'pcma' });
  await uas.process.stop();
  assert.equal(result.outcome, 'failed');
  assert.equal(result.reason, 'sdp_mismatch');
  assert.match(result.reasonText ?? '', /PCMA|codec/);
  assert.equal(result.endedBy, 'local');
  // The answered call was ACKed and then ended with a BYE (SIPp's scenario, mid-pause, calls it unexpected).
  const messages = readFileSync(log, 'latin1');
  assert.match(messages, /message received[^\n]*\n\s*ACK sip:/);
  assert.match(messages, /message received[^\n]*\n\s*BYE sip:/);
  rmSync(dir, { recursive: true, force: true });
});

test('comfort noise before the greeting, as LiveKit sends: the first packet is not the onset', { timeout: 30_000 }, async () => {
  // The agent's stream: 1 s of low noise, then the greeting, with the noise under all of it (made by sox).
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-noise-'));
  const sox = (...args: string[]): void => void execFileSync('sox', args, { stdio: 'ignore' });
  sox('-n', '-r', '8000', '-c', '1', '-b', '16', join(dir, 'lead.wav'), 'trim', '0', '1.0');
  sox(join(dir, 'lead.wav'), greeting.path, join(dir, 'joined.wav'));
  const seconds = String(1 + greeting.durationMs / 1000);
  sox('-n', '-r', '8000', '-c', '1', '-b', '16', join(dir, 'noise.wav'), 'synth', seconds, 'whitenoise', 'vol', '0.002');
  // -v 1 on both inputs: mix without sox's default halving, so the speech keeps the fixture's level.
  sox('-m', '-v', '1', join(dir, 'joined.wav'), '-v', '1', join(dir, 'noise.wav'), join(dir, 'noisy.wav'));
  sox(join(dir, 'noisy.wav'), '-t', 'ul', join(dir, 'agent-greeting.ul'));
  try {
    const uas = await startSippUas({ scenario: 'uas-greeting.xml', pauseMs: 300, cwd: dir });
    const result = await callAgainst(uas.uri);
    await uas.process.exited;
    assert.equal(result.outcome, 'completed', JSON.stringify(result));
    const t = result.timeline;
    assert.ok(t.firstRtpReceivedAtMs !== undefined && t.greetingOnsetAtMs !== undefined, JSON.stringify(t));
    const truth = t.firstRtpReceivedAtMs + 1000 + greeting.speechStart8kMs;
    assert.ok(Math.abs(t.greetingOnsetAtMs - truth) <= 20, `onset ${t.greetingOnsetAtMs - truth} ms from the truth`);
    assert.ok(result.greetingTtfaMs !== null && Math.abs(result.greetingTtfaMs - (300 + 1000 + greeting.speechStart8kMs)) <= TOLERANCE_MS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

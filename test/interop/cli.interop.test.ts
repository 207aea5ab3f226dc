import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './helpers/fixtures.js';
import { runCli } from './helpers/runCli.js';
import { startSippUas } from './helpers/sipp.js';

const greeting = fixture('agent-greeting.wav');

test('voiceload call --json against SIPp: one JSON object with the documented fields, exit 0', { timeout: 40_000 }, async () => {
  const uas = await startSippUas({ scenario: 'uas-greeting.xml', pauseMs: 600 });
  const run = await runCli(['call', uas.uri, '--json', '--header', 'X-Lk-Test-Id: cli-test-1']);
  await uas.process.exited;
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout) as Record<string, unknown>;
  for (const key of ['outcome', 'sipStatus', 'inviteToTryingMs', 'postDialDelayMs', 'inviteToAnswerMs', 'greetingTtfaMs', 'turns', 'rtp', 'codec']) {
    assert.ok(key in r, `missing ${key}`);
  }
  assert.equal(r.outcome, 'completed');
  assert.equal(r.codec, 'PCMU');
  const rtp = r.rtp as Record<string, number>;
  for (const key of ['sentPackets', 'receivedPackets', 'lossPct', 'jitterMs']) assert.equal(typeof rtp[key], 'number', key);
  assert.ok(Math.abs((r.greetingTtfaMs as number) - (600 + greeting.speechStart8kMs)) <= 30, `greetingTtfaMs ${String(r.greetingTtfaMs)}`);
});

test('SIPp UAS that never answers: timeout_no_response after Timer B (64·T1), clean exit 1 with the reason in words', { timeout: 40_000 }, async () => {
  const uas = await startSippUas({ scenario: 'uas-silent.xml' });
  // T1 = 50 ms makes Timer B 3.2 s.
  const run = await runCli(['call', uas.uri, '--json', '--t1', '50ms']);
  await uas.process.stop();
  assert.equal(run.code, 1, run.stderr);
  const r = JSON.parse(run.stdout) as { outcome: string; reason: string; reasonText: string; sipStatus: unknown; timeline: { inviteSentAtMs: number; endedAtMs: number } };
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'timeout_no_response');
  assert.equal(r.sipStatus, null);
  assert.match(run.stderr, /call failed: no response to the INVITE/);
  const attemptMs = r.timeline.endedAtMs - r.timeline.inviteSentAtMs;
  assert.ok(attemptMs >= 3200 && attemptMs < 3700, `ended after ${attemptMs} ms, Timer B is 3200 ms`);
  // The process ends right after Timer B: no timers or sockets left behind.
  assert.ok(run.elapsedMs < 3200 + 4000, `process took ${run.elapsedMs} ms`);
});

test('bad command lines exit 2 and name every problem', { timeout: 20_000 }, async () => {
  const run = await runCli(['call', 'http://nope', '--codec', 'opus', '--reply-timeout', 'soon']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /not a SIP URI/);
  assert.match(run.stderr, /--codec/);
  assert.match(run.stderr, /--reply-timeout/);
  const noPassword = await runCli(['call', 'sip:a@127.0.0.1:9', '--auth-user', 'alice'], { env: { VOICELOAD_SIP_PASSWORD: '' } });
  assert.equal(noPassword.code, 2);
  assert.match(noPassword.stderr, /VOICELOAD_SIP_PASSWORD/);
});

test('Ctrl-C during the greeting ends the call with BYE and still prints the partial result', { timeout: 40_000 }, async () => {
  const uas = await startSippUas({ scenario: 'uas-greeting.xml', pauseMs: 300 });
  const run = await runCli(['call', uas.uri, '--json', '-v'], {
    onSpawn: (kill, output) => {
      const poll = setInterval(() => {
        if (/agent starts speaking/.test(output())) {
          clearInterval(poll);
          kill('SIGINT');
        }
      }, 20);
      setTimeout(() => clearInterval(poll), 20_000);
    },
  });
  const sipp = await uas.process.exited;
  assert.equal(run.code, 130, run.stderr);
  const r = JSON.parse(run.stdout) as { outcome: string; reason: string; endedBy: string; greetingTtfaMs: number | null };
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'aborted');
  assert.equal(r.endedBy, 'local');
  assert.ok(r.greetingTtfaMs !== null, 'the greeting measured before Ctrl-C was lost');
  // SIPp got our BYE and answered it: its one call ended successfully.
  assert.equal(sipp.code, 0, sipp.stdout.slice(-1500));
});

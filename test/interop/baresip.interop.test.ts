import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBaresip } from './helpers/baresip.js';
import { callAgainst } from './helpers/callAgainst.js';
import { fixture } from './helpers/fixtures.js';

const greeting = fixture('agent-greeting.wav');

test('baresip auto-answers and plays a WAV, then hangs up: greeting detected, far-end BYE answered, call completed', { timeout: 40_000 }, async () => {
  const peer = await startBaresip(greeting.path);
  try {
    // baresip hangs up about a second after its file ends: wait longer than that for the end of speech,
    // so its BYE, not ours, ends the call.
    const result = await callAgainst(peer.uri, { greetingTimeout: '5s', replyEndSilence: '4s' });
    assert.equal(result.outcome, 'completed', JSON.stringify(result));
    assert.equal(result.sipStatus, 200);
    assert.equal(result.codec, 'PCMU');
    assert.equal(result.endedBy, 'remote');
    assert.ok(result.timeline.byeReceivedAtMs !== undefined, 'no BYE from baresip');
    // baresip streams from the answer on: the onset is the fixture's speech start into the stream.
    const t = result.timeline;
    assert.ok(result.greetingTtfaMs !== null && t.firstRtpReceivedAtMs !== undefined && t.greetingOnsetAtMs !== undefined);
    const detectorErrorMs = t.greetingOnsetAtMs - (t.firstRtpReceivedAtMs + greeting.speechStart8kMs);
    assert.ok(Math.abs(detectorErrorMs) <= 30, `onset ${detectorErrorMs} ms from the fixture's speech start (ttfa ${result.greetingTtfaMs})`);
    assert.ok(result.rtp.receivedPackets > 150, JSON.stringify(result.rtp));
    // The BYE was answered: baresip logs the call as closed normally, not timed out.
    await new Promise((r) => setTimeout(r, 300));
    assert.match(peer.process.output, /terminated|closed/i);
    assert.doesNotMatch(peer.process.output, /Request Timeout|\b408\b/);
  } finally {
    await peer.stop();
  }
});

test('PCMA preferred: baresip answers PCMA and the greeting is still measured', { timeout: 40_000 }, async () => {
  const peer = await startBaresip(greeting.path);
  try {
    const result = await callAgainst(peer.uri, { codec: 'pcma,pcmu' });
    assert.equal(result.codec, 'PCMA', JSON.stringify(result));
    assert.equal(result.outcome, 'completed', JSON.stringify(result));
    const t = result.timeline;
    assert.ok(t.firstRtpReceivedAtMs !== undefined && t.greetingOnsetAtMs !== undefined);
    assert.ok(Math.abs(t.greetingOnsetAtMs - (t.firstRtpReceivedAtMs + greeting.speechStart8kMs)) <= 30);
  } finally {
    await peer.stop();
  }
});

test('baresip hangs up while a caller turn is still pending: remote_hangup_early, BYE answered', { timeout: 40_000 }, async () => {
  const peer = await startBaresip(greeting.path);
  try {
    const caller = fixture('caller-order-status.wav');
    const result = await callAgainst(peer.uri, { say: [caller.path] });
    assert.equal(result.outcome, 'failed', JSON.stringify(result));
    assert.equal(result.reason, 'remote_hangup_early');
    assert.equal(result.endedBy, 'remote');
    assert.ok(result.greetingTtfaMs !== null, 'the greeting measured before the hangup was lost');
    assert.equal(result.turns[0]?.outcome, 'no_reply');
  } finally {
    await peer.stop();
  }
});

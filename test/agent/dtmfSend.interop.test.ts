import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemClock } from '../../src/core/clock.js';
import { startAgent } from '../../src/agent/simulatedAgent.js';
import { resolveProfile } from '../../src/agent/profile/resolveProfile.js';
import { MemoryTruthSink, type TruthRecord } from '../../src/agent/truthLog.js';
import { codecFor } from '../../src/media/g711.js';
import { RtpSession } from '../../src/media/rtpSession.js';
import { bindRtpPortPair } from '../../src/media/udpPortPair.js';
import { buildOffer, parseAnswer, type NegotiatedAudio } from '../../src/sdp/index.js';
import { createUdpTransport } from '../../src/sip/transport/index.js';
import { UserAgent } from '../../src/sip/ua/userAgent.js';

// A caller built from voiceload's layers (UA, SDP, RtpSession) presses keys with RtpSession.sendDtmf;
// the simulated agent decodes them with its own RtpSession and writes them to its truth file.

const DURATION_MS = 120;
const GAP_MS = 80;

test('sendDtmf("1#") reaches the simulated agent: its truth file records the keys "1#"', { timeout: 30_000 }, async () => {
  const clock = new SystemClock();
  const truth = new MemoryTruthSink();
  const profile = resolveProfile({
    name: 'test-dtmf-send',
    signalling: { dispatchMs: { median: 20, p95: 20 }, joinMs: { median: 10, p95: 10 } },
    conversation: { greeting: false },
  });
  const agent = await startAgent({ port: 0, profile, truth });
  const transport = await createUdpTransport({ host: '127.0.0.1', port: 0, clock });
  const ua = new UserAgent({ transport, clock });
  const ports = await bindRtpPortPair({ host: '127.0.0.1' });
  let media: RtpSession | undefined;
  try {
    let ended!: () => void;
    const remoteBye = new Promise<void>((resolve) => (ended = resolve));
    let callId = '';
    let hangUp: () => Promise<void> = () => Promise.resolve();
    const answered = new Promise<NegotiatedAudio>((resolve, reject) => {
      const call = ua.placeCall(
        {
          target: agent.uri,
          dest: { host: agent.host, port: agent.port },
          fromUser: 'dtmf-caller',
          sdpOffer: Buffer.from(buildOffer({ sessionId: 1, sessionVersion: 1, originHost: '127.0.0.1', connectionHost: '127.0.0.1', audioPort: ports.rtpPort })),
          ringTimeoutMs: 10_000,
        },
        { onAnswered: (res) => resolve(parseAnswer(res.body.toString())), onFailed: (f) => reject(new Error(f.text)), onRemoteBye: () => ended() },
      );
      callId = call.callId;
      hangUp = () => call.hangUp();
    });
    const n = await answered;
    assert.ok(n.telephoneEventPayloadType !== undefined, 'the agent accepts telephone-event');
    media = RtpSession.attach(ports, { clock, codec: codecFor(n.codec.name) });
    media.setRemote({ host: n.connectionHost, port: n.audioPort });
    media.setTelephoneEventPayloadType(n.telephoneEventPayloadType);
    media.start();
    await new Promise((r) => setTimeout(r, 200)); // some audio first

    const startedAtMs = clock.nowMs();
    await media.sendDtmf('1#', { durationMs: DURATION_MS, gapMs: GAP_MS });
    const tookMs = clock.nowMs() - startedAtMs;
    // From the first key's start tick to the second key's last end report (two repeats after the
    // tone's last packet), plus up to one ptime until the first tick.
    const expectedMs = DURATION_MS + GAP_MS + DURATION_MS - 20 + 2 * 20;
    assert.ok(tookMs >= expectedMs - 3 && tookMs <= expectedMs + 20 + 80, `sendDtmf took ${tookMs} ms, expected ${expectedMs}–${expectedMs + 20}`);
    const sentEvents = media.stats().sentTelephoneEventPackets;
    assert.equal(sentEvents, 2 * (DURATION_MS / 20 + 2));

    await new Promise((r) => setTimeout(r, 100)); // audio after the keys
    const sent = media.stats().sentPackets;
    await Promise.race([hangUp(), remoteBye]);
    let call: Extract<TruthRecord, { type: 'call' }> | undefined;
    for (let i = 0; i < 200 && call === undefined; i++) {
      call = truth.records.find((r): r is Extract<TruthRecord, { type: 'call' }> => r.type === 'call' && r.callId === callId);
      if (call === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(call !== undefined, JSON.stringify(truth.records));
    assert.equal(call.dtmf, '1#');
    // The agent counts every packet of the stream, events included: nothing was lost or refused.
    assert.ok(Math.abs(call.rtpReceivedPackets - sent) <= 3, `agent received ${call.rtpReceivedPackets} of ${sent} packets`);
  } finally {
    await media?.close();
    await ua.close();
    await agent.stop();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { SystemClock } from '../../src/core/clock.js';
import { loadUtterance } from '../../src/audio/index.js';
import { startAgent } from '../../src/agent/simulatedAgent.js';
import { resolveProfile } from '../../src/agent/profile/resolveProfile.js';
import { MemoryTruthSink, type TruthRecord } from '../../src/agent/truthLog.js';
import { codecFor } from '../../src/media/g711.js';
import { RtpHeaderWriter } from '../../src/media/rtpHeaderWriter.js';
import { RtpSession } from '../../src/media/rtpSession.js';
import { SpeechDetector, type SpeechEvent } from '../../src/media/speechDetector.js';
import { serializeTelephoneEvent } from '../../src/media/telephoneEvent.js';
import { bindRtpPortPair } from '../../src/media/udpPortPair.js';
import { buildOffer, parseAnswer, type NegotiatedAudio } from '../../src/sdp/index.js';
import { createUdpTransport } from '../../src/sip/transport/index.js';
import { UserAgent } from '../../src/sip/ua/userAgent.js';
import { fixture } from '../interop/helpers/fixtures.js';

// A scripted caller built from voiceload's own layers (UA, SDP, RTP, detector), so it can do what
// `voiceload call` does not: talk over the agent, and press keys.

const BARGE_IN_STOP_MS = 250;

test('barge-in stops the reply after bargeInStopMs; RFC 4733 DTMF digits reach the truth file', { timeout: 60_000 }, async () => {
  const clock = new SystemClock();
  const truth = new MemoryTruthSink();
  const profile = resolveProfile({
    name: 'test-barge-in',
    signalling: { dispatchMs: { median: 50, p95: 50 }, joinMs: { median: 20, p95: 20 } },
    conversation: { bargeInStopMs: BARGE_IN_STOP_MS },
    stages: { stt: { latencyMs: { median: 80, p95: 80 } }, llm: { latencyMs: { median: 150, p95: 150 } }, tts: { latencyMs: { median: 60, p95: 60 } } },
  });
  const agent = await startAgent({ port: 0, profile, truth });
  const transport = await createUdpTransport({ host: '127.0.0.1', port: 0, clock });
  const ua = new UserAgent({ transport, clock });
  const ports = await bindRtpPortPair({ host: '127.0.0.1' });
  const dtmfSocket = createSocket('udp4');
  let media: RtpSession | undefined;
  try {
    const events: SpeechEvent[] = [];
    const detector = new SpeechDetector({ sampleRate: 8000, endSilenceMs: 400 });
    const answered = new Promise<NegotiatedAudio>((resolve, reject) => {
      ua.placeCall(
        {
          target: agent.uri,
          dest: { host: agent.host, port: agent.port },
          fromUser: 'scripted',
          sdpOffer: Buffer.from(buildOffer({ sessionId: 1, sessionVersion: 1, originHost: '127.0.0.1', connectionHost: '127.0.0.1', audioPort: ports.rtpPort })),
          ringTimeoutMs: 10_000,
        },
        { onAnswered: (res) => resolve(parseAnswer(res.body.toString())), onFailed: (f) => reject(new Error(f.text)), onRemoteBye: () => {} },
      );
    });
    const n = await answered;
    media = RtpSession.attach(ports, { clock, codec: codecFor(n.codec.name) });
    media.setRemote({ host: n.connectionHost, port: n.audioPort });
    media.onFrame((pcm, at) => {
      const ev = detector.push(pcm, at);
      if (ev !== undefined) events.push(ev);
    });
    media.start();
    const waitFor = async (count: number, type: SpeechEvent['type']): Promise<SpeechEvent> => {
      for (let i = 0; i < 400; i++) {
        const hits = events.filter((e) => e.type === type);
        if (hits.length >= count) return hits[count - 1]!;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no agent speech ${type} #${count}: ${JSON.stringify(events)}`);
    };

    // The greeting, then three key presses (1, 2, #) as RFC 4733 events at the negotiated payload type.
    await waitFor(1, 'offset');
    const pt = n.telephoneEventPayloadType ?? 101;
    sendDigits(dtmfSocket, n, pt, [1, 2, 11]);

    // Say something; once the agent's reply starts, talk over it.
    const goodbye = loadUtterance(fixture('caller-goodbye.wav').path);
    media.queueUtterance({ id: 'turn', pcm: goodbye.pcm8k, speechEndSample: goodbye.speechEndSample });
    await waitFor(2, 'onset');
    const interruption = loadUtterance(fixture('caller-order-status.wav').path);
    let bargeInSpeechSentAtMs = 0;
    media.onUtteranceStarted((ev) => {
      if (ev.id === 'barge-in') bargeInSpeechSentAtMs = ev.startedAtMs + (interruption.speechStartSample / 8000) * 1000;
    });
    media.queueUtterance({ id: 'barge-in', pcm: interruption.pcm8k, speechEndSample: interruption.speechEndSample });
    const replyEnd = await waitFor(2, 'offset');
    await agent.stop(); // BYE, then the truth records are complete
    const turns = truth.records.filter((r): r is Extract<TruthRecord, { type: 'turn' }> => r.type === 'turn');
    const first = turns[0];
    assert.ok(first !== undefined, JSON.stringify(truth.records));
    assert.equal(first.outcome, 'barged_in');
    assert.ok(first.bargeIn !== null);
    // Node timers may fire a millisecond early, hence the -3.
    const reactionMs = first.bargeIn.replyStoppedAtMs - first.bargeIn.callerSpeechAtMs;
    assert.ok(reactionMs >= BARGE_IN_STOP_MS - 3 && reactionMs < BARGE_IN_STOP_MS + 40, `the agent stopped ${reactionMs} ms after the caller's speech`);
    // What the caller hears: the reply's speech ends about bargeInStopMs after the caller starts talking
    // (plus the agent's 60 ms onset confirmation and a frame or two of decay). Lower bound: the agent
    // dates the caller's speech by the 20 ms frame that holds its first sample, which left up to one
    // frame before that sample, and its timer may fire up to 3 ms early (see above).
    const heardMs = replyEnd.atMs - bargeInSpeechSentAtMs;
    assert.ok(heardMs > BARGE_IN_STOP_MS - 25 && heardMs < BARGE_IN_STOP_MS + 150, `reply went on for ${heardMs} ms after the caller started talking`);
    const call = truth.records.find((r): r is Extract<TruthRecord, { type: 'call' }> => r.type === 'call');
    assert.equal(call?.dtmf, '12#');
  } finally {
    await media?.close();
    dtmfSocket.close();
    await ua.close();
    await agent.stop();
  }
});

/** One event per digit: three packets with growing duration, then the end packet three times (RFC 4733 §2.5.1.4). */
function sendDigits(socket: ReturnType<typeof createSocket>, n: NegotiatedAudio, pt: number, digits: number[]): void {
  const writer = new RtpHeaderWriter(pt, 0x5eed);
  let seq = 1000;
  let ts = 80_000;
  for (const event of digits) {
    const packets = [400, 800, 1200, 1600, 1600, 1600].map((durationTs, i) => ({ durationTs, end: i >= 3 }));
    packets.forEach((p, i) => {
      const buf = Buffer.alloc(12 + 4);
      writer.write(buf, seq++ & 0xffff, ts, i === 0);
      serializeTelephoneEvent({ event, end: p.end, volume: 10, durationTs: p.durationTs }).copy(buf, 12);
      socket.send(buf, n.audioPort, n.connectionHost);
    });
    ts += 3200;
  }
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codecFor } from '../../src/media/g711.js';
import { UtteranceQueue, type Utterance } from '../../src/media/audioSource.js';
import { parseRtpHeader } from '../../src/media/rtpHeaderWriter.js';
import { RtpSender, type UtteranceSentEvent, type UtteranceStartedEvent } from '../../src/media/rtpSender.js';
import { parseTelephoneEvent } from '../../src/media/telephoneEvent.js';

/** An rng that returns the given values in order (then 0). */
function scripted(...values: number[]): () => number {
  let i = 0;
  return () => values[i++] ?? 0;
}

function ramp(n: number, from = 1): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => ((from + i) * 37) % 20000 + 100);
}

function setup(rng = scripted(0.5, 0.25, 0.75)) {
  const codec = codecFor('PCMU');
  const source = new UtteranceQueue(160);
  const sent: UtteranceSentEvent[] = [];
  const started: UtteranceStartedEvent[] = [];
  const sender = new RtpSender({
    codec,
    source,
    rng,
    onUtteranceSent: (e) => sent.push(e),
    onUtteranceStarted: (e) => started.push(e),
  });
  const packets: Buffer[] = [];
  let tick = 0;
  const t0 = 5000;
  const run = (n: number): void => {
    for (let i = 0; i < n; i++, tick++) packets.push(Buffer.from(sender.nextPacket(tick, t0 + tick * 20)));
  };
  return { codec, source, sender, sent, started, packets, run, sendTime: (k: number) => t0 + k * 20 };
}

test('initial sequence number, timestamp and SSRC come from the rng; continuity across wrap', () => {
  // seq0 = 65534, ts0 = 2^32 − 200, ssrc = 0x12345678.
  const rng = scripted(65534 / 65536, (2 ** 32 - 200) / 2 ** 32, 0x12345678 / 2 ** 32);
  const { sender, packets, run } = setup(rng);
  assert.equal(sender.initialSequenceNumber, 65534);
  assert.equal(sender.initialTimestamp, 2 ** 32 - 200);
  assert.equal(sender.ssrc, 0x12345678);
  run(5);
  const headers = packets.map((p) => parseRtpHeader(p));
  assert.deepEqual(
    headers.map((h) => h.sequenceNumber),
    [65534, 65535, 0, 1, 2],
  );
  assert.deepEqual(
    headers.map((h) => h.timestamp),
    [0, 1, 2, 3, 4].map((k) => (2 ** 32 - 200 + k * 160) % 2 ** 32),
  );
  for (const h of headers) {
    assert.equal(h.ssrc, 0x12345678);
    assert.equal(h.payloadType, 0);
    assert.equal(h.payloadLength, 160);
    assert.equal(h.marker, false);
  }
  assert.equal(sender.packetsSent, 5);
  assert.equal(sender.octetsSent, 5 * 160);
});

test('with nothing queued the stream carries continuous silence', () => {
  const { packets, run } = setup();
  run(10);
  for (const p of packets) assert.ok(p.subarray(12).every((b) => b === 0xff), 'μ-law silence is 0xFF');
});

test('an utterance is sent frame by frame with the marker on its first packet and its times reported', () => {
  const { codec, source, packets, run, sent, started, sendTime } = setup();
  run(2);
  const pcm = ramp(400);
  const utt: Utterance = { id: 'u1', pcm, speechEndSample: 250 };
  source.enqueue(utt);
  run(5);
  // Frames: packets 2, 3, 4 carry samples [0,160), [160,320), [320,400) + zero padding.
  const firstPacket = 2;
  const frames = Math.ceil(pcm.length / 160);
  for (let k = 0; k < frames; k++) {
    const expected = new Int16Array(160);
    expected.set(pcm.subarray(k * 160, Math.min(pcm.length, (k + 1) * 160)));
    assert.deepEqual(packets[firstPacket + k]!.subarray(12), Buffer.from(codec.encode(expected)), `frame ${k}`);
  }
  assert.ok(packets[firstPacket + frames]!.subarray(12).every((b) => b === 0xff), 'silence resumes');
  const markers = packets.map((p) => parseRtpHeader(p).marker);
  assert.deepEqual(
    markers.map((m, i) => (m ? i : -1)).filter((i) => i >= 0),
    [firstPacket],
  );
  // The last speech sample (index 249) is in frame floor(249 / 160).
  const speechEndPacket = firstPacket + Math.floor((utt.speechEndSample - 1) / 160);
  assert.deepEqual(started, [{ id: 'u1', startedAtMs: sendTime(firstPacket) }]);
  assert.deepEqual(sent, [
    {
      id: 'u1',
      startedAtMs: sendTime(firstPacket),
      speechEndSentAtMs: sendTime(speechEndPacket),
      endedAtMs: sendTime(firstPacket + frames - 1),
    },
  ]);
});

test('queued utterances play back to back; speech end on a frame boundary and no-speech utterances', () => {
  const { source, packets, run, sent, sendTime } = setup();
  // 480 samples, speech ends exactly at sample 320: last speech sample 319 is in frame 1.
  source.enqueue({ id: 'a', pcm: ramp(480), speechEndSample: 320 });
  // No speech at all: its first packet stands for the speech end.
  source.enqueue({ id: 'b', pcm: ramp(160, 7), speechEndSample: 0 });
  source.enqueue({ id: 'c', pcm: ramp(161, 9), speechEndSample: 161 });
  run(8);
  assert.deepEqual(sent, [
    { id: 'a', startedAtMs: sendTime(0), speechEndSentAtMs: sendTime(1), endedAtMs: sendTime(2) },
    { id: 'b', startedAtMs: sendTime(3), speechEndSentAtMs: sendTime(3), endedAtMs: sendTime(3) },
    { id: 'c', startedAtMs: sendTime(4), speechEndSentAtMs: sendTime(5), endedAtMs: sendTime(5) },
  ]);
  const markers = packets.map((p) => parseRtpHeader(p).marker);
  assert.deepEqual(markers, [true, false, false, true, true, false, false, false]);
});

test('a skipped pacer tick advances the timestamp but not the sequence number', () => {
  const { sender } = setup();
  const a = parseRtpHeader(Buffer.from(sender.nextPacket(0, 0)));
  const b = parseRtpHeader(Buffer.from(sender.nextPacket(5, 100)));
  assert.equal((b.sequenceNumber - a.sequenceNumber) & 0xffff, 1);
  assert.equal((b.timestamp - a.timestamp) >>> 0, 5 * 160);
  assert.equal(sender.rtpTimestampAt(100), b.timestamp);
});

test('invalid utterances are rejected when queued', () => {
  const { source } = setup();
  assert.throws(() => source.enqueue({ id: 'x', pcm: new Int16Array(0), speechEndSample: 0 }), { code: 'AUDIO_FORMAT' });
  assert.throws(() => source.enqueue({ id: 'x', pcm: new Int16Array(10), speechEndSample: 11 }), { code: 'AUDIO_FORMAT' });
  assert.throws(() => source.enqueue({ id: 'x', pcm: new Int16Array(10), speechEndSample: 2.5 }), { code: 'AUDIO_FORMAT' });
});

test('clearing the queue (barge-in) drops the playing and queued utterances: silence next, no sent event, fresh marker after', () => {
  const { codec, source, packets, run, sent, started, sendTime } = setup();
  source.enqueue({ id: 'long', pcm: ramp(1600), speechEndSample: 1600 });
  source.enqueue({ id: 'queued', pcm: ramp(320), speechEndSample: 320 });
  run(3); // frames 0..2 of 'long'
  assert.equal(source.clear(), 2);
  run(6); // 6 silent packets, enough to cycle every rotating packet buffer
  source.enqueue({ id: 'next', pcm: ramp(160), speechEndSample: 160 });
  run(2);
  const silence = Buffer.from(codec.encode(new Int16Array(160)));
  for (let k = 3; k < 9; k++) assert.deepEqual(packets[k]!.subarray(12), silence, `packet ${k} is encoded silence`);
  const markers = packets.map((p) => parseRtpHeader(p).marker);
  assert.deepEqual(
    markers.map((m, i) => (m ? i : -1)).filter((i) => i >= 0),
    [0, 9],
  );
  assert.deepEqual(
    started.map((e) => e.id),
    ['long', 'next'],
  );
  assert.deepEqual(sent, [{ id: 'next', startedAtMs: sendTime(9), speechEndSentAtMs: sendTime(9), endedAtMs: sendTime(9) }]);
  assert.deepEqual(packets[10]!.subarray(12), silence, 'silence after speech, in a buffer that last held speech');
});

test('silence reuses its encoding: an utterance of zeros is still encoded and flagged as speech', () => {
  const { codec, source, packets, run } = setup();
  run(5);
  source.enqueue({ id: 'zeros', pcm: new Int16Array(160), speechEndSample: 0 });
  run(5);
  const silence = Buffer.from(codec.encode(new Int16Array(160)));
  for (const p of packets) assert.deepEqual(p.subarray(12), silence);
  assert.equal(parseRtpHeader(packets[5]!).marker, true);
  assert.equal(source.frameIsSilence, true, 'after the utterance: silence');
});

test('silence and RFC 4733 event packets share the sequence; silence leaves the source alone; event timestamp is its start tick', () => {
  const { codec, source, sender, run, packets } = setup();
  const pcm = ramp(320);
  source.enqueue({ id: 'u', pcm, speechEndSample: 320 });
  run(1); // tick 0: frame 0
  const ev = { event: 11, end: false, volume: 7, durationTs: 160 };
  const e1 = Buffer.from(sender.nextTelephoneEventPacket(101, 1, true, ev)); // tick 1
  const s2 = Buffer.from(sender.nextSilencePacket(2)); // tick 2
  const base = parseRtpHeader(packets[0]!);
  const h1 = parseRtpHeader(e1);
  const h2 = parseRtpHeader(s2);
  assert.equal(h1.sequenceNumber, (base.sequenceNumber + 1) & 0xffff);
  assert.equal(h2.sequenceNumber, (base.sequenceNumber + 2) & 0xffff);
  assert.deepEqual([h1.payloadType, h1.marker, h1.ssrc, h1.timestamp], [101, true, base.ssrc, (base.timestamp + 160) >>> 0]);
  assert.deepEqual(parseTelephoneEvent(e1, h1.payloadOffset, h1.payloadLength), ev);
  assert.deepEqual([h2.payloadType, h2.marker, h2.timestamp], [codec.payloadType, false, (base.timestamp + 320) >>> 0]);
  const silent = Buffer.alloc(160);
  codec.encodeInto(new Int16Array(160), silent, 0);
  assert.deepEqual(s2.subarray(12), silent);
  // The utterance's second frame comes next, at tick 3.
  const p3 = Buffer.from(sender.nextPacket(3, 0));
  const frame1 = Buffer.alloc(160);
  codec.encodeInto(pcm.subarray(160, 320), frame1, 0);
  assert.deepEqual(p3.subarray(12), frame1);
  assert.equal(sender.packetsSent, 4);
  assert.equal(sender.octetsSent, 160 * 3 + 4, 'the event payload counts in the SR octet count');
});

test('an utterance encoded once sends the same packets as one encoded per frame, for both codecs', async () => {
  const { encodeUtterance } = await import('../../src/media/encodeUtterance.js');
  for (const name of ['PCMU', 'PCMA'] as const) {
    const codec = codecFor(name);
    // 3.5 frames: the last frame is padded, with encoded silence in the shared case.
    const pcm = ramp(560, 11);
    const packets = (shared: boolean): string[] => {
      const source = new UtteranceQueue(160);
      const sender = new RtpSender({ codec, source, rng: scripted(0.5, 0.25, 0.75) });
      source.enqueue({ id: 'u', pcm, speechEndSample: 500, ...(shared ? { encoded: encodeUtterance(pcm, [codec]) } : {}) });
      return Array.from({ length: 6 }, (_, i) => sender.nextPacket(i, i * 20).toString('hex'));
    };
    assert.deepEqual(packets(true), packets(false), name);
  }
  // The shared bytes are what is sent (not re-encoded from the samples).
  const markSource = new UtteranceQueue(160);
  const marked = new RtpSender({ codec: codecFor('PCMU'), source: markSource, rng: scripted(0.5) });
  markSource.enqueue({ id: 'u', pcm: ramp(160), speechEndSample: 160, encoded: { PCMU: new Uint8Array(160).fill(0x55) } });
  assert.deepEqual([...marked.nextPacket(0, 0).subarray(12)], new Array<number>(160).fill(0x55));
  // An encoding for another codec is not used: PCMA packets from PCMU bytes would be noise.
  const pcmaSource = new UtteranceQueue(160);
  const pcma = new RtpSender({ codec: codecFor('PCMA'), source: pcmaSource, rng: scripted(0.5) });
  const pcm = ramp(160);
  pcmaSource.enqueue({ id: 'u', pcm, speechEndSample: 160, encoded: encodeUtterance(pcm, [codecFor('PCMU')]) });
  assert.deepEqual([...pcma.nextPacket(0, 0).subarray(12)], [...codecFor('PCMA').encode(pcm)]);
});

test('the speech-start event carries the actual send time of the packet with the first speech sample', () => {
  const source = new UtteranceQueue(160);
  const sender = new RtpSender({ codec: codecFor('PCMU'), source, rng: scripted(0.5) });
  const events: { id: string; speechStartSentAtMs: number }[] = [];
  sender.onSpeechStarted((e) => events.push(e));
  // Speech starts at sample 400: the third packet (samples 320..479).
  source.enqueue({ id: 'u', pcm: ramp(800), speechStartSample: 400, speechEndSample: 700 });
  // A stalled clock catches up: packets 1 and 2 leave in a burst at 61 ms, not at 20 and 40.
  const sendTimes = [0, 61, 61.2, 80, 100];
  sendTimes.forEach((t, i) => sender.nextPacket(i, t));
  assert.deepEqual(events, [{ id: 'u', speechStartSentAtMs: 61.2 }]);
  // Without speechStartSample the first packet starts the speech.
  source.enqueue({ id: 'v', pcm: ramp(320), speechEndSample: 320 });
  sender.nextPacket(5, 120);
  assert.deepEqual(events.at(-1), { id: 'v', speechStartSentAtMs: 120 });
});

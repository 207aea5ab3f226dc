import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ReadableStream, type ReadableStreamDefaultController } from 'node:stream/web';
import { initializeLogger, voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { parseVoiceloadRecord, publishVoiceloadMetrics, type VoiceloadRecord } from 'voiceload/livekit-agent';
import { createFakeAgent, createFakeAgentSession } from '../src/fakeAgentSession.js';

/*
 * Runs the reference agent's AgentSession without a LiveKit server: audio comes in through an
 * AudioInput fed with a caller WAV, replies go to an AudioOutput that plays instantly, and the
 * records the voiceload module publishes land in a recording stand-in for the room.
 */

const RATE = 16_000;
const FRAME_MS = 20;
const FRAME_SAMPLES = (RATE * FRAME_MS) / 1000;

/** 16-bit mono PCM WAV → samples at 16 kHz (linear interpolation). */
function readWav16k(path: string): Int16Array {
  const buf = readFileSync(path);
  let off = 12;
  let rate = 0;
  let data: Buffer | undefined;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') rate = buf.readUInt32LE(off + 12);
    if (id === 'data') data = buf.subarray(off + 8, off + 8 + size);
    off += 8 + size + (size % 2);
  }
  assert.ok(data !== undefined && rate > 0, `${path} is a PCM WAV`);
  const src = new Int16Array(data.buffer, data.byteOffset, Math.floor(data.length / 2));
  const out = new Int16Array(Math.floor((src.length * RATE) / rate));
  for (let i = 0; i < out.length; i++) {
    const x = (i * rate) / RATE;
    const j = Math.floor(x);
    const a = src[j] ?? 0;
    const b = src[j + 1] ?? a;
    out[i] = Math.round(a + (b - a) * (x - j));
  }
  return out;
}

class ScriptedAudioInput extends voice.AudioInput {
  private controller!: ReadableStreamDefaultController<AudioFrame>;
  constructor() {
    super();
    this.multiStream.addInputStream(new ReadableStream<AudioFrame>({ start: (c) => void (this.controller = c) }));
  }
  push(frame: AudioFrame): void {
    this.controller.enqueue(frame);
  }
}

/** Plays every segment instantly: playback starts on the first frame and finishes at the flush. */
class InstantAudioOutput extends voice.AudioOutput {
  frames = 0;
  constructor() {
    super(24_000);
  }
  override async captureFrame(frame: AudioFrame): Promise<void> {
    const before = this.capturedPlayoutSegments;
    await super.captureFrame(frame);
    this.frames++;
    if (this.capturedPlayoutSegments > before) this.onPlaybackStarted(Date.now());
  }
  override flush(): void {
    super.flush();
    if (this.pendingPlayoutSegments > 0) this.onPlaybackFinished({ playbackPosition: 1, interrupted: false });
  }
  clearBuffer(): void {
    if (this.pendingPlayoutSegments > 0) this.onPlaybackFinished({ playbackPosition: 0, interrupted: true });
  }
}

test('the fake-pipeline AgentSession, run without a server, publishes one turn_metrics record per reply with the configured latencies', { timeout: 60_000 }, async () => {
  initializeLogger({ pretty: false, level: 'warn' });
  const latencies = { sttMs: 150, llmTtftMs: 300, ttsTtfbMs: 100 };
  const session = createFakeAgentSession({ latencies });
  const records: VoiceloadRecord[] = [];
  const room = {
    localParticipant: {
      publishData: async (data: Uint8Array, opts: { reliable?: boolean; topic?: string }): Promise<void> => {
        assert.equal(opts.topic, 'voiceload.metrics');
        assert.equal(opts.reliable, true);
        const parsed = parseVoiceloadRecord(data);
        assert.ok(parsed.ok);
        records.push(parsed.record);
      },
    },
    remoteParticipants: new Map([['sip_+15550100', { attributes: { 'lktest.id': 'run1-1' } }]]),
  };
  const detach = publishVoiceloadMetrics(session, room);
  const input = new ScriptedAudioInput();
  const output = new InstantAudioOutput();
  session.input.audio = input;
  session.output.audio = output;
  await session.start({ agent: createFakeAgent() });

  const speech = readWav16k(new URL('../../../audio-fixtures/caller-order-status.wav', import.meta.url).pathname);
  const silence = (ms: number) => new Int16Array((RATE * ms) / 1000);
  const script = [silence(500), speech, silence(3000), speech, silence(3000)];
  const all = new Int16Array(script.reduce((n, s) => n + s.length, 0));
  script.reduce((at, s) => (all.set(s, at), at + s.length), 0);

  const started = Date.now();
  for (let i = 0, n = 0; i + FRAME_SAMPLES <= all.length; i += FRAME_SAMPLES, n++) {
    input.push(new AudioFrame(all.slice(i, i + FRAME_SAMPLES), RATE, 1, FRAME_SAMPLES));
    const wait = started + (n + 1) * FRAME_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const deadline = Date.now() + 10_000;
  const turns = () => records.flatMap((r) => (r.type === 'turn_metrics' ? [r] : []));
  while (turns().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await session.close();
  detach();

  const t = turns();
  assert.equal(t.length, 2, 'one record per reply');
  assert.notEqual(t[0]!.speechId, t[1]!.speechId);
  // Timers may fire a few ms before the interval the framework then measures: bounds allow 5 ms early.
  for (const r of t) {
    assert.equal(r.testId, 'run1-1');
    assert.ok(r.eouDelayMs !== null && r.eouDelayMs >= 0, 'EOU delay measured');
    assert.ok(r.transcriptionDelayMs !== null, 'transcription delay measured');
    assert.ok(r.sttDurationMs !== null && r.sttDurationMs >= latencies.sttMs - 5 && r.sttDurationMs < latencies.sttMs + 100, `STT ${r.sttDurationMs}`);
    assert.ok(r.llmTtftMs !== null && r.llmTtftMs >= latencies.llmTtftMs - 5 && r.llmTtftMs < latencies.llmTtftMs + 100, `LLM TTFT ${r.llmTtftMs}`);
    assert.ok(r.ttsTtfbMs !== null && r.ttsTtfbMs >= latencies.ttsTtfbMs - 5 && r.ttsTtfbMs < latencies.ttsTtfbMs + 100, `TTS TTFB ${r.ttsTtfbMs}`);
    // The framework starts the LLM preemptively on the final transcript, so its TTFT may overlap
    // the endpointing delay: e2e is at least EOU + TTS TTFB and at most the sum of all three.
    const e2e = r.e2eLatencyMs;
    assert.ok(e2e !== null && e2e >= r.eouDelayMs! + r.ttsTtfbMs! - 5 && e2e <= r.eouDelayMs! + r.llmTtftMs! + r.ttsTtfbMs! + 150, `e2e ${e2e}`);
  }
  const states = records.flatMap((r) => (r.type === 'agent_state' ? [r.state] : []));
  assert.ok(states.includes('thinking') && states.includes('speaking') && states.includes('listening'), states.join(','));
  assert.ok(output.frames > 0, 'the tone TTS produced audio frames');
});

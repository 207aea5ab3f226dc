import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { FakeClock } from '../../src/core/fakeClock.js';
import { TEST_ID_ATTRIBUTE } from '../../src/livekit/roomObservationRecorder.js';
import {
  parseVoiceloadRecord,
  VOICELOAD_METRICS_TOPIC,
  type TurnMetricsRecord,
  type VoiceloadRecord,
} from '../../src/livekit/turnMetricsRecord.js';
import { LKTEST_ID_ATTRIBUTE, publishVoiceloadMetrics, type PublishVoiceloadMetricsOptions, type RoomLike } from '../../src/livekitAgent/index.js';

/*
 * Seam tests: an EventEmitter stands in for LiveKit Agents' AgentSession and a recording stand-in
 * for room.localParticipant.publishData. Events are shaped exactly as @livekit/agents 1.9.0 emits
 * them, checked against its declarations:
 *   dist/voice/events.d.ts     MetricsCollectedEvent, AgentStateChangedEvent, SpeechCreatedEvent,
 *                              ConversationItemAddedEvent, CloseEvent
 *   dist/metrics/base.d.ts     EOUMetrics, STTMetrics, LLMMetrics, TTSMetrics (durations in ms;
 *                              STTMetrics has no speechId)
 *   dist/llm/chat_context.d.ts ChatMessage.metrics: MetricsReport (seconds)
 * and rtc-node 0.13.35 dist/participant.d.ts: publishData(data: Uint8Array, options: DataPublishOptions).
 */

const T0 = 1_767_225_600_000;

function eouMetrics(speechId: string, lastSpeakingTimeMs: number, endOfUtteranceDelayMs: number, transcriptionDelayMs: number) {
  return {
    type: 'eou_metrics' as const,
    timestamp: lastSpeakingTimeMs + endOfUtteranceDelayMs + 3,
    endOfUtteranceDelayMs,
    transcriptionDelayMs,
    onUserTurnCompletedDelayMs: 1,
    lastSpeakingTimeMs,
    speechId,
  };
}

function sttMetrics(timestamp: number, durationMs: number, streamed: boolean) {
  return {
    type: 'stt_metrics' as const,
    label: 'fake-stt',
    requestId: 'stt_req',
    timestamp,
    durationMs,
    audioDurationMs: 1200,
    streamed,
    metadata: { modelProvider: 'fake', modelName: 'fake' },
  };
}

function llmMetrics(speechId: string, timestamp: number, ttftMs: number) {
  return {
    type: 'llm_metrics' as const,
    label: 'fake-llm',
    requestId: 'llm_req',
    timestamp,
    durationMs: ttftMs + 200,
    ttftMs,
    cancelled: false,
    completionTokens: 12,
    promptTokens: 40,
    promptCachedTokens: 0,
    totalTokens: 52,
    tokensPerSecond: 60,
    speechId,
  };
}

function ttsMetrics(speechId: string, timestamp: number, ttfbMs: number) {
  return {
    type: 'tts_metrics' as const,
    label: 'fake-tts',
    requestId: 'tts_req',
    timestamp,
    ttfbMs,
    durationMs: ttfbMs + 300,
    audioDurationMs: 1500,
    cancelled: false,
    charactersCount: 24,
    streamed: false,
    segmentId: 'seg_1',
    speechId,
  };
}

class SessionStandIn extends EventEmitter {
  metrics(metrics: object, createdAt: number): void {
    this.emit('metrics_collected', { type: 'metrics_collected', metrics, createdAt });
  }
  state(oldState: string, newState: string, createdAt: number): void {
    this.emit('agent_state_changed', { type: 'agent_state_changed', oldState, newState, createdAt });
  }
  speech(id: string, source: 'say' | 'generate_reply' | 'tool_response', createdAt: number): void {
    this.emit('speech_created', { type: 'speech_created', userInitiated: source === 'say', source, speechHandle: { id }, createdAt });
  }
  assistantMessage(metrics: object, createdAt: number): void {
    const item = { id: 'item_1', type: 'message', role: 'assistant', content: ['Hello.'], interrupted: false, extra: {}, metrics, createdAt };
    this.emit('conversation_item_added', { type: 'conversation_item_added', item, createdAt });
  }
  close(createdAt: number): void {
    this.emit('close', { type: 'close', error: null, reason: 'participant_disconnected', createdAt });
  }
}

interface Harness {
  session: SessionStandIn;
  clock: FakeClock;
  room: RoomLike & { remoteParticipants: Map<string, { attributes: Record<string, string> }> };
  sent: { topic: string | undefined; reliable: boolean | undefined; record: VoiceloadRecord }[];
  warnings: string[];
  detach: () => void;
}

function harness(options: Partial<PublishVoiceloadMetricsOptions> = {}): Harness {
  const session = new SessionStandIn();
  const clock = new FakeClock();
  const sent: Harness['sent'] = [];
  const warnings: string[] = [];
  const room = {
    localParticipant: {
      publishData: async (data: Uint8Array, opts: { reliable?: boolean; topic?: string }): Promise<void> => {
        const parsed = parseVoiceloadRecord(data);
        assert.ok(parsed.ok, `published bytes parse back: ${parsed.ok ? '' : parsed.detail}`);
        sent.push({ topic: opts.topic, reliable: opts.reliable, record: parsed.record });
      },
    },
    remoteParticipants: new Map<string, { attributes: Record<string, string> }>(),
  };
  const detach = publishVoiceloadMetrics(session, room, {
    clock,
    nowEpochMs: () => T0 + clock.nowMs(),
    logger: { warn: (m) => warnings.push(m) },
    ...options,
  });
  return { session, clock, room, sent, warnings, detach };
}

const turns = (h: Harness): TurnMetricsRecord[] =>
  h.sent.flatMap((s) => (s.record.type === 'turn_metrics' ? [s.record] : []));

test('seam: a user turn, a say() and a streaming-STT turn give one turn_metrics record each, in ms, with speech ids', () => {
  const h = harness();
  h.room.remoteParticipants.set('sip_caller', { attributes: { 'sip.callID': 'abc', [LKTEST_ID_ATTRIBUTE]: 'run1-7' } });
  const s = h.session;

  // Turn 1: the caller stops at +1000, a non-streaming STT request took 180 ms, the turn ends 400 ms later.
  s.state('initializing', 'listening', T0 + 10);
  s.metrics(sttMetrics(T0 + 1200, 180, false), T0 + 1200);
  s.speech('speech_a1', 'generate_reply', T0 + 1400);
  s.metrics(eouMetrics('speech_a1', T0 + 1000, 400, 200), T0 + 1405);
  s.state('listening', 'thinking', T0 + 1406);
  s.state('thinking', 'speaking', T0 + 2150);
  // The first sentence's TTS metrics come before the LLM stream ends: the record waits for the LLM.
  s.metrics(ttsMetrics('speech_a1', T0 + 2300, 150), T0 + 2300);
  assert.equal(turns(h).length, 0);
  s.metrics(llmMetrics('speech_a1', T0 + 2600, 600), T0 + 2600);
  s.metrics(ttsMetrics('speech_a1', T0 + 2900, 170), T0 + 2900); // second sentence: ignored
  s.assistantMessage({ llmNodeTtft: 0.6, ttsNodeTtfb: 0.15, e2eLatency: 1.15 }, T0 + 4000); // already published
  s.state('speaking', 'listening', T0 + 4000);

  // Turn 2: a say() — no user turn, no LLM: out as soon as its TTS metrics arrive.
  s.speech('speech_b2', 'say', T0 + 5000);
  s.state('listening', 'speaking', T0 + 5100);
  s.metrics(ttsMetrics('speech_b2', T0 + 5200, 90), T0 + 5200);
  s.state('speaking', 'listening', T0 + 6000);

  // Turn 3: streaming STT (durationMs 0), TTS metrics before the agent starts speaking.
  s.metrics(sttMetrics(T0 + 7100, 0, true), T0 + 7100);
  s.speech('speech_c3', 'generate_reply', T0 + 7500);
  s.metrics(eouMetrics('speech_c3', T0 + 7000, 500, 50), T0 + 7501);
  s.metrics(llmMetrics('speech_c3', T0 + 7900, 300.4), T0 + 7900);
  s.metrics(ttsMetrics('speech_c3', T0 + 8000, 120), T0 + 8000);
  assert.equal(turns(h).length, 2, 'turn 3 waits for the agent to start speaking (its e2e)');
  s.state('listening', 'speaking', T0 + 8050);

  assert.deepEqual(turns(h), [
    {
      v: 1, type: 'turn_metrics', speechId: 'speech_a1', testId: 'run1-7',
      eouDelayMs: 400, transcriptionDelayMs: 200, sttDurationMs: 180, llmTtftMs: 600, ttsTtfbMs: 150,
      e2eLatencyMs: 1150, atMs: T0 + 1400,
    },
    {
      v: 1, type: 'turn_metrics', speechId: 'speech_b2', testId: 'run1-7',
      eouDelayMs: null, transcriptionDelayMs: null, sttDurationMs: null, llmTtftMs: null, ttsTtfbMs: 90,
      e2eLatencyMs: null, atMs: T0 + 5000,
    },
    {
      v: 1, type: 'turn_metrics', speechId: 'speech_c3', testId: 'run1-7',
      eouDelayMs: 500, transcriptionDelayMs: 50, sttDurationMs: 0, llmTtftMs: 300, ttsTtfbMs: 120,
      e2eLatencyMs: 1050, atMs: T0 + 7500,
    },
  ]);
  // atMs − eouDelayMs is the caller's speech end as the agent heard it.
  assert.equal(turns(h)[0]!.atMs - turns(h)[0]!.eouDelayMs!, T0 + 1000);
  assert.ok(h.sent.every((x) => x.topic === VOICELOAD_METRICS_TOPIC && x.reliable === true));
  assert.equal(h.clock.pendingTimers, 0, 'no timers left once every reply is out');
  assert.deepEqual(h.warnings, []);
  h.detach();
});

test('seam: every agent state change is an agent_state record at the event time; unknown states are skipped', () => {
  const h = harness();
  h.session.state('initializing', 'listening', T0 + 1);
  h.session.state('listening', 'thinking', T0 + 2);
  h.session.state('thinking', 'speaking', T0 + 3);
  h.session.state('speaking', 'dancing', T0 + 4);
  h.session.state('speaking', 'idle', T0 + 5);
  assert.deepEqual(
    h.sent.map((x) => x.record),
    [
      { v: 1, type: 'agent_state', state: 'listening', atMs: T0 + 1 },
      { v: 1, type: 'agent_state', state: 'thinking', atMs: T0 + 2 },
      { v: 1, type: 'agent_state', state: 'speaking', atMs: T0 + 3 },
      { v: 1, type: 'agent_state', state: 'idle', atMs: T0 + 5 },
    ],
  );
  h.detach();
});

test('seam: without TTS metrics a reply goes out after the timeout with what is there', () => {
  const h = harness({ turnTimeoutMs: 3000, testId: 'run9-1' });
  h.session.metrics(sttMetrics(T0 + 100, 210, false), T0 + 100);
  h.session.metrics(eouMetrics('speech_t1', T0, 300, 120), T0 + 301);
  h.session.metrics(llmMetrics('speech_t1', T0 + 900, 550), T0 + 900);
  h.clock.advance(2999);
  assert.equal(turns(h).length, 0);
  h.clock.advance(1);
  assert.deepEqual(turns(h), [
    {
      v: 1, type: 'turn_metrics', speechId: 'speech_t1', testId: 'run9-1',
      eouDelayMs: 300, transcriptionDelayMs: 120, sttDurationMs: 210, llmTtftMs: 550, ttsTtfbMs: null,
      e2eLatencyMs: null, atMs: T0 + 300,
    },
  ]);
  // Late metrics for a published reply do not make a second record.
  h.session.metrics(ttsMetrics('speech_t1', T0 + 4000, 100), T0 + 4000);
  h.clock.advance(10_000);
  assert.equal(turns(h).length, 1);
  h.detach();
});

test('seam: the assistant message ends a reply that had no TTS metrics; its report in seconds becomes ms', () => {
  const h = harness();
  h.session.speech('speech_m1', 'generate_reply', T0 + 400);
  h.session.metrics(eouMetrics('speech_m1', T0, 400, 100), T0 + 401);
  h.session.speech('speech_m2', 'say', T0 + 500); // queued behind it, not spoken: left alone
  h.session.state('thinking', 'speaking', T0 + 1500);
  h.session.assistantMessage({ llmNodeTtft: 0.7123, ttsNodeTtfb: 0.2501, e2eLatency: 1.5, startedSpeakingAt: (T0 + 1500) / 1000 }, T0 + 3000);
  assert.deepEqual(turns(h), [
    {
      v: 1, type: 'turn_metrics', speechId: 'speech_m1',
      eouDelayMs: 400, transcriptionDelayMs: 100, sttDurationMs: null, llmTtftMs: 712, ttsTtfbMs: 250,
      e2eLatencyMs: 1500, atMs: T0 + 400,
    },
  ]);
  h.detach(); // flushes speech_m2 with what it has
  assert.deepEqual(turns(h).map((r) => r.speechId), ['speech_m1', 'speech_m2']);
});

test('seam: with real speech handles, an interrupted reply is not credited with the next speech start, and done publishes', () => {
  const h = harness();
  const handle = (id: string) => {
    let done = false;
    const callbacks: ((sh: unknown) => void)[] = [];
    const sh = {
      id,
      done: () => done,
      addDoneCallback: (cb: (sh: unknown) => void) => callbacks.push(cb),
      /** done() turns true; the callbacks run later (the framework tears the reply down first). */
      interrupt: (): void => {
        done = true;
      },
      markDone: (): void => {
        done = true;
        for (const cb of callbacks) cb(sh);
      },
    };
    return sh;
  };
  const first = handle('speech_i1');
  const second = handle('speech_i2');
  const emitSpeech = (sh: ReturnType<typeof handle>, createdAt: number) =>
    h.session.emit('speech_created', { type: 'speech_created', userInitiated: false, source: 'generate_reply', speechHandle: sh, createdAt });
  emitSpeech(first, T0 + 400);
  h.session.metrics(eouMetrics('speech_i1', T0, 400, 80), T0 + 401);
  // The caller talks over it before it speaks: its handle is done, its done callbacks have not run yet.
  first.interrupt();
  emitSpeech(second, T0 + 2400);
  h.session.metrics(eouMetrics('speech_i2', T0 + 2000, 400, 90), T0 + 2401);
  h.session.state('thinking', 'speaking', T0 + 3000);
  h.session.metrics(llmMetrics('speech_i2', T0 + 3100, 500), T0 + 3100);
  h.session.metrics(ttsMetrics('speech_i2', T0 + 3200, 140), T0 + 3200);
  const i2 = turns(h).find((r) => r.speechId === 'speech_i2');
  assert.equal(i2?.e2eLatencyMs, 1000, 'speech start credited to the reply that spoke');
  assert.equal(turns(h).length, 1, 'the interrupted reply is still open');

  const third = handle('speech_i3');
  h.session.emit('speech_created', { type: 'speech_created', userInitiated: true, source: 'say', speechHandle: third, createdAt: T0 + 5000 });
  third.markDone(); // played out without TTS metrics (say() with pre-synthesised audio)
  assert.deepEqual(turns(h).map((r) => r.speechId), ['speech_i2', 'speech_i3']);
  h.detach();
  assert.deepEqual(turns(h).map((r) => [r.speechId, r.e2eLatencyMs]), [['speech_i2', 1000], ['speech_i3', null], ['speech_i1', null]]);
});

test('seam: an end of speech the agent did not detect (lastSpeakingTimeMs 0) gives null delays, not zeros', () => {
  const h = harness();
  h.session.metrics({ ...eouMetrics('speech_z', 0, 0, 0), timestamp: T0 + 50 }, T0 + 50);
  h.session.metrics(llmMetrics('speech_z', T0 + 500, 420), T0 + 500);
  h.session.metrics(ttsMetrics('speech_z', T0 + 800, -1), T0 + 800);
  assert.deepEqual(turns(h), [
    {
      v: 1, type: 'turn_metrics', speechId: 'speech_z',
      eouDelayMs: null, transcriptionDelayMs: null, sttDurationMs: null, llmTtftMs: 420, ttsTtfbMs: null,
      e2eLatencyMs: null, atMs: T0 + 50,
    },
  ]);
  h.detach();
});

test('seam: a throwing or rejecting publishData never reaches the agent and is logged once', async () => {
  const session = new SessionStandIn();
  const clock = new FakeClock();
  const warnings: string[] = [];
  let calls = 0;
  const room = {
    localParticipant: {
      publishData: (): Promise<void> => {
        calls++;
        if (calls % 2 === 1) throw new Error('engine closed');
        return Promise.reject(new Error('data channel gone'));
      },
    },
    remoteParticipants: new Map(),
  };
  const detach = publishVoiceloadMetrics(session, room, { clock, nowEpochMs: () => T0, logger: { warn: (m) => warnings.push(m) } });
  assert.doesNotThrow(() => {
    session.state('initializing', 'listening', T0 + 1);
    session.state('listening', 'thinking', T0 + 2);
    session.speech('speech_x', 'say', T0 + 3);
    session.state('thinking', 'speaking', T0 + 4);
    session.metrics(ttsMetrics('speech_x', T0 + 5, 80), T0 + 5);
    session.metrics({ type: 'eou_metrics' }, T0 + 6); // malformed: no speech id
    session.emit('metrics_collected', { type: 'metrics_collected', createdAt: T0 + 7 }); // no metrics at all
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(calls, 4);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /voiceload: .*failed; further failures are not reported/);
  detach();
});

test('seam: a room not yet connected (no local participant) is reported once; a logger that throws is contained', () => {
  const session = new SessionStandIn();
  let warned = 0;
  const room = { remoteParticipants: new Map() };
  const detach = publishVoiceloadMetrics(session, room, {
    clock: new FakeClock(),
    logger: {
      warn: () => {
        warned++;
        throw new Error('logger down');
      },
    },
  });
  assert.doesNotThrow(() => {
    session.state('initializing', 'listening', T0 + 1);
    session.state('listening', 'speaking', T0 + 2);
  });
  assert.equal(warned, 1);
  detach();
});

test('seam: detach removes every listener, publishes what is pending, and is idempotent; close flushes too', () => {
  const h = harness();
  h.session.speech('speech_d', 'generate_reply', T0 + 10);
  h.session.metrics(llmMetrics('speech_d', T0 + 20, 250), T0 + 20);
  h.detach();
  h.detach();
  for (const name of ['metrics_collected', 'agent_state_changed', 'speech_created', 'conversation_item_added', 'close']) {
    assert.equal(h.session.listenerCount(name), 0, name);
  }
  assert.deepEqual(turns(h).map((r) => [r.speechId, r.llmTtftMs, r.atMs]), [['speech_d', 250, T0 + 10]]);
  assert.equal(h.clock.pendingTimers, 0);

  const g = harness();
  g.session.speech('speech_e', 'say', T0 + 10);
  g.session.close(T0 + 20);
  assert.deepEqual(turns(g).map((r) => r.speechId), ['speech_e']);
  g.detach();
});

test('seam: the test-id attribute is the one the room observer reads', () => {
  assert.equal(LKTEST_ID_ATTRIBUTE, TEST_ID_ATTRIBUTE);
});

test('the agent module imports neither @livekit/agents nor @livekit/rtc-node', () => {
  const dir = new URL('../../src/livekitAgent/', import.meta.url);
  for (const f of readdirSync(dir)) {
    const src = readFileSync(new URL(f, dir), 'utf8');
    assert.doesNotMatch(src, /from ['"]@livekit\/|import\(['"]@livekit\//, f);
    for (const m of src.matchAll(/from '(\.\.\/[^']+)'/g)) {
      assert.match(m[1]!, /^\.\.\/(core\/clock|livekit\/turnMetricsRecord)\.js$/, `${f} imports ${m[1]}`);
    }
  }
});

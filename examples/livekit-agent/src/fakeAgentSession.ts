import { stt, voice } from '@livekit/agents';
import type { FakeLatencies } from './fakeLatencies.js';
import { ToneTTS } from './toneTts.js';

/** What the fake STT hears in every speech segment, and what the fake LLM answers. */
export const FAKE_TRANSCRIPT = 'I would like to check my order status.';
export const FAKE_REPLY = 'Sure. Your order shipped yesterday and arrives on Friday.';

/** The framework's FakeLLM answers by exact input; this one answers anything with the same reply. */
class AnyInputFakeLLM extends voice.testing.FakeLLM {
  private readonly reply: voice.testing.FakeLLMResponse;

  constructor(reply: voice.testing.FakeLLMResponse) {
    super([reply]);
    this.reply = reply;
  }

  override lookup(input: string): voice.testing.FakeLLMResponse | undefined {
    return super.lookup(input) ?? this.reply;
  }
}

export interface FakeSessionOptions {
  latencies: FakeLatencies;
  /** Override the session's VAD (default: the framework's bundled Silero VAD). */
  vad?: voice.AgentSessionOptions['vad'];
}

/**
 * An AgentSession with a fake pipeline of known latencies: the framework's FakeSTT (non-streaming,
 * answering each VAD segment after `sttMs`), its FakeLLM (first token after `llmTtftMs`) and a tone
 * TTS (first audio after `ttsTtfbMs`). Turn detection is the VAD's end of speech plus the
 * framework's endpointing delay: no turn-detector model, so nothing is downloaded.
 */
export function createFakeAgentSession(options: FakeSessionOptions): voice.AgentSession {
  const { latencies } = options;
  return new voice.AgentSession({
    ...(options.vad === undefined ? {} : { vad: options.vad }),
    stt: new stt.testing.FakeSTT({
      label: 'voiceload.FakeSTT',
      fakeTranscript: FAKE_TRANSCRIPT,
      fakeTimeoutMs: latencies.sttMs,
      capabilities: { streaming: false, interimResults: false },
    }),
    llm: new AnyInputFakeLLM({ input: FAKE_TRANSCRIPT, content: FAKE_REPLY, ttft: latencies.llmTtftMs }),
    tts: new ToneTTS({ ttfbMs: latencies.ttsTtfbMs }),
    turnHandling: { turnDetection: null },
  });
}

export function createFakeAgent(): voice.Agent {
  return new voice.Agent({ instructions: 'You are a fake agent for load tests. Your replies are scripted.' });
}

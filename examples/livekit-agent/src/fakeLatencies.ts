/** The fake pipeline's latencies, in ms, from the environment. */
export interface FakeLatencies {
  /** STT request duration: end of a speech segment (VAD) → its transcript. */
  sttMs: number;
  /** LLM time to first token. */
  llmTtftMs: number;
  /** TTS time to first audio byte (per sentence). */
  ttsTtfbMs: number;
}

export const DEFAULT_FAKE_LATENCIES: FakeLatencies = { sttMs: 200, llmTtftMs: 500, ttsTtfbMs: 150 };

function ms(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number of ms ≥ 0 (got ${JSON.stringify(raw)})`);
  return v;
}

/** FAKE_STT_MS, FAKE_LLM_TTFT_MS, FAKE_TTS_TTFB_MS (each optional). */
export function fakeLatenciesFromEnv(env: NodeJS.ProcessEnv = process.env): FakeLatencies {
  return {
    sttMs: ms(env, 'FAKE_STT_MS', DEFAULT_FAKE_LATENCIES.sttMs),
    llmTtftMs: ms(env, 'FAKE_LLM_TTFT_MS', DEFAULT_FAKE_LATENCIES.llmTtftMs),
    ttsTtfbMs: ms(env, 'FAKE_TTS_TTFB_MS', DEFAULT_FAKE_LATENCIES.ttsTtfbMs),
  };
}

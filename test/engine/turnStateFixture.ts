import type { TurnState } from '../../src/engine/buildCallResult.js';

/** An empty 8 kHz utterance: the turns of these tests are about times, not audio. */
export const silentUtterance = { pcm8k: new Int16Array(0), durationMs: 0, speechStartSample: 0, speechEndSample: 0, speechStartMs: 0, speechEndMs: 0, sourceSampleRate: 8000 };

/** A `say` turn awaiting a reply, nothing happened yet; `t` sets what did. */
export function turnState(index: number, t: Partial<TurnState> = {}): TurnState {
  return {
    step: { kind: 'say', utterance: { label: 'a.wav', audio: silentUtterance, encoded: {} }, replyTimeoutMs: 10_000, expectReply: true },
    stepIndex: index + 1,
    index,
    speechStartSentAtMs: null,
    speechEndSentAtMs: null,
    onsetAtMs: null,
    offsetAtMs: null,
    played: false,
    interruptedReplyEndAtMs: null,
    ...t,
  };
}

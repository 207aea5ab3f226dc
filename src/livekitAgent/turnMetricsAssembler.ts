import type { Clock, TimerHandle } from '../core/clock.js';
import { TURN_RECORD_VERSION, type TurnMetricsRecord } from '../livekit/turnMetricsRecord.js';
import type { AgentMetricsLike, ChatMessageMetricsLike, EouMetricsLike, LlmMetricsLike, TtsMetricsLike } from './agentSessionTypes.js';

/** How long a reply's metrics are gathered before its record goes out with what is there. */
export const DEFAULT_TURN_TIMEOUT_MS = 10_000;

/** Speech ids already published are remembered (to ignore their late metrics) up to this many. */
const PUBLISHED_MEMORY = 256;

export type TurnRecordWithoutTestId = Omit<TurnMetricsRecord, 'testId'>;

export interface TurnMetricsAssemblerOptions {
  clock: Clock;
  /** The agent's wall clock, epoch ms (records carry wall-clock times). */
  nowEpochMs: () => number;
  timeoutMs?: number;
  onRecord: (record: TurnRecordWithoutTestId) => void;
}

/** One agent reply (LiveKit Agents speech handle) while its metrics arrive. */
interface SpeechGroup {
  speechId: string;
  firstSeenEpochMs: number;
  createdEpochMs: number | null;
  /** A generated reply goes through the LLM; a `say` does not. */
  llmExpected: boolean;
  eou: { eouDelayMs: number | null; transcriptionDelayMs: number | null; userStoppedEpochMs: number | null; decidedEpochMs: number } | null;
  sttDurationMs: number | null;
  llmSeen: boolean;
  llmTtftMs: number | null;
  ttsSeen: boolean;
  ttsTtfbMs: number | null;
  speakingEpochMs: number | null;
  messageE2eMs: number | null;
  /** The speech handle's `done()`, when known: a finished or interrupted reply will not speak. */
  isDone: (() => boolean) | null;
  timer: TimerHandle;
}

function durationOrNull(ms: number): number | null {
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms) : null;
}

function secondsToMs(s: number | undefined): number | null {
  return s === undefined ? null : durationOrNull(s * 1000);
}

/**
 * Groups the per-stage metrics LiveKit Agents emits separately (EOU, STT, LLM, TTS, each its own
 * `metrics_collected` event) into one {@link TurnMetricsRecord} per speech id.
 *
 * A reply's record goes out once its TTS metrics have arrived and the other stages it is known to
 * pass through have reported: the LLM for a generated reply (its metrics come when the LLM stream
 * ends, which can be after the first sentence's TTS metrics) and the agent's speech start for a
 * reply to a user turn (the e2e latency needs it). Otherwise it goes out after the timeout with
 * what is there, or when the reply is over (its speech handle is done, or its assistant message
 * was added).
 *
 * STT metrics carry no speech id: the last ones before a turn's EOU metrics belong to that turn.
 */
export class TurnMetricsAssembler {
  private readonly clock: Clock;
  private readonly nowEpochMs: () => number;
  private readonly timeoutMs: number;
  private readonly onRecord: (record: TurnRecordWithoutTestId) => void;
  /** Open groups in creation order. */
  private readonly open = new Map<string, SpeechGroup>();
  private readonly published = new Set<string>();
  private pendingSttDurationMs: number | null = null;
  private closed = false;

  constructor(options: TurnMetricsAssemblerOptions) {
    this.clock = options.clock;
    this.nowEpochMs = options.nowEpochMs;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TURN_TIMEOUT_MS;
    this.onRecord = options.onRecord;
  }

  /** `speech_created`: the reply exists; `source` is 'say', 'generate_reply' or 'tool_response'. */
  speechCreated(speechId: string, createdEpochMs: number, source: string | undefined, isDone?: () => boolean): void {
    const g = this.group(speechId);
    if (g === undefined) return;
    g.createdEpochMs ??= createdEpochMs;
    if (isDone !== undefined) g.isDone = isDone;
    if (source !== undefined && source !== 'say') g.llmExpected = true;
  }

  /** The speech handle is done (played out or interrupted): nothing more will come for it. */
  speechDone(speechId: string): void {
    const g = this.open.get(speechId);
    if (g !== undefined) this.publish(g);
  }

  metrics(m: AgentMetricsLike): void {
    switch (m.type) {
      case 'eou_metrics':
        this.eou(m as EouMetricsLike);
        return;
      case 'stt_metrics':
        this.pendingSttDurationMs = durationOrNull((m as { durationMs: number }).durationMs);
        return;
      case 'llm_metrics': {
        const llm = m as LlmMetricsLike;
        const g = llm.speechId === undefined ? undefined : this.group(llm.speechId);
        if (g === undefined || g.llmSeen) return;
        g.llmSeen = true;
        g.llmExpected = true;
        g.llmTtftMs = durationOrNull(llm.ttftMs);
        this.publishIfComplete(g);
        return;
      }
      case 'tts_metrics': {
        const tts = m as TtsMetricsLike;
        const g = tts.speechId === undefined ? undefined : this.group(tts.speechId);
        if (g === undefined || g.ttsSeen) return;
        g.ttsSeen = true;
        g.ttsTtfbMs = durationOrNull(tts.ttfbMs);
        this.publishIfComplete(g);
        return;
      }
      default:
        return;
    }
  }

  /**
   * `agent_state_changed`: 'speaking' starts the oldest reply that has not spoken and is not done
   * (replies play in the order they were created; later ones wait in the queue).
   */
  agentState(state: string, atEpochMs: number): void {
    if (state !== 'speaking') return;
    let target: SpeechGroup | undefined;
    for (const g of this.open.values()) {
      if (g.speakingEpochMs !== null || (g.createdEpochMs ?? g.firstSeenEpochMs) > atEpochMs) continue;
      if (g.isDone?.() === true) continue;
      target = g;
      break;
    }
    if (target === undefined) return;
    target.speakingEpochMs = atEpochMs;
    this.publishIfComplete(target);
  }

  /**
   * An assistant message was added: the reply that has spoken and is still open is over. Its report
   * (seconds) fills stages the metrics events did not give, and the record goes out. Replies that
   * have not spoken yet (queued behind it) are left alone.
   */
  assistantMessage(report: ChatMessageMetricsLike | undefined): void {
    let target: SpeechGroup | undefined;
    for (const g of this.open.values()) {
      if (g.speakingEpochMs !== null) {
        target = g;
        break;
      }
    }
    if (target === undefined) return;
    if (report !== undefined) {
      target.llmTtftMs ??= secondsToMs(report.llmNodeTtft);
      target.ttsTtfbMs ??= secondsToMs(report.ttsNodeTtfb);
      target.messageE2eMs = secondsToMs(report.e2eLatency);
    }
    this.publish(target);
  }

  /** Publishes every open reply with what it has (session closing, module detaching). */
  flush(): void {
    for (const g of [...this.open.values()]) this.publish(g);
  }

  /** Stops: cancels timers, publishes nothing more. */
  close(): void {
    this.closed = true;
    for (const g of this.open.values()) g.timer.cancel();
    this.open.clear();
  }

  private eou(m: EouMetricsLike): void {
    if (m.speechId === undefined) return;
    const g = this.group(m.speechId);
    const sttDurationMs = this.pendingSttDurationMs;
    this.pendingSttDurationMs = null;
    if (g === undefined || g.eou !== null) return;
    // lastSpeakingTimeMs is 0 when the end of speech was not detected; the delays are then 0 too,
    // which is not a measurement.
    const stopped = Number.isFinite(m.lastSpeakingTimeMs) && m.lastSpeakingTimeMs > 0 ? m.lastSpeakingTimeMs : null;
    const eouDelayMs = stopped === null ? null : durationOrNull(m.endOfUtteranceDelayMs);
    g.eou = {
      eouDelayMs,
      transcriptionDelayMs: stopped === null ? null : durationOrNull(m.transcriptionDelayMs),
      userStoppedEpochMs: stopped,
      // The decision time, so that atMs − eouDelayMs is the user's speech end exactly.
      decidedEpochMs: stopped !== null && eouDelayMs !== null ? stopped + eouDelayMs : m.timestamp,
    };
    g.sttDurationMs = sttDurationMs;
    g.llmExpected = true;
    this.publishIfComplete(g);
  }

  private group(speechId: string): SpeechGroup | undefined {
    if (this.closed || speechId.length === 0 || this.published.has(speechId)) return undefined;
    let g = this.open.get(speechId);
    if (g === undefined) {
      const created: SpeechGroup = {
        speechId,
        firstSeenEpochMs: this.nowEpochMs(),
        createdEpochMs: null,
        llmExpected: false,
        eou: null,
        sttDurationMs: null,
        llmSeen: false,
        llmTtftMs: null,
        ttsSeen: false,
        ttsTtfbMs: null,
        speakingEpochMs: null,
        messageE2eMs: null,
        isDone: null,
        timer: { cancel: () => {} },
      };
      created.timer = this.clock.setTimer(this.timeoutMs, () => this.publish(created));
      this.open.set(speechId, created);
      g = created;
    }
    return g;
  }

  private publishIfComplete(g: SpeechGroup): void {
    if (!g.ttsSeen) return;
    if (g.llmExpected && !g.llmSeen) return;
    if (g.eou?.userStoppedEpochMs != null && g.speakingEpochMs === null) return;
    this.publish(g);
  }

  private publish(g: SpeechGroup): void {
    if (!this.open.delete(g.speechId)) return;
    g.timer.cancel();
    this.published.add(g.speechId);
    if (this.published.size > PUBLISHED_MEMORY) {
      const oldest = this.published.values().next();
      if (oldest.done !== true) this.published.delete(oldest.value);
    }
    const stopped = g.eou?.userStoppedEpochMs ?? null;
    const e2eLatencyMs =
      stopped !== null && g.speakingEpochMs !== null ? durationOrNull(g.speakingEpochMs - stopped) : g.messageE2eMs;
    this.onRecord({
      v: TURN_RECORD_VERSION,
      type: 'turn_metrics',
      speechId: g.speechId,
      eouDelayMs: g.eou?.eouDelayMs ?? null,
      transcriptionDelayMs: g.eou?.transcriptionDelayMs ?? null,
      sttDurationMs: g.sttDurationMs,
      llmTtftMs: g.llmTtftMs,
      ttsTtfbMs: g.ttsTtfbMs,
      e2eLatencyMs,
      atMs: Math.round(g.eou?.decidedEpochMs ?? g.createdEpochMs ?? g.firstSeenEpochMs),
    });
  }
}

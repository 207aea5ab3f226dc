/**
 * The parts of a LiveKit Agents `AgentSession` and of an `@livekit/rtc-node` `Room` that the
 * voiceload agent module uses, as structural types: the module never imports either package, so
 * voiceload itself does not depend on the agents framework, and a real session and room fit these
 * shapes as they are.
 *
 * Shapes follow @livekit/agents 1.9.0 (dist/voice/events.d.ts, dist/metrics/base.d.ts,
 * dist/llm/chat_context.d.ts) and @livekit/rtc-node 0.13 (dist/participant.d.ts, dist/room.d.ts).
 * Units as the framework gives them: metrics durations in ms, event `createdAt` and metrics
 * `timestamp` in epoch ms, but a chat message's `metrics` report in seconds.
 */

/** `eou_metrics`: emitted once per user turn, right after the agent decided the turn ended. */
export interface EouMetricsLike {
  type: 'eou_metrics';
  timestamp: number;
  endOfUtteranceDelayMs: number;
  transcriptionDelayMs: number;
  /** Epoch ms when the user stopped speaking; 0 when the end of speech was not detected. */
  lastSpeakingTimeMs: number;
  speechId?: string | undefined;
}

/** `stt_metrics`: carries no speech id; `durationMs` is 0 for streaming STT. */
export interface SttMetricsLike {
  type: 'stt_metrics';
  timestamp: number;
  durationMs: number;
  streamed: boolean;
}

export interface LlmMetricsLike {
  type: 'llm_metrics';
  timestamp: number;
  ttftMs: number;
  speechId?: string | undefined;
}

/** `ttfbMs` is −1 when no audio came out. */
export interface TtsMetricsLike {
  type: 'tts_metrics';
  timestamp: number;
  ttfbMs: number;
  speechId?: string | undefined;
}

/** Other metrics kinds (VAD, realtime model, …) pass through unread. */
export interface OtherMetricsLike {
  type: string;
}

export type AgentMetricsLike = EouMetricsLike | SttMetricsLike | LlmMetricsLike | TtsMetricsLike | OtherMetricsLike;

export interface MetricsCollectedEventLike {
  metrics: AgentMetricsLike;
  createdAt: number;
}

export interface AgentStateChangedEventLike {
  newState: string;
  createdAt: number;
}

/** LiveKit Agents `SpeechHandle`, the parts used; plain `{ id }` objects fit too. */
export interface SpeechHandleLike {
  readonly id: string;
  done?(): boolean;
  addDoneCallback?(callback: (handle: never) => void): void;
}

export interface SpeechCreatedEventLike {
  speechHandle: SpeechHandleLike;
  /** 'say', 'generate_reply' or 'tool_response'. */
  source?: string;
  createdAt: number;
}

/** A chat message's per-turn report: seconds, not ms. */
export interface ChatMessageMetricsLike {
  llmNodeTtft?: number | undefined;
  ttsNodeTtfb?: number | undefined;
  e2eLatency?: number | undefined;
}

export interface ConversationItemAddedEventLike {
  item: { type: string; role?: string; metrics?: ChatMessageMetricsLike | undefined };
  createdAt: number;
}

export interface CloseEventLike {
  createdAt: number;
}

/** The session's event emitter, for the events this module reads. */
export interface AgentSessionLike {
  on(event: 'metrics_collected', listener: (ev: MetricsCollectedEventLike) => void): unknown;
  on(event: 'agent_state_changed', listener: (ev: AgentStateChangedEventLike) => void): unknown;
  on(event: 'speech_created', listener: (ev: SpeechCreatedEventLike) => void): unknown;
  on(event: 'conversation_item_added', listener: (ev: ConversationItemAddedEventLike) => void): unknown;
  on(event: 'close', listener: (ev: CloseEventLike) => void): unknown;
  off(event: 'metrics_collected', listener: (ev: MetricsCollectedEventLike) => void): unknown;
  off(event: 'agent_state_changed', listener: (ev: AgentStateChangedEventLike) => void): unknown;
  off(event: 'speech_created', listener: (ev: SpeechCreatedEventLike) => void): unknown;
  off(event: 'conversation_item_added', listener: (ev: ConversationItemAddedEventLike) => void): unknown;
  off(event: 'close', listener: (ev: CloseEventLike) => void): unknown;
}

/** rtc-node `DataPublishOptions`, the fields used here. */
export interface DataPublishOptionsLike {
  reliable?: boolean;
  topic?: string;
}

export interface LocalParticipantLike {
  publishData(data: Uint8Array, options: DataPublishOptionsLike): Promise<void>;
}

export interface RemoteParticipantLike {
  readonly attributes: Readonly<Record<string, string>>;
}

/** The agent's room: where it publishes, and whose participants may carry the call's test id. */
export interface RoomLike {
  readonly localParticipant?: LocalParticipantLike | undefined;
  readonly remoteParticipants: ReadonlyMap<string, RemoteParticipantLike>;
}

/** Where the module reports its one publish failure (voiceload's `Logger` fits, and so does `console`). */
export interface WarnLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

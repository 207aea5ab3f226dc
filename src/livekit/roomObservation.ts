import type { AgentState, AgentStateRecord, TurnMetricsRecord } from './turnMetricsRecord.js';

/**
 * What the observer saw in one call's room. Every `...EpochMs` is on voiceload's own wall clock
 * (`performance.timeOrigin + clock.nowMs()`, the clock of RunClockBase), taken when the event reached
 * the observer; the records' own `atMs` stay on the agent's clock.
 */
export interface RoomObservation {
  testId: string;
  roomName: string;
  /** When the observer's connection to the room was up. */
  observerJoinedAtEpochMs: number;
  /** When the observer left (call ended), or null while it is still in the room. */
  observerLeftAtEpochMs: number | null;
  agentIdentity: string | null;
  /**
   * When the agent participant joined the room; when it was there before the observer, LiveKit's own
   * join time if the SDK gave one, else null (see agentPresentOnJoin).
   */
  agentJoinedAtEpochMs: number | null;
  agentPresentOnJoin: boolean;
  /** The agent's `lk.agent.state` attribute, each change when the observer saw it (the first is its state on join). */
  stateChanges: AgentStateChange[];
  /** `turn_metrics` records from the data topic, in arrival order, duplicates included. */
  turnMetrics: Published<TurnMetricsRecord>[];
  /** `agent_state` records from the data topic, in arrival order. */
  agentStateRecords: Published<AgentStateRecord>[];
  /** Onsets of agent speech on the agent's audio track at the room side (first frame of each speech run). */
  roomOnsetsEpochMs: number[];
  /** Packets on the topic that were not records (counted and skipped). */
  malformedPackets: number;
}

export interface AgentStateChange {
  state: AgentState;
  atEpochMs: number;
}

export interface Published<R> {
  record: R;
  receivedAtEpochMs: number;
}

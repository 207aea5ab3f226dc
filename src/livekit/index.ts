// Public surface of the LiveKit integration.

// Correlation and observation: per-turn stage records, matching, the observer pool.
export {
  AGENT_STATES,
  MAX_RECORD_BYTES,
  TURN_RECORD_VERSION,
  VOICELOAD_METRICS_TOPIC,
  parseVoiceloadRecord,
  serializeVoiceloadRecord,
  voiceloadRecordJson,
  type AgentState,
  type AgentStateRecord,
  type RecordParseResult,
  type RecordProblem,
  type TurnMetricsRecord,
  type VoiceloadRecord,
} from './turnMetricsRecord.js';
export { callerTurnsFromRecord, type CallerTurn } from './callerTurns.js';
export type { AgentStateChange, Published, RoomObservation } from './roomObservation.js';
export {
  AGENT_STATE_ATTRIBUTE,
  RoomObservationRecorder,
  TEST_ID_ATTRIBUTE,
  type ObservedParticipant,
  type RoomObservationRecorderOptions,
} from './roomObservationRecorder.js';
export { estimateAgentClockOffset, type AgentClockOffset, type AgentClockOffsetInput } from './agentClockOffset.js';
export {
  MATCH_DEFAULT_TOLERANCE_MS,
  matchTurnStages,
  type MatchTurnStagesOptions,
  type StageMatch,
  type StageMatchCounts,
  type TurnStages,
} from './matchTurnStages.js';
export { RoomDirectory, type RoomDirectoryOptions, type RoomListing, type RoomLocator } from './roomDirectory.js';
export {
  ObserverPool,
  type CallObservation,
  type ConnectObserver,
  type ObservationStatus,
  type ObserverConnection,
  type ObserverPoolOptions,
  type ObserverPoolStats,
  type ObserverWarningKey,
} from './observerPool.js';
export { readLivekitCredentials, livekitOrigin, type LivekitCredentials } from './livekitCredentials.js';
export { createObserverToken, observerGrant, type ObserverTokenOptions } from './observerToken.js';
export { createServerRoomListing, type ServerRoomListingOptions } from './serverRoomListing.js';
export { createRtcObserverConnector, loadRtcNode, type RtcNodeModule, type RtcObserverConnectorOptions } from './rtcRoomConnector.js';

// Public surface of `voiceload/livekit-agent`: what a LiveKit Agents worker adds to publish the
// per-turn metrics voiceload's room observer reads. Imports neither @livekit/agents nor
// @livekit/rtc-node, so voiceload does not depend on the agents framework.

export {
  LKTEST_ID_ATTRIBUTE,
  publishVoiceloadMetrics,
  type DetachVoiceloadMetrics,
  type PublishVoiceloadMetricsOptions,
} from './publishVoiceloadMetrics.js';
export { DEFAULT_TURN_TIMEOUT_MS, TurnMetricsAssembler, type TurnMetricsAssemblerOptions, type TurnRecordWithoutTestId } from './turnMetricsAssembler.js';
export type {
  AgentMetricsLike,
  AgentSessionLike,
  AgentStateChangedEventLike,
  ChatMessageMetricsLike,
  ConversationItemAddedEventLike,
  DataPublishOptionsLike,
  EouMetricsLike,
  LlmMetricsLike,
  LocalParticipantLike,
  MetricsCollectedEventLike,
  RemoteParticipantLike,
  RoomLike,
  SpeechCreatedEventLike,
  SpeechHandleLike,
  SttMetricsLike,
  TtsMetricsLike,
  WarnLogger,
} from './agentSessionTypes.js';
export {
  parseVoiceloadRecord,
  serializeVoiceloadRecord,
  VOICELOAD_METRICS_TOPIC,
  type AgentStateRecord,
  type TurnMetricsRecord,
  type VoiceloadRecord,
} from '../livekit/turnMetricsRecord.js';

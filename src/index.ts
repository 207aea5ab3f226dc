// voiceload's public API: one measured call, and the layers it is built from.
export { SystemClock, type Clock, type TimerHandle } from './core/clock.js';
export { FakeClock } from './core/fakeClock.js';
export { VoiceloadError, isVoiceloadError, type ErrorCode } from './core/errors.js';
export { createStderrLogger, silentLogger, type Logger, type LogLevel } from './core/log.js';
export { runCall, type RunCallOptions } from './engine/runCall.js';
export { DEFAULT_CALL_CONFIG, type CallConfig, type CodecName } from './engine/callConfig.js';
export type { CallResult, CallTimeline, FailureReason, RtpSummary, TurnResult } from './engine/callResult.js';
export type { CallEvent, CallEventListener } from './engine/callEvents.js';
export { formatCallSummary } from './report/callSummary.js';
export * as sip from './sip/index.js';
export * as sdp from './sdp/index.js';
export * as media from './media/index.js';
export * as audio from './audio/index.js';
export { startAgent, AGENT_PASSWORD_ENV, type AgentOptions, type AgentStats, type RunningAgent } from './agent/simulatedAgent.js';
export { MemoryTruthSink, createTruthFile, type TruthRecord, type TruthSink } from './agent/truthLog.js';
export { loadProfile, parseProfile, BUILTIN_PROFILES, type AgentProfile } from './agent/profile/profile.js';
export { SIP_PASSWORD_ENV } from './core/secretEnv.js';
export { loadScenario, parseScenario, lintScenario, validateScenario, type Scenario, type ScenarioStep } from './scenario/index.js';

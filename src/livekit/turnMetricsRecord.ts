/**
 * The records a LiveKit agent publishes for voiceload's room observer, as reliable data packets on
 * {@link VOICELOAD_METRICS_TOPIC}: one `turn_metrics` record per agent reply (the stage breakdown the
 * agent measured itself) and an `agent_state` record per state change. The payload is UTF-8 JSON.
 *
 * Wire format, version 1:
 *
 *   { "v": 1, "type": "turn_metrics", "speechId": "speech_ab12", "testId": "run1-42",
 *     "eouDelayMs": 412, "transcriptionDelayMs": 380, "sttDurationMs": 0, "llmTtftMs": 640,
 *     "ttsTtfbMs": 210, "e2eLatencyMs": 1262, "atMs": 1767225600123 }
 *
 *   { "v": 1, "type": "agent_state", "state": "thinking", "atMs": 1767225600125 }
 *
 * - Durations are ms ≥ 0, or null when the agent did not measure that stage (a reply said without a
 *   user turn has no end-of-utterance delay; a reply without an LLM has no TTFT).
 * - `atMs` is the agent's wall clock (epoch ms). For `turn_metrics` it is when the agent ended the
 *   user's turn (its end-of-utterance decision; for replies without a user turn, when the reply was
 *   created): `atMs − eouDelayMs` is then the end of the user's speech as the agent heard it, which is
 *   what voiceload lines up with the caller's speech end. For `agent_state` it is the change itself.
 * - `testId` is the call's `X-Lk-Test-Id` (participant attribute `lktest.id`), when the agent knows it.
 *
 * The observer reads packets from anyone in the room, so the parser treats them as untrusted: it
 * never throws, and says why a packet was skipped so the observer can count it.
 */

/** Data-packet topic the agent publishes on and the observer reads. */
export const VOICELOAD_METRICS_TOPIC = 'voiceload.metrics';

/** Version of the record format this build writes and reads. */
export const TURN_RECORD_VERSION = 1;

/** Values of LiveKit's `lk.agent.state` participant attribute (LiveKit Agents). */
export const AGENT_STATES = ['initializing', 'idle', 'listening', 'thinking', 'speaking'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Packets larger than this are not records (a record is a few hundred bytes). */
export const MAX_RECORD_BYTES = 16 * 1024;
const MAX_ID_LENGTH = 256;

export interface TurnMetricsRecord {
  v: 1;
  type: 'turn_metrics';
  /** The agent's id of the reply (LiveKit Agents `speechId`), unique within a session. */
  speechId: string;
  testId?: string;
  /** End of user speech (VAD) → end-of-turn decision. */
  eouDelayMs: number | null;
  /** End of user speech → final transcript available. */
  transcriptionDelayMs: number | null;
  /** STT request duration (non-streaming STT; 0 or null for streaming). */
  sttDurationMs: number | null;
  /** LLM request → first token. */
  llmTtftMs: number | null;
  /** TTS request → first audio byte. */
  ttsTtfbMs: number | null;
  /** The agent's own end-to-end latency: end of user speech → first reply audio out of the agent. */
  e2eLatencyMs: number | null;
  atMs: number;
}

export interface AgentStateRecord {
  v: 1;
  type: 'agent_state';
  state: AgentState;
  atMs: number;
}

export type VoiceloadRecord = TurnMetricsRecord | AgentStateRecord;

/** Why a packet was skipped. */
export type RecordProblem = 'too_large' | 'not_json' | 'not_object' | 'unsupported_version' | 'unknown_type' | 'invalid_field';

export type RecordParseResult = { ok: true; record: VoiceloadRecord } | { ok: false; problem: RecordProblem; detail: string };

const STAGE_FIELDS = ['eouDelayMs', 'transcriptionDelayMs', 'sttDurationMs', 'llmTtftMs', 'ttsTtfbMs', 'e2eLatencyMs'] as const;

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function fail(problem: RecordProblem, detail: string): RecordParseResult {
  return { ok: false, problem, detail };
}

function isAgentState(v: unknown): v is AgentState {
  return typeof v === 'string' && (AGENT_STATES as readonly string[]).includes(v);
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH;
}

function isEpochMs(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

/** Pure: one data packet (bytes or already decoded text) → a record, or why it is not one. Never throws. */
export function parseVoiceloadRecord(payload: Uint8Array | string): RecordParseResult {
  const size = typeof payload === 'string' ? payload.length : payload.byteLength;
  if (size > MAX_RECORD_BYTES) return fail('too_large', `${size} bytes (at most ${MAX_RECORD_BYTES})`);
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : decoder.decode(payload));
  } catch (e) {
    return fail('not_json', e instanceof Error ? e.message : String(e));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail('not_object', 'payload is not a JSON object');
  const o = value as Record<string, unknown>;
  if (o['v'] !== TURN_RECORD_VERSION) return fail('unsupported_version', `v=${JSON.stringify(o['v'])} (this build reads v=${TURN_RECORD_VERSION})`);
  if (!isEpochMs(o['atMs'])) return fail('invalid_field', 'atMs must be epoch milliseconds');
  const atMs = o['atMs'];

  if (o['type'] === 'agent_state') {
    if (!isAgentState(o['state'])) return fail('invalid_field', `state must be one of ${AGENT_STATES.join(', ')}`);
    return { ok: true, record: { v: 1, type: 'agent_state', state: o['state'], atMs } };
  }
  if (o['type'] !== 'turn_metrics') return fail('unknown_type', `type=${JSON.stringify(o['type'])}`);

  if (!isId(o['speechId'])) return fail('invalid_field', 'speechId must be a non-empty string');
  const testId = o['testId'];
  if (testId !== undefined && testId !== null && !isId(testId)) return fail('invalid_field', 'testId must be a non-empty string');
  const stages: Record<(typeof STAGE_FIELDS)[number], number | null> = {
    eouDelayMs: null,
    transcriptionDelayMs: null,
    sttDurationMs: null,
    llmTtftMs: null,
    ttsTtfbMs: null,
    e2eLatencyMs: null,
  };
  for (const field of STAGE_FIELDS) {
    const v = o[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return fail('invalid_field', `${field} must be a duration in ms ≥ 0 or null`);
    stages[field] = v;
  }
  const record: TurnMetricsRecord = {
    v: 1,
    type: 'turn_metrics',
    speechId: o['speechId'],
    ...(typeof testId === 'string' ? { testId } : {}),
    ...stages,
    atMs,
  };
  return { ok: true, record };
}

/** Pure: a record → the bytes the agent publishes. Fields in a fixed order; unknown stages as null. */
export function serializeVoiceloadRecord(record: VoiceloadRecord): Uint8Array {
  return encoder.encode(voiceloadRecordJson(record));
}

/** The JSON text of {@link serializeVoiceloadRecord}. */
export function voiceloadRecordJson(record: VoiceloadRecord): string {
  if (record.type === 'agent_state') {
    return JSON.stringify({ v: record.v, type: record.type, state: record.state, atMs: record.atMs });
  }
  return JSON.stringify({
    v: record.v,
    type: record.type,
    speechId: record.speechId,
    ...(record.testId === undefined ? {} : { testId: record.testId }),
    eouDelayMs: record.eouDelayMs,
    transcriptionDelayMs: record.transcriptionDelayMs,
    sttDurationMs: record.sttDurationMs,
    llmTtftMs: record.llmTtftMs,
    ttsTtfbMs: record.ttsTtfbMs,
    e2eLatencyMs: record.e2eLatencyMs,
    atMs: record.atMs,
  });
}

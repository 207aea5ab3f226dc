import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_RECORD_BYTES,
  parseVoiceloadRecord,
  serializeVoiceloadRecord,
  type TurnMetricsRecord,
  type VoiceloadRecord,
  voiceloadRecordJson,
} from '../../src/livekit/turnMetricsRecord.js';

const AT = 1767225605220;

const full: TurnMetricsRecord = {
  v: 1,
  type: 'turn_metrics',
  speechId: 'speech_0f1e2d',
  testId: 'run1-42',
  eouDelayMs: 450,
  transcriptionDelayMs: 300.5,
  sttDurationMs: 0,
  llmTtftMs: 620,
  ttsTtfbMs: 180,
  e2eLatencyMs: 1250,
  atMs: AT,
};

test('turn_metrics and agent_state records round-trip through bytes', () => {
  const { testId: _omitted, ...withoutTestId } = full;
  const records: VoiceloadRecord[] = [
    full,
    { ...withoutTestId, eouDelayMs: null, llmTtftMs: null, sttDurationMs: null },
    { v: 1, type: 'agent_state', state: 'thinking', atMs: AT },
  ];
  for (const r of records) {
    const parsed = parseVoiceloadRecord(serializeVoiceloadRecord(r));
    assert.deepEqual(parsed, { ok: true, record: r });
  }
});

test('the serialized bytes are the documented wire format, fields in a fixed order', () => {
  assert.equal(
    voiceloadRecordJson(full),
    '{"v":1,"type":"turn_metrics","speechId":"speech_0f1e2d","testId":"run1-42","eouDelayMs":450,"transcriptionDelayMs":300.5,' +
      '"sttDurationMs":0,"llmTtftMs":620,"ttsTtfbMs":180,"e2eLatencyMs":1250,"atMs":1767225605220}',
  );
  const wire = '{"v":1,"type":"agent_state","state":"speaking","atMs":1767225606390}';
  const parsed = parseVoiceloadRecord(new TextEncoder().encode(wire));
  assert.ok(parsed.ok);
  assert.equal(new TextDecoder().decode(serializeVoiceloadRecord(parsed.record)), wire);
});

test('absent stage fields read as null; extra fields are ignored', () => {
  const parsed = parseVoiceloadRecord('{"v":1,"type":"turn_metrics","speechId":"s1","atMs":1767225605220,"llmTtftMs":700,"model":"x"}');
  assert.deepEqual(parsed, {
    ok: true,
    record: { v: 1, type: 'turn_metrics', speechId: 's1', eouDelayMs: null, transcriptionDelayMs: null, sttDurationMs: null, llmTtftMs: 700, ttsTtfbMs: null, e2eLatencyMs: null, atMs: AT },
  });
});

test('malformed packets are reported with a reason, never thrown', () => {
  const cases: [Uint8Array | string, string][] = [
    ['not json{', 'not_json'],
    [new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'not_json'],
    ['[1,2]', 'not_object'],
    ['null', 'not_object'],
    ['"text"', 'not_object'],
    ['{"v":2,"type":"turn_metrics","speechId":"s","atMs":1767225605220}', 'unsupported_version'],
    ['{"type":"turn_metrics","speechId":"s","atMs":1767225605220}', 'unsupported_version'],
    ['{"v":1,"type":"chat","atMs":1767225605220}', 'unknown_type'],
    ['{"v":1,"type":"turn_metrics","speechId":"","atMs":1767225605220}', 'invalid_field'],
    ['{"v":1,"type":"turn_metrics","speechId":"s","atMs":"now"}', 'invalid_field'],
    ['{"v":1,"type":"turn_metrics","speechId":"s","atMs":1767225605220,"llmTtftMs":-5}', 'invalid_field'],
    ['{"v":1,"type":"turn_metrics","speechId":"s","atMs":1767225605220,"ttsTtfbMs":"200"}', 'invalid_field'],
    ['{"v":1,"type":"turn_metrics","speechId":"s","testId":7,"atMs":1767225605220}', 'invalid_field'],
    ['{"v":1,"type":"agent_state","state":"dancing","atMs":1767225605220}', 'invalid_field'],
    ['{"v":1,"type":"agent_state","state":"speaking"}', 'invalid_field'],
    ['x'.repeat(MAX_RECORD_BYTES + 1), 'too_large'],
  ];
  for (const [payload, problem] of cases) {
    const r = parseVoiceloadRecord(payload);
    assert.equal(r.ok, false, String(payload).slice(0, 60));
    if (!r.ok) assert.equal(r.problem, problem, String(payload).slice(0, 60));
  }
});

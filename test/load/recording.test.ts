import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav } from '../../src/audio/readWav.js';
import { isVoiceloadError } from '../../src/core/errors.js';
import { AgentAudioRecorder } from '../../src/load/agentAudioRecorder.js';
import { parseRecordPolicy } from '../../src/load/recordPolicy.js';
import { mergeRecordings, RecordingSink } from '../../src/load/recordingSink.js';
import { SlowestTurns } from '../../src/load/slowestTurns.js';

test('--record takes failed, slowest:N or both', () => {
  assert.deepEqual(parseRecordPolicy('failed'), { failed: true, slowest: 0 });
  assert.deepEqual(parseRecordPolicy('failed, slowest:20'), { failed: true, slowest: 20 });
  for (const bad of ['slow:3', 'slowest:0', 'failed,all']) {
    assert.throws(() => parseRecordPolicy(bad), (e) => isVoiceloadError(e) && e.code === 'CLI_USAGE' && e.hint !== undefined, bad);
  }
});

test('the recorder places frames by arrival: a missing packet is silence where it was missing', () => {
  const rec = new AgentAudioRecorder();
  const frame = (v: number): Int16Array => new Int16Array(160).fill(v);
  rec.push(frame(1), 1000);
  rec.push(frame(2), 1020);
  // 1040 lost; the next arrives at 1060 (one frame of silence first).
  rec.push(frame(3), 1060);
  // Jitter within a frame does not insert anything.
  rec.push(frame(4), 1085);
  const s = rec.samples();
  assert.equal(s.length, 160 * 5);
  assert.deepEqual([s[0], s[160], s[320], s[480], s[640]], [1, 2, 0, 3, 4]);
  assert.equal(rec.durationMs, 100);
  const capped = new AgentAudioRecorder(1);
  for (let i = 0; i < 100; i++) capped.push(frame(5), i * 20);
  assert.equal(capped.samples().length, 8000, 'stops at maxSeconds');
});

test('the slowest list keeps the N largest and says which one it pushed out', () => {
  const s = new SlowestTurns(2);
  assert.deepEqual(s.offer({ callNumber: 1, turn: 0, ttfaMs: 500 }), { kept: true });
  assert.deepEqual(s.offer({ callNumber: 2, turn: 0, ttfaMs: 900 }), { kept: true });
  assert.deepEqual(s.offer({ callNumber: 3, turn: 0, ttfaMs: 400 }), { kept: false });
  assert.deepEqual(s.offer({ callNumber: 4, turn: 1, ttfaMs: 700 }), { kept: true, evicted: { callNumber: 1, turn: 0, ttfaMs: 500 } });
  assert.deepEqual(s.list().map((t) => t.ttfaMs), [900, 700]);
});

test('recordings on disk follow the policy: failed calls and the slowest turns; evicted ones are deleted; shards merge', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-rec-'));
  try {
    const audio = (v: number) => () => new Int16Array(800).fill(v);
    const a = new RecordingSink(dir, { failed: true, slowest: 2 });
    await a.callEnded({ callNumber: 1, outcome: 'completed', ttfaMs: [300, 350] }, audio(1));
    await a.callEnded({ callNumber: 2, outcome: 'failed', reason: 'no_reply', ttfaMs: [null] }, audio(2));
    await a.callEnded({ callNumber: 3, outcome: 'completed', ttfaMs: [900] }, audio(3));
    await a.callEnded({ callNumber: 5, outcome: 'completed', ttfaMs: [800, 100] }, audio(5));
    // Call 1's turns were pushed out by calls 3 and 5: its file is gone.
    assert.deepEqual(a.list().map((e) => [e.callNumber, e.failed, e.slowTurns.map((t) => t.ttfaMs)]), [[2, true, []], [3, false, [900]], [5, false, [800]]]);
    assert.deepEqual(readdirSync(join(dir, 'recordings')).sort(), ['call-000002.wav', 'call-000003.wav', 'call-000005.wav']);
    const wav = readWav(join(dir, 'recordings', 'call-000003.wav'));
    assert.equal(wav.sampleRate, 8000);
    assert.equal(wav.samples[0], 3);

    // Another shard kept its own slowest; together only the run's two slowest stay.
    const b = new RecordingSink(dir, { failed: true, slowest: 2 });
    await b.callEnded({ callNumber: 4, outcome: 'completed', ttfaMs: [1200] }, audio(4));
    await b.callEnded({ callNumber: 6, outcome: 'completed', ttfaMs: [50] }, audio(6));
    const merged = await mergeRecordings(dir, [a.list(), b.list()], 2);
    assert.deepEqual(merged.map((e) => e.callNumber), [2, 3, 4]);
    assert.equal(existsSync(join(dir, 'recordings', 'call-000005.wav')), false);
    assert.equal(existsSync(join(dir, 'recordings', 'call-000006.wav')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

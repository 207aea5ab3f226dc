import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallsNdjsonWriter } from '../../src/results/callsNdjsonWriter.js';
import { formatCallLine, parseCallLine } from '../../src/results/formatCallLine.js';
import { VoiceloadError } from '../../src/core/errors.js';
import { callRecord } from './callRecordFixture.js';

test('formatCallLine → parseCallLine round trip; one line, non-finite numbers as null', () => {
  const r = callRecord({ detail: { turns: [{ ttfaMs: 820, utterance: 'two\nlines' }], timeline: { endedAtMs: 123.5 } }, dataRow: 3 });
  const line = formatCallLine(r);
  assert.ok(!line.includes('\n'));
  assert.deepEqual(parseCallLine(line), r);
  const odd = parseCallLine(formatCallLine(callRecord({ startLagMs: Number.NaN })));
  assert.equal(odd.startLagMs, null);
  assert.throws(() => parseCallLine('{"a":1}'), VoiceloadError);
  assert.throws(() => parseCallLine('nope', 'x.ndjson:3'), /x\.ndjson:3: not a JSON line/);
});

test('each record is on disk as soon as it is written, before close', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-ndjson-'));
  try {
    const path = join(dir, 'calls.ndjson');
    const w = new CallsNdjsonWriter(path);
    const records = [callRecord({ callNumber: 1 }), callRecord({ callNumber: 2, outcome: 'failed', reason: 'no_reply' })];
    w.write(records[0]!);
    assert.deepEqual(readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => parseCallLine(l)), [records[0]]);
    w.write(records[1]!);
    assert.equal(w.count, 2);
    w.close();
    w.close();
    assert.deepEqual(readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => parseCallLine(l)), records);
    assert.throws(() => w.write(records[0]!), /write after close/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a path that cannot be created is a RESULTS_WRITE error naming it', () => {
  const path = join(tmpdir(), 'voiceload-no-such-dir-' + process.pid, 'deeper', 'calls.ndjson');
  assert.throws(() => new CallsNdjsonWriter(path), (e: unknown) => e instanceof VoiceloadError && e.code === 'RESULTS_WRITE' && e.message.includes(path));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoiceloadError } from '../../src/core/errors.js';
import { formatStages, parseStages } from '../../src/load/parseStages.js';

test('parseStages reads k6 duration:target pairs with any duration unit', () => {
  assert.deepEqual(parseStages('30s:10,60s:50,30s:0'), [
    { durationMs: 30_000, target: 10 },
    { durationMs: 60_000, target: 50 },
    { durationMs: 30_000, target: 0 },
  ]);
  assert.deepEqual(parseStages(' 1m:2.5 , 500ms:0 ,2:7'), [
    { durationMs: 60_000, target: 2.5 },
    { durationMs: 500, target: 0 },
    { durationMs: 2000, target: 7 },
  ]);
});

test('parseStages names every bad item with its position, as a CLI usage error with a hint', () => {
  const err = (() => {
    try {
      parseStages('30s:10,6x:50,,30s:-1,45s');
      return undefined;
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof VoiceloadError);
  assert.equal(err.code, 'CLI_USAGE');
  assert.match(err.message, /stage 2 of 5 \("6x:50"\): "6x" is not a duration/);
  assert.match(err.message, /stage 3 of 5 is empty/);
  assert.match(err.message, /stage 4 of 5 \("30s:-1"\): target "-1"/);
  assert.match(err.message, /stage 5 of 5 \("45s"\): expected duration:target/);
  assert.doesNotMatch(err.message, /stage 1 /);
  assert.match(err.hint ?? '', /30s:10/);
});

test('parseStages rejects an empty text and targets that are not plain numbers', () => {
  assert.throws(() => parseStages(''), (e: unknown) => e instanceof VoiceloadError && e.code === 'CLI_USAGE');
  assert.throws(() => parseStages('10s:'), /target ""/);
  assert.throws(() => parseStages('10s:1e3'), /target "1e3"/);
  assert.throws(() => parseStages('10s:abc'), /target "abc"/);
});

test('formatStages round-trips through parseStages', () => {
  for (const text of ['30s:10,60s:50,30s:0', '1m:2.5,500ms:0,2h:7', '0s:5,1500ms:0.25', '90s:3']) {
    const stages = parseStages(text);
    assert.deepEqual(parseStages(formatStages(stages)), stages, text);
  }
  assert.equal(formatStages(parseStages('60s:5,90s:1,1500ms:0')), '1m:5,90s:1,1500ms:0');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter, parseDocument } from 'yaml';
import { closestWord, editDistance } from '../../src/config/closestWord.js';
import { formatProblem, pathString } from '../../src/config/configProblem.js';
import { offsetOfPath } from '../../src/config/yamlPosition.js';
import { tryParseDurationMs } from '../../src/core/duration.js';

test('edit distance and did-you-mean', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(closestWord('wait_greting', ['say', 'wait_greeting', 'wait_hangup']), 'wait_greeting');
  assert.equal(closestWord('zzz', ['say', 'hangup']), undefined);
});

test('offsetOfPath finds keys, list items, and the nearest ancestor of a missing key', () => {
  const text = 'a:\n  b: 1\nlist:\n  - x: 1\n  - y: 2\n';
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  assert.equal(offsetOfPath(doc, ['a', 'b']), text.indexOf('b:'));
  assert.equal(offsetOfPath(doc, ['list', 1]), text.indexOf('y:'));
  assert.equal(offsetOfPath(doc, ['list', 1, 'y']), text.indexOf('y:'));
  assert.equal(offsetOfPath(doc, ['a', 'missing', 'deeper']), text.indexOf('b:'));
  assert.deepEqual(lc.linePos(offsetOfPath(doc, ['list', 0, 'x'])), { line: 4, col: 5 });
});

test('problems format as file:line:col: path: message (hint)', () => {
  assert.equal(formatProblem({ file: 'f.yaml', line: 2, col: 3, path: pathString(['a', 0]), message: 'bad' }), 'f.yaml:2:3: a.0: bad');
  assert.equal(formatProblem({ file: 'f.yaml', path: pathString([]), message: 'bad', hint: 'fix' }), 'f.yaml: (root): bad (hint: fix)');
});

test('core duration parsing returns undefined rather than throwing', () => {
  assert.equal(tryParseDurationMs('800ms'), 800);
  assert.equal(tryParseDurationMs('2m'), 120_000);
  assert.equal(tryParseDurationMs('10 seconds'), undefined);
  assert.equal(tryParseDurationMs('-1s'), undefined);
});

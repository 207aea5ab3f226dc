import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/rng.js';
import { injectionRecord, parseInjectionFile } from '../../src/sipp/injectionFile.js';

const rows = [['Sarah', 'sipphone32'], ['Bob', 'sipphone12'], ['Fred', 'sipphone94']];
const text = (order: string): string => `${order}\n#comment\n${rows.map((r) => r.join(';')).join('\n')}\n\n`;

test('SEQUENTIAL: comments and blank lines skipped, call N takes line N, wrapping around', () => {
  const inf = parseInjectionFile(text('SEQUENTIAL'), 'u.csv');
  assert.equal(inf.order, 'SEQUENTIAL');
  assert.deepEqual(inf.records, rows);
  const rng = createRng(1);
  assert.deepEqual([1, 2, 3, 4].map((n) => injectionRecord(inf, n, rng)[0]), ['Sarah', 'Bob', 'Fred', 'Sarah']);
});

test('RANDOM picks reproducibly with the same seed, only existing lines', () => {
  const inf = parseInjectionFile(text('RANDOM'), 'u.csv');
  const pick = (seed: number): string[] => {
    const rng = createRng(seed);
    return Array.from({ length: 20 }, (_, i) => injectionRecord(inf, i + 1, rng)[0]!);
  };
  assert.deepEqual(pick(7), pick(7));
  assert.ok(pick(7).every((n) => rows.some((r) => r[0] === n)));
});

test('a trailing ";" adds no field; a bad first line or no data is an error naming the line', () => {
  assert.deepEqual(parseInjectionFile('USER\na;b;\n', 'x.csv').records, [['a', 'b']]);
  assert.throws(() => parseInjectionFile('Sarah;x\n', 'x.csv'), /x\.csv:1: the first line must be SEQUENTIAL, RANDOM or USER/);
  assert.throws(() => parseInjectionFile('SEQUENTIAL\n# only comments\n', 'x.csv'), /no data lines/);
});

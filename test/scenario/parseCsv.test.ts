import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../src/scenario/parseCsv.js';

/** RFC 4180 field quoting, the inverse of parseCsv for one row. */
const toCsvRow = (cells: string[]): string => cells.map((c) => (/[",\n\r]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');

test('CSV round-trips through quoting, with CRLF, blank lines and the lines of rows', () => {
  const columns = ['name', 'note'];
  const rows = [
    ['Alice', 'plain'],
    ['Bob', 'has, comma'],
    ['Carol', 'says "hi"'],
    ['Dan', 'two\nlines'],
    ['Eve', ''],
  ];
  const text = [toCsvRow(columns), toCsvRow(rows[0]!), '', ...rows.slice(1).map(toCsvRow)].join('\r\n') + '\r\n';
  const { table, error } = parseCsv(text);
  assert.equal(error, undefined);
  assert.deepEqual(table.columns, columns);
  assert.deepEqual(table.rows.map((r) => r.cells), rows);
  // Lines are where each record starts in the file (the blank line 3 is skipped; Dan spans 5-6).
  const starts = table.rows.map((r) => r.line);
  const fileLines = text.split(/\r?\n/);
  for (const [i, line] of starts.entries()) assert.ok(fileLines[line - 1]!.startsWith(rows[i]![0]!), `row ${i} at line ${line}`);
});

test('an unclosed quote is reported at the line its record starts', () => {
  const r = parseCsv('a,b\n1,2\n3,"never closed\n');
  assert.deepEqual(r.error?.line, 3);
});

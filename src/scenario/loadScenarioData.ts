import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ScenarioData } from './scenario.js';
import type { ScenarioSource } from './scenarioSource.js';
import { parseCsv } from './parseCsv.js';

/**
 * Reads the scenario's CSV data (path relative to the scenario file): a header row naming the
 * columns, then one row per call. Problems in the CSV itself are reported at the CSV's own lines;
 * a missing file at the scenario's `data.file`.
 */
export function loadScenarioData(src: ScenarioSource, baseDir: string, data: { file: string; order: 'sequential' | 'random' }): ScenarioData | undefined {
  const file = resolve(baseDir, data.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    src.problem(['data', 'file'], `cannot read CSV data file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'the path is relative to the scenario file');
    return undefined;
  }
  const { table, error } = parseCsv(text);
  const csvProblem = (line: number, message: string, hint?: string): void => {
    src.problems.push({ file, line, col: 1, path: '(csv)', message, ...(hint === undefined ? {} : { hint }) });
  };
  if (error !== undefined) {
    csvProblem(error.line, error.message);
    return undefined;
  }
  const headerHint = 'the first row names the columns, e.g. caller,order_number';
  if (table.columns.length === 0 || table.columns.every((c) => c === '')) {
    csvProblem(1, 'no header row', headerHint);
    return undefined;
  }
  let ok = true;
  const seen = new Set<string>();
  for (const c of table.columns) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c)) {
      csvProblem(1, `column name "${c}" cannot be used in a template`, 'use letters, digits and _ (not starting with a digit); ' + headerHint);
      ok = false;
    } else if (seen.has(c)) {
      csvProblem(1, `column "${c}" appears twice`);
      ok = false;
    }
    seen.add(c);
  }
  for (const row of table.rows) {
    if (row.cells.length !== table.columns.length) {
      csvProblem(row.line, `${row.cells.length} fields where the header has ${table.columns.length}`);
      ok = false;
    }
  }
  if (table.rows.length === 0) {
    csvProblem(1, 'no data rows after the header', 'each call takes one row');
    ok = false;
  }
  if (!ok) return undefined;
  const rows = table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r.cells[i] ?? ''])));
  return { file, order: data.order, columns: table.columns, rows };
}

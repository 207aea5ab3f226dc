/** A CSV table: the header row's column names and the data rows, each with its 1-based line. */
export interface CsvTable {
  columns: string[];
  rows: { line: number; cells: string[] }[];
}

/**
 * Parses RFC 4180 CSV: comma-separated, fields optionally in double quotes ("" is a quote inside),
 * CRLF or LF line ends. Blank lines are skipped. A quote left open is reported at its line.
 */
export function parseCsv(text: string): { table: CsvTable; error?: { line: number; message: string } } {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  const endRecord = (): void => {
    cells.push(field);
    if (!(cells.length === 1 && cells[0] === '' && !fieldStarted)) records.push({ line: recordLine, cells });
    cells = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      cells.push(field);
      field = '';
      fieldStarted = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) {
    return { table: { columns: [], rows: [] }, error: { line: recordLine, message: 'a quoted field is never closed' } };
  }
  if (field !== '' || cells.length > 0 || fieldStarted) endRecord();
  const [header, ...rows] = records;
  return { table: { columns: (header?.cells ?? []).map((c) => c.trim()), rows } };
}

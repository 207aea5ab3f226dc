import { VoiceloadError } from '../core/errors.js';
import { formatValue } from './formatPrometheusText.js';
import { parseValue } from './parsePrometheusText.js';
import { PROM_METRIC_TYPES, type PromMetricType } from './promText.js';

/** The file `--scrape` writes into the run's --out directory. */
export const SCRAPE_FILE = 'scrape.csv';
export const SCRAPE_CSV_HEADER = ['elapsed_ms', 'target', 'type', 'series', 'value'] as const;

/** One value of one series of one target at one moment (scrape.csv's row, long format). */
export interface ScrapeRow {
  /** Run time of the scrape: ms since the run's time 0, the zero of timeline.csv. */
  elapsedMs: number;
  /** The URL scraped. */
  target: string;
  /** The family's `# TYPE` (`untyped` without one). */
  type: PromMetricType;
  /** `name{label="value",…}`, labels sorted by name. */
  series: string;
  value: number;
}

/** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
function field(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The header line, then one line per row (no line ends): for writing a long file piece by piece. */
export function* scrapeCsvLines(rows: Iterable<ScrapeRow>): Generator<string> {
  yield SCRAPE_CSV_HEADER.join(',');
  for (const r of rows) yield [String(r.elapsedMs), field(r.target), r.type, field(r.series), formatValue(r.value)].join(',');
}

/** Pure: scrape.csv's text (`\n` line ends). */
export function formatScrapeCsv(rows: Iterable<ScrapeRow>): string {
  return `${[...scrapeCsvLines(rows)].join('\n')}\n`;
}

/** One CSV line → fields (RFC 4180 quoting); undefined when a quote is left open. */
function splitFields(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
      if (i === line.length) return out;
      if (line[i] !== ',') return undefined;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

/**
 * Reads scrape.csv back. A malformed line is a CONFIG error naming `origin` and the line: the file
 * is voiceload's own, so a bad line means it was edited or cut, and guessing would mislead.
 */
export function parseScrapeCsv(text: string, origin: string): ScrapeRow[] {
  // Quoted fields never hold line breaks here (series keys escape newlines), so lines split safely.
  const lines = text.split('\n');
  const bad = (n: number, why: string): VoiceloadError =>
    new VoiceloadError('CONFIG', `${origin}:${n}: ${why}`, { hint: `${SCRAPE_FILE} is written by voiceload run/capacity --scrape URL: ${SCRAPE_CSV_HEADER.join(',')}` });
  const header = (lines[0] ?? '').replace(/\r$/, '');
  if (header !== SCRAPE_CSV_HEADER.join(',')) throw bad(1, `expected the header ${SCRAPE_CSV_HEADER.join(',')}`);
  const rows: ScrapeRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line === '') continue;
    const f = splitFields(line);
    if (f === undefined || f.length !== SCRAPE_CSV_HEADER.length) throw bad(i + 1, `expected ${SCRAPE_CSV_HEADER.length} fields`);
    const [elapsed, target, type, series, value] = f as [string, string, string, string, string];
    const elapsedMs = Number(elapsed);
    if (elapsed.trim() === '' || !Number.isFinite(elapsedMs)) throw bad(i + 1, `elapsed_ms "${elapsed}" is not a number`);
    if (!(PROM_METRIC_TYPES as readonly string[]).includes(type)) throw bad(i + 1, `type "${type}" is not a Prometheus metric type`);
    const v = parseValue(value);
    if (v === undefined) throw bad(i + 1, `value "${value}" is not a number`);
    rows.push({ elapsedMs, target, type: type as PromMetricType, series, value: v });
  }
  return rows;
}

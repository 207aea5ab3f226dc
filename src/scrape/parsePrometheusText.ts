import { PROM_METRIC_TYPES, type PromLabel, type PromMetricType, type PromParseResult, type PromSample } from './promText.js';

/** At most this many problems are kept with their line (all are counted in `malformed`). */
export const MAX_PROBLEMS_KEPT = 20;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

class LineError extends Error {}

/**
 * Pure: Prometheus text exposition (format 0.0.4; OpenMetrics 1.0 text is read too: `# EOF`,
 * `# UNIT`, exemplars after ` # `) → metadata and samples. Peer input: a malformed line is counted
 * and skipped with its line number, never thrown. `# HELP`/`# TYPE` may come anywhere; a second
 * TYPE for a family is a problem and the first one stands.
 */
export function parsePrometheusText(text: string): PromParseResult {
  const result: PromParseResult = { types: new Map(), help: new Map(), samples: [], malformed: 0, problems: [], eof: false };
  const problem = (line: number, message: string): void => {
    result.malformed++;
    if (result.problems.length < MAX_PROBLEMS_KEPT) result.problems.push({ line, message });
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? '').replace(/\r$/, '').trim();
    if (line === '') continue;
    if (result.eof) {
      problem(lineNo, 'text after # EOF');
      break;
    }
    try {
      if (line.startsWith('#')) comment(line, result);
      else result.samples.push(parseSampleLine(line));
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      problem(lineNo, e.message);
    }
  }
  return result;
}

function comment(line: string, result: PromParseResult): void {
  const m = /^#\s*(HELP|TYPE|EOF)(?:\s+(\S+))?(?:[ \t]+(.*))?$/.exec(line);
  // Any other comment (and OpenMetrics' # UNIT) carries nothing we keep.
  if (m === null) return;
  const [, keyword, name, rest] = m;
  if (keyword === 'EOF') {
    if (name !== undefined) return; // "# EOFx" or "# EOF something": a plain comment
    result.eof = true;
    return;
  }
  if (name === undefined || !fullMatch(METRIC_NAME, name)) throw new LineError(`# ${keyword} without a valid metric name`);
  if (keyword === 'HELP') {
    if (!result.help.has(name)) result.help.set(name, unescape(rest ?? '', false));
    return;
  }
  const type = (rest ?? '').trim().toLowerCase();
  if (!(PROM_METRIC_TYPES as readonly string[]).includes(type)) throw new LineError(`# TYPE ${name}: unknown type "${rest ?? ''}"`);
  if (result.types.has(name)) throw new LineError(`# TYPE ${name} given again`);
  result.types.set(name, type as PromMetricType);
}

/** One sample line (already trimmed); LineError when malformed. Also reads a series key (`name{a="b"}` without a value: see parseSeriesKey). */
function parseSampleLine(line: string): PromSample {
  const { name, labels, end } = parseSeriesPrefix(line);
  const rest = line.slice(end);
  if (!/^[ \t]/.test(rest)) throw new LineError(rest === '' ? `${name}: no value` : `${name}: unexpected "${rest.slice(0, 20)}" after the labels`);
  // value [timestamp] [# exemplar]
  const hash = rest.search(/[ \t]#/);
  const tokens = (hash < 0 ? rest : rest.slice(0, hash)).trim().split(/[ \t]+/);
  if (tokens.length > 2 || tokens[0] === '') throw new LineError(`${name}: expected "value [timestamp]", got "${rest.trim().slice(0, 40)}"`);
  const value = parseValue(tokens[0] ?? '');
  if (value === undefined) throw new LineError(`${name}: value "${tokens[0]}" is not a number`);
  const sample: PromSample = { name, labels, value };
  if (tokens[1] !== undefined) {
    if (!DECIMAL.test(tokens[1])) throw new LineError(`${name}: timestamp "${tokens[1]}" is not a number`);
    sample.timestamp = Number(tokens[1]);
  }
  return sample;
}

/** `name{label="value",…}` at the start of `text`; `end` is the index after it. */
function parseSeriesPrefix(text: string): { name: string; labels: PromLabel[]; end: number } {
  const nameMatch = METRIC_NAME.exec(text);
  if (nameMatch === null) throw new LineError(`not a metric name: "${text.slice(0, 20)}"`);
  const name = nameMatch[0];
  let i = name.length;
  const labels: PromLabel[] = [];
  const skipBlanks = (): void => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  skipBlanks();
  if (text[i] !== '{') return { name, labels, end: name.length };
  i++;
  for (;;) {
    skipBlanks();
    if (text[i] === '}') break;
    const labelMatch = LABEL_NAME.exec(text.slice(i));
    if (labelMatch === null) throw new LineError(`${name}: bad label name at column ${i + 1}`);
    const labelName = labelMatch[0];
    i += labelName.length;
    skipBlanks();
    if (text[i] !== '=') throw new LineError(`${name}: expected = after label ${labelName}`);
    i++;
    skipBlanks();
    if (text[i] !== '"') throw new LineError(`${name}: label ${labelName}: value not in double quotes`);
    i++;
    const start = i;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) throw new LineError(`${name}: label ${labelName}: unterminated value`);
    if (labels.some((l) => l.name === labelName)) throw new LineError(`${name}: label ${labelName} given twice`);
    labels.push({ name: labelName, value: unescape(text.slice(start, i), true) });
    i++;
    skipBlanks();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') break;
    throw new LineError(`${name}: expected , or } after label ${labelName}`);
  }
  return { name, labels, end: i + 1 };
}

/**
 * A series key as {@link formatSeriesKey} writes it (`name{a="b"}`) → name and labels; undefined
 * when it is not one.
 */
export function parseSeriesKey(key: string): { name: string; labels: PromLabel[] } | undefined {
  try {
    const { name, labels, end } = parseSeriesPrefix(key);
    return end === key.length ? { name, labels } : undefined;
  } catch (e) {
    if (e instanceof LineError) return undefined;
    throw e;
  }
}

/** Go's ParseFloat spellings the exposition uses: decimals, NaN, ±Inf (any case). */
export function parseValue(token: string): number | undefined {
  if (/^nan$/i.test(token)) return Number.NaN;
  const inf = /^([+-]?)inf(inity)?$/i.exec(token);
  if (inf !== null) return inf[1] === '-' ? -Infinity : Infinity;
  return DECIMAL.test(token) ? Number(token) : undefined;
}

/** `\\` and `\n` (and `\"` in label values); any other escape is kept as written, as Prometheus does. */
function unescape(s: string, quotes: boolean): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/gs, (whole, c: string) => (c === '\\' ? '\\' : c === 'n' ? '\n' : quotes && c === '"' ? '"' : whole));
}

function fullMatch(re: RegExp, s: string): boolean {
  const m = re.exec(s);
  return m !== null && m[0].length === s.length;
}

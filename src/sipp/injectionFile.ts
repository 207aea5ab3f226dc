import { VoiceloadError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';

/** How calls pick their line: in order (wrapping), at random, or by user (one line per call number, wrapping). */
export type InjectionOrder = 'SEQUENTIAL' | 'RANDOM' | 'USER';

/** A SIPp `-inf` file: the order on the first line, then one `;`-separated record per line. */
export interface InjectionFile {
  file: string;
  order: InjectionOrder;
  records: string[][];
}

/**
 * Parses SIPp's injection format: the first line says SEQUENTIAL, RANDOM or USER (case as SIPp
 * writes it; other case accepted), lines starting with `#` and blank lines are skipped, fields are
 * separated by `;` (a trailing `;` adds no field). Throws CONFIG naming the line.
 */
export function parseInjectionFile(text: string, file: string): InjectionFile {
  const lines = text.split(/\r?\n/);
  const problem = (line: number, message: string, hint?: string): VoiceloadError =>
    new VoiceloadError('CONFIG', `${file}:${line}: ${message}`, { hint: hint ?? 'first line SEQUENTIAL, RANDOM or USER, then one call per line, fields separated by ";"' });
  let order: InjectionOrder | undefined;
  const records: string[][] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (order === undefined) {
      const o = line.toUpperCase();
      if (o !== 'SEQUENTIAL' && o !== 'RANDOM' && o !== 'USER') throw problem(i + 1, `the first line must be SEQUENTIAL, RANDOM or USER, found "${line.slice(0, 40)}"`);
      order = o;
      return;
    }
    const fields = raw.replace(/\r$/, '').split(';');
    if (fields.length > 1 && fields[fields.length - 1] === '') fields.pop();
    records.push(fields);
  });
  if (order === undefined) throw problem(1, 'the file is empty');
  if (records.length === 0) throw problem(1, 'no data lines after the order line');
  return { file, order, records };
}

/** The record call `callNumber` (1-based) uses. RANDOM draws from `rng`. */
export function injectionRecord(inf: InjectionFile, callNumber: number, rng: Rng): string[] {
  const n = inf.records.length;
  const index = inf.order === 'RANDOM' ? Math.floor(rng() * n) : (callNumber - 1) % n;
  return inf.records[index]!;
}

import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { VoiceloadError } from '../core/errors.js';
import { SCRAPE_FILE, scrapeCsvLines, type ScrapeRow } from './scrapeCsv.js';

/**
 * Writes `dir`/scrape.csv (to a temporary name, then renamed: a reader never sees half a file),
 * in pieces, so a long run's rows are never one string. Returns the path; RESULTS_WRITE naming it
 * on failure.
 */
export function writeScrapeCsv(dir: string, rows: Iterable<ScrapeRow>): string {
  const path = join(dir, SCRAPE_FILE);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      let chunk = '';
      for (const line of scrapeCsvLines(rows)) {
        chunk += `${line}\n`;
        if (chunk.length >= 64 * 1024) {
          writeSync(fd, chunk);
          chunk = '';
        }
      }
      writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (cause) {
    throw new VoiceloadError('RESULTS_WRITE', `cannot write ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      hint: 'check that the --out directory is writable and the disk is not full',
    });
  }
  return path;
}

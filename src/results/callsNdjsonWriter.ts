import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { CallRecord } from '../load/loadTypes.js';
import { VoiceloadError } from '../core/errors.js';
import { formatCallLine } from './formatCallLine.js';

/**
 * Streams calls.ndjson: each record is written to the file as its call ends, in one write() of one
 * complete line, with nothing held in memory, so a crash loses at most the line being written. The
 * write is synchronous: a line is a few hundred bytes into the page cache, far cheaper than the
 * call it describes, and it keeps the order of lines the order of call ends.
 */
export class CallsNdjsonWriter {
  private fd: number | null;
  private lines = 0;

  /** Opens (creates or truncates) `path`; errors name the path. */
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'w');
    } catch (cause) {
      throw writeError(path, 'cannot create', cause);
    }
  }

  write(record: CallRecord): void {
    if (this.fd === null) throw new VoiceloadError('INTERNAL', `${this.path}: write after close`);
    try {
      writeSync(this.fd, `${formatCallLine(record)}\n`);
    } catch (cause) {
      throw writeError(this.path, 'cannot write', cause);
    }
    this.lines++;
  }

  /** Lines written so far. */
  get count(): number {
    return this.lines;
  }

  /** Flushes to disk and closes; a second close does nothing. */
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

function writeError(path: string, what: string, cause: unknown): VoiceloadError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new VoiceloadError('RESULTS_WRITE', `${what} ${path}: ${detail}`, { cause, hint: 'check that the --out directory is writable and the disk is not full' });
}

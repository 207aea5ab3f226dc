import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VoiceloadError } from '../core/errors.js';
import type { MetricHistograms } from './metricHistograms.js';
import type { RunSummaryDoc } from './runSummaryDoc.js';
import type { TimelineRow } from './timeline.js';
import { formatTimelineCsv } from './timelineCsv.js';
import type { TimelineCsvOptions } from './timelineCsv.js';
import { formatHistogramsJson } from './histogramsFile.js';

export interface RunResultParts {
  summary: RunSummaryDoc;
  timeline: { rows: readonly TimelineRow[]; csv: TimelineCsvOptions };
  histograms: MetricHistograms;
  /** Run time span the histograms cover, written into histograms.json. */
  interval?: { startMs: number; endMs: number };
}

export const RESULT_FILES = { summary: 'summary.json', timeline: 'timeline.csv', histograms: 'histograms.json', calls: 'calls.ndjson' } as const;

/**
 * Writes summary.json, timeline.csv and histograms.json into `dir` (created with its parents);
 * calls.ndjson is streamed separately by CallsNdjsonWriter. Each file is written to a temporary
 * name and renamed, so a reader never sees half a file. Returns the paths written. Errors are
 * RESULTS_WRITE naming the path.
 */
export function writeRunResults(dir: string, parts: RunResultParts): string[] {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw failure(dir, 'cannot create the directory', cause);
  }
  const files: [string, string][] = [
    [RESULT_FILES.summary, `${JSON.stringify(parts.summary, null, 2)}\n`],
    [RESULT_FILES.timeline, formatTimelineCsv(parts.timeline.rows, parts.timeline.csv)],
    [RESULT_FILES.histograms, formatHistogramsJson(parts.histograms, parts.interval)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, path);
    } catch (cause) {
      throw failure(path, 'cannot write', cause);
    }
    return path;
  });
}

function failure(path: string, what: string, cause: unknown): VoiceloadError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new VoiceloadError('RESULTS_WRITE', `${what} ${path}: ${detail}`, { cause, hint: 'check that the --out directory is writable and the disk is not full' });
}

import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { VoiceloadError } from '../core/errors.js';
import { parseCallLine } from '../results/formatCallLine.js';
import { parseHistogramsJson } from '../results/histogramsFile.js';
import { SUMMARY_SCHEMA } from '../results/runSummaryDoc.js';
import type { RunSummaryDoc } from '../results/runSummaryDoc.js';
import { RESULT_FILES } from '../results/writeRunResults.js';
import { CallSamples } from './callSamples.js';
import type { LoadedRun } from './loadedRun.js';

const HINT = 'compare reads the --out directory of `voiceload run` (summary.json, histograms.json, calls.ndjson)';

/**
 * Reads a results directory: summary.json (tags, counters), histograms.json (the statistics) and
 * calls.ndjson (the per-sample values, streamed line by line; `detail` is not kept). A missing or
 * malformed file is a CONFIG error naming it.
 */
export async function loadRunDir(dir: string): Promise<LoadedRun> {
  const summaryPath = join(dir, RESULT_FILES.summary);
  const summary = parseSummary(readText(summaryPath), summaryPath);
  const histogramsPath = join(dir, RESULT_FILES.histograms);
  const { histograms } = parseHistogramsJson(readText(histogramsPath), histogramsPath);
  const callsPath = join(dir, RESULT_FILES.calls);
  const collected = await readCalls(callsPath);
  return { dir, summary, histograms, samples: collected.samples, failures: collected.failures };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new VoiceloadError('CONFIG', `${path}: ${missing ? 'no such file' : `cannot read: ${(cause as Error).message}`}`, { cause, hint: HINT });
  }
}

function parseSummary(text: string, where: string): RunSummaryDoc {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new VoiceloadError('CONFIG', `${where}: not JSON`, { cause, hint: HINT });
  }
  const d = doc as Partial<RunSummaryDoc> | null;
  if (typeof d !== 'object' || d === null || d.schema !== SUMMARY_SCHEMA) {
    throw new VoiceloadError('CONFIG', `${where}: not a ${SUMMARY_SCHEMA} file (schema is ${JSON.stringify(d?.schema)})`, { hint: HINT });
  }
  if (typeof d.counters !== 'object' || d.counters === null || typeof d.rates !== 'object' || d.rates === null) {
    throw new VoiceloadError('CONFIG', `${where}: no "counters" or "rates"`, { hint: HINT });
  }
  return { ...d, tags: typeof d.tags === 'object' && d.tags !== null ? d.tags : {} } as RunSummaryDoc;
}

async function readCalls(path: string): Promise<CallSamples> {
  const collected = new CallSamples();
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new VoiceloadError('CONFIG', `${path}: ${missing ? 'no such file' : `cannot read: ${(cause as Error).message}`}`, { cause, hint: HINT });
  }
  let lineNumber = 0;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      collected.add(parseCallLine(line, `${path}:${lineNumber}`));
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  return collected;
}

import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseCapacityFile, STEP_SUMMARY_FILE } from '../../capacity/capacityFile.js';
import { VoiceloadError } from '../../core/errors.js';
import type { TurnStageBreakdown } from '../../load/loadTypes.js';
import type { RecordingEntry } from '../../load/recordingSink.js';
import { parseCallLine } from '../../results/formatCallLine.js';
import { parseHistogramsJson } from '../../results/histogramsFile.js';
import { SUMMARY_SCHEMA, type RunSummaryDoc } from '../../results/runSummaryDoc.js';
import { parseTimelineCsv } from '../../results/timelineCsv.js';
import { RESULT_FILES } from '../../results/writeRunResults.js';
import { parseScrapeCsv, SCRAPE_FILE } from '../../scrape/scrapeCsv.js';
import type { CapacityStepSummary, ReportInputs } from './reportInputs.js';

const HINT = 'report reads the --out directory of `voiceload run` (summary.json, and timeline.csv, histograms.json, calls.ndjson when present) or of `voiceload capacity` (capacity.json and steps/)';

/**
 * Reads a results directory for the report: summary.json (or, for a capacity search, capacity.json
 * and the step at its effective capacity) is required; the other files are used when present. A malformed file is a CONFIG error naming it.
 */
export async function loadReportDir(dir: string): Promise<ReportInputs> {
  const capacityPath = join(dir, 'capacity.json');
  const capacityText = readText(capacityPath, false);
  const capacity = capacityText === undefined ? null : parseCapacityFile(capacityText, capacityPath);
  // A capacity search's --out has no summary.json of its own: the run part of the report is the
  // step at the effective capacity (or the first step when none met the SLOs).
  const stepLevel = capacity !== null && !existsSync(join(dir, RESULT_FILES.summary)) ? (capacity.effectiveCapacity ?? capacity.levels[0]?.level) : undefined;
  const stepRel = stepLevel === undefined ? undefined : join('steps', `level-${stepLevel}`);
  const runDir = stepRel === undefined ? dir : join(dir, stepRel);
  const summaryPath = stepRel === undefined ? join(dir, RESULT_FILES.summary) : join(runDir, STEP_SUMMARY_FILE);
  const summary = parseSummary(readText(summaryPath, true)!, summaryPath);
  const timelineText = readText(join(runDir, RESULT_FILES.timeline), false);
  const histogramsPath = join(runDir, RESULT_FILES.histograms);
  const histogramsText = readText(histogramsPath, false);
  const callsPath = join(runDir, RESULT_FILES.calls);
  const recordingsPath = join(runDir, 'recordings.json');
  const recordingsText = readText(recordingsPath, false);
  const recordings = recordingsText === undefined ? null : parseRecordings(recordingsText, recordingsPath);
  const scrapePath = join(runDir, SCRAPE_FILE);
  const scrapeText = readText(scrapePath, false);
  const turns = existsSync(callsPath) ? await readTurns(callsPath) : { ttfaMs: [], stages: [] };
  return {
    dir,
    summary,
    timeline: timelineText === undefined ? null : parseTimelineCsv(timelineText).rows,
    histograms: histogramsText === undefined ? null : parseHistogramsJson(histogramsText, histogramsPath).histograms,
    turnTtfaMs: turns.ttfaMs,
    ...(turns.stages.length === 0 ? {} : { turnStages: turns.stages }),
    // Links stay relative to the report, which sits in `dir`.
    recordings: recordings === null || stepRel === undefined ? recordings : recordings.map((r) => ({ ...r, file: `${stepRel.replace(/\\/g, '/')}/${r.file}` })),
    capacity,
    capacitySteps: capacityText === undefined ? [] : readSteps(join(dir, 'steps')),
    ...(scrapeText === undefined ? {} : { scrape: parseScrapeCsv(scrapeText, scrapePath) }),
    ...(stepLevel === undefined ? {} : { runStep: { level: stepLevel, dir: stepRel! } }),
  };
}

function readText(path: string, required: boolean): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing && !required) return undefined;
    throw new VoiceloadError('CONFIG', `${path}: ${missing ? 'no such file' : `cannot read: ${(cause as Error).message}`}`, { cause, hint: HINT });
  }
}

function parseSummary(text: string, where: string): RunSummaryDoc {
  let d: Partial<RunSummaryDoc> | null;
  try {
    d = JSON.parse(text) as Partial<RunSummaryDoc> | null;
  } catch (cause) {
    throw new VoiceloadError('CONFIG', `${where}: not JSON`, { cause, hint: HINT });
  }
  if (typeof d !== 'object' || d === null || d.schema !== SUMMARY_SCHEMA) {
    throw new VoiceloadError('CONFIG', `${where}: not a ${SUMMARY_SCHEMA} file (schema is ${JSON.stringify(d?.schema)})`, { hint: HINT });
  }
  if (typeof d.counters !== 'object' || d.counters === null || typeof d.metrics !== 'object' || d.metrics === null || typeof d.thresholds !== 'object' || d.thresholds === null) {
    throw new VoiceloadError('CONFIG', `${where}: no "counters", "metrics" or "thresholds"`, { hint: HINT });
  }
  return { ...d, tags: typeof d.tags === 'object' && d.tags !== null ? d.tags : {} } as RunSummaryDoc;
}

function parseRecordings(text: string, where: string): RecordingEntry[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw new VoiceloadError('CONFIG', `${where}: not JSON`, { cause, hint: HINT });
  }
  // The index is a list, or an object holding one under "recordings".
  const list = Array.isArray(v) ? v : (v as { recordings?: unknown } | null)?.recordings;
  if (!Array.isArray(list)) throw new VoiceloadError('CONFIG', `${where}: not a list of recordings`, { hint: HINT });
  return list.filter((r): r is RecordingEntry => typeof r === 'object' && r !== null && typeof (r as RecordingEntry).file === 'string' && typeof (r as RecordingEntry).callNumber === 'number').map((r) => ({ ...r, slowTurns: Array.isArray(r.slowTurns) ? r.slowTurns : [] }));
}

/** steps/level-N/step-summary.json of a capacity search; unreadable ones are skipped (the chart shows a gap). */
function readSteps(stepsDir: string): CapacityStepSummary[] {
  let names: string[];
  try {
    names = readdirSync(stepsDir);
  } catch {
    return [];
  }
  const out: CapacityStepSummary[] = [];
  for (const name of names) {
    const m = /^level-(\d+(?:\.\d+)?)$/.exec(name);
    if (m === null) continue;
    try {
      const summary = JSON.parse(readFileSync(join(stepsDir, name, STEP_SUMMARY_FILE), 'utf8')) as RunSummaryDoc;
      if (summary.schema === SUMMARY_SCHEMA) out.push({ level: Number(m[1]), summary });
    } catch {
      // A step interrupted before its summary was written.
    }
  }
  return out;
}

/**
 * Streams calls.ndjson: ttfa_ms per turn index and, for `run --livekit` results, the stage
 * breakdowns per turn index (lines are parsed one by one; `detail` is not kept).
 */
async function readTurns(path: string): Promise<{ ttfaMs: (number | null)[][]; stages: (TurnStageBreakdown | null)[][] }> {
  const turns: (number | null)[][] = [];
  const stages: (TurnStageBreakdown | null)[][] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    const r = parseCallLine(line, `${path}:${n}`);
    r.ttfaMs.forEach((v, i) => (turns[i] ??= []).push(typeof v === 'number' ? v : null));
    if (Array.isArray(r.turnStages)) r.turnStages.forEach((b, i) => (stages[i] ??= []).push(typeof b === 'object' ? b : null));
  }
  return { ttfaMs: turns, stages };
}

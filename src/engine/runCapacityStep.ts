import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STEP_SUMMARY_FILE } from '../capacity/capacityFile.js';
import type { CapacityDimension } from '../capacity/capacityTypes.js';
import { createCollapseWatch } from '../capacity/collapseWatch.js';
import { measuredStepSummary } from '../capacity/measuredStepSummary.js';
import type { Clock } from '../core/clock.js';
import type { CallRecord, LoadPlan } from '../load/loadTypes.js';
import { startLoad, type LoadRunOutcome, type RunLoadOptions } from '../load/runLoad.js';
import type { ProgressSnapshot, RunSummaryDoc, Threshold } from '../results/index.js';
import { seriesMeans, type SeriesMean } from '../scrape/seriesMeans.js';
import { writeScrapeCsv } from '../scrape/writeScrapeCsv.js';
import { runZeroClockMs, scrapeStatsLines, startRunScrape } from './runScrape.js';

/** No cap: a rate step never drops an arrival because of a concurrency limit of ours. */
const NO_CAP = 1_000_000;

export { STEP_SUMMARY_FILE };

export interface CapacityStepOptions {
  level: number;
  by: CapacityDimension;
  warmupMs: number;
  stepMs: number;
  /** The run as every step takes it (plan, seed and run id are set here). */
  run: Omit<RunLoadOptions['run'], 'plan' | 'seed' | 'runId'>;
  seed: number;
  runId: string;
  shards: number;
  inProcess: boolean;
  clock: Clock;
  intervalMs: number;
  /** This step's directory (the normal run files + step-summary.json); none: in memory only. */
  outDir?: string;
  slos: readonly Threshold[];
  version: string;
  summaryConfig: unknown;
  tags?: Record<string, string>;
  /** Ctrl-C: the step stops now (BYE to every call), its results are still written. */
  signal?: AbortSignal;
  /** A second Ctrl-C: workers end at once. */
  forceSignal?: AbortSignal;
  onProgress?: (snapshot: ProgressSnapshot) => void;
  onWarning?: (message: string) => void;
  onShardError?: RunLoadOptions['onShardError'];
  /** `--scrape`: the target's Prometheus endpoints, sampled every interval into the step's scrape.csv. */
  scrapeUrls?: readonly string[];
  /** The failure rate past which the step is cut short after its warmup (stepVerdict's collapseLimit); none: never. */
  collapseLimit?: number;
}

export interface CapacityStepOutcome {
  /** The measured window only (after the warmup), SLOs evaluated on it. */
  summary: RunSummaryDoc;
  /** The whole step as a normal run (warmup included). */
  run: LoadRunOutcome;
  /** Stopped by the user before the step's end: not a measurement of the level. */
  interrupted: boolean;
  files: string[];
  /** `--scrape`: each series' mean over the measured window. */
  scraped?: SeriesMean[];
  /** Cut short because its failures climbed past the collapse limit: when (run ms) and at what rate. */
  cutShort?: { atMs: number; failureRate: number };
}

/** The load plan of one step: `level` users (closed model) or calls/s (open model), for warmup + step. */
export function capacityStepPlan(by: CapacityDimension, level: number, durationMs: number, seed: number, rampMs = 0): LoadPlan {
  // Users join over the ramp (the first half of the warmup): started together, their turns would
  // stay in lockstep and queue as one burst, which is not the steady load the level stands for.
  const stages = rampMs > 0 ? [{ durationMs: rampMs, target: level }, { durationMs: Math.max(1, durationMs - rampMs), target: level }] : undefined;
  return by === 'concurrency'
    ? { model: { kind: 'closed', ...(stages === undefined ? { users: level } : { users: 0, stages }) }, concurrencyCap: level, durationMs, seed }
    : { model: { kind: 'open', arrivals: 'constant', ratePerSec: level }, concurrencyCap: NO_CAP, durationMs, seed };
}

/**
 * Holds one level with the load engine for warmup + step duration, then ends every call still up
 * with BYE (the load would otherwise wind down over a whole call length, measuring less than the
 * level). The step's SLOs are judged on the window after the warmup: see measuredStepSummary.
 */
export async function runCapacityStep(o: CapacityStepOptions): Promise<CapacityStepOutcome> {
  const totalMs = o.warmupMs + o.stepMs;
  const records: CallRecord[] = [];
  const collapsed = o.collapseLimit === undefined ? undefined : createCollapseWatch({ fromMs: o.warmupMs, limit: o.collapseLimit });
  let cutShort: { atMs: number; failureRate: number } | undefined;
  const handle = startLoad({
    run: { ...o.run, plan: capacityStepPlan(o.by, o.level, totalMs, o.seed, o.warmupMs / 2), seed: o.seed, runId: o.runId },
    shards: o.shards,
    inProcess: o.inProcess,
    clock: o.clock,
    intervalMs: o.intervalMs,
    ...(o.outDir === undefined ? {} : { outDir: o.outDir }),
    totalMs,
    thresholds: o.slos,
    summaryConfig: o.summaryConfig,
    ...(o.tags === undefined ? {} : { tags: o.tags }),
    version: o.version,
    ...(o.by === 'rate' ? { targetRatePerSec: o.level } : {}),
    onProgress: (snap) => {
      // The step ends at totalMs of run time: the first progress tick past it stops it.
      if (snap.elapsedMs >= totalMs) handle.stop('thresholds');
      // No point hammering a broken system for the rest of the step.
      const rate = cutShort === undefined ? collapsed?.(snap) : undefined;
      if (rate !== undefined && rate !== null && snap.elapsedMs < totalMs) {
        cutShort = { atMs: snap.elapsedMs, failureRate: rate };
        handle.stop('thresholds');
      }
      o.onProgress?.(snap);
    },
    onCallEnded: (r) => records.push(r),
    ...(o.onShardError === undefined ? {} : { onShardError: o.onShardError }),
    ...(o.onWarning === undefined ? {} : { onWarning: o.onWarning }),
  });
  // Started once the load is (a synchronous failure of startLoad leaves no timer behind).
  const scraper = startRunScrape(o.scrapeUrls ?? [], { intervalMs: o.intervalMs, clock: o.clock, ...(o.onWarning === undefined ? {} : { onWarning: o.onWarning }) });
  let interrupted = false;
  const onStop = (): void => {
    interrupted = true;
    handle.stop('interrupted');
  };
  const onForce = (): void => void handle.terminate();
  if (o.signal?.aborted === true) onStop();
  o.signal?.addEventListener('abort', onStop, { once: true });
  o.forceSignal?.addEventListener('abort', onForce, { once: true });
  let run: LoadRunOutcome;
  try {
    run = await handle.done;
  } finally {
    o.signal?.removeEventListener('abort', onStop);
    o.forceSignal?.removeEventListener('abort', onForce);
    await scraper?.stop();
  }
  const runStartEpochMs = Date.parse(run.summary.startedAt);
  const endMs = cutShort?.atMs ?? totalMs;
  const summary = measuredStepSummary(records, { fromMs: o.warmupMs, toMs: endMs }, { slos: o.slos, version: o.version, config: o.summaryConfig, ...(o.tags === undefined ? {} : { tags: o.tags }), runStartEpochMs });
  const files = [...run.files];
  if (o.outDir !== undefined) {
    const file = join(o.outDir, STEP_SUMMARY_FILE);
    writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
    files.push(file);
  }
  let scraped: SeriesMean[] | undefined;
  if (scraper !== undefined) {
    const rows = [...scraper.rows(runZeroClockMs(run.summary.startedAt))];
    scraped = seriesMeans(rows, { fromMs: o.warmupMs, toMs: endMs });
    if (o.outDir !== undefined) files.push(writeScrapeCsv(o.outDir, rows));
    for (const line of scrapeStatsLines(scraper.stats())) o.onWarning?.(line);
  }
  return { summary, run, interrupted, files, ...(scraped === undefined ? {} : { scraped }), ...(cutShort === undefined ? {} : { cutShort }) };
}

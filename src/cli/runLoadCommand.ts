import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { SystemClock } from '../core/clock.js';
import { isVoiceloadError } from '../core/errors.js';
import { runZeroClockMs, scrapeStatsLines, startRunScrape } from '../engine/runScrape.js';
import type { CallRecord } from '../load/loadTypes.js';
import { startLoad, type LoadRunOutcome, type RunLoadOptions } from '../load/runLoad.js';
import { formatLoadSummary } from '../report/loadSummary.js';
import { writeHtmlReport } from '../report/html/writeHtmlReport.js';
import { formatProgress, formatTimelineCsv, type RunSummaryDoc, type Threshold } from '../results/index.js';
import { writeScrapeCsv } from '../scrape/writeScrapeCsv.js';
import { createLivekitCallObserver, formatLivekitObserverStats, type LivekitCallObserver } from '../livekit/livekitCallObserver.js';
import { readLivekitCredentials } from '../livekit/livekitCredentials.js';
import { ExitCode } from './exitCodes.js';
import { writeMachineOutputs } from './machineOutputs.js';
import { describePlan, loadPlanOf, plannedLengthMs } from './loadPlanOf.js';
import { progressPrinter, type CommandIo } from './progressPrinter.js';
import type { RunConfig } from './runOptions.js';

/** After Ctrl-C, active calls have this long to end with BYE before the workers are stopped. */
const STOP_GRACE_MS = 2000;

/** What differs between a YAML and a SIPp run; the rest of `voiceload run` is this one function. */
export interface LoadCommandSpec {
  config: RunConfig;
  version: string;
  /** The run as the shards take it (plan and start time are added here). */
  run: Omit<RunLoadOptions['run'], 'plan' | 'seed' | 'runId'>;
  /** For the first line: what runs against what. */
  scenarioLabel: string;
  targetLabel: string;
  thresholds: readonly Threshold[];
  /** summary.json's `config`: the command line without secrets. */
  summaryConfig: unknown;
  /** `-v`: one line per call as it ends. */
  callLine: (record: CallRecord) => string;
  onCallEnded?: (record: CallRecord) => void;
  /** Extra fields of the --json summary line, extra lines of the text summary. */
  summaryExtras?: (outcome: LoadRunOutcome) => Record<string, unknown>;
  textExtras?: (outcome: LoadRunOutcome) => string[];
}

/**
 * Runs a load (see startLoad) from the command line: prints the plan, live progress and each call
 * (`--json` / `-v`), stops on Ctrl-C (calls get 2 s to end with BYE; a second Ctrl-C stops at once),
 * writes -trace_stat's CSV, prints the summary, and returns the exit code: 0, 1 (calls failed beyond
 * --max-failure-rate, or a worker failed), 2 (a problem found before any call), 3 (no worker could
 * start), 99 (thresholds), 130 (interrupted).
 */
export async function runLoadCommand(spec: LoadCommandSpec, io: CommandIo): Promise<number> {
  const { config } = spec;
  const plan = loadPlanOf(config);
  const shards = config.workers === 0 ? 1 : (config.workers ?? availableParallelism());
  io.stderr(`run ${config.runId}: ${describePlan(plan)} of ${spec.scenarioLabel} to ${spec.targetLabel}, ${shards} worker${shards === 1 ? '' : 's'}, seed ${config.seed}\n`);
  const progress = progressPrinter(io);
  const totalMs = plannedLengthMs(plan);
  const clock = new SystemClock();
  const observer = config.livekit === undefined ? undefined : await startLivekitObserver(config.livekit, clock, (message) => progress.line(`warning: ${message}`));
  const handle = startLoad({
    run: { ...spec.run, plan, seed: config.seed, runId: config.runId },
    shards,
    inProcess: config.workers === 0,
    clock,
    intervalMs: config.intervalMs,
    ...(config.outDir === undefined ? {} : { outDir: config.outDir }),
    ...(totalMs === undefined ? {} : { totalMs }),
    thresholds: spec.thresholds,
    abortOnFail: config.abortOnFail,
    summaryConfig: spec.summaryConfig,
    tags: config.tags,
    version: spec.version,
    ...(plan.model.kind === 'open' && plan.model.stages === undefined ? { targetRatePerSec: plan.model.ratePerSec } : {}),
    onProgress: (snap) => progress.update(formatProgress(snap)),
    onCallEnded: (record) => {
      spec.onCallEnded?.(record);
      if (config.json) io.stdout(JSON.stringify({ type: 'call', runId: config.runId, ...record }) + '\n');
      else if (config.verbose) progress.line(spec.callLine(record));
    },
    onShardError: (ev) => progress.line(`voiceload: worker ${ev.shard}: ${ev.message}${ev.hint === undefined ? '' : `\nhint: ${ev.hint}`}`),
    onWarning: (message) => progress.line(`warning: ${message}`),
    ...(observer === undefined ? {} : { callObserver: observer }),
  });
  const scraper = startRunScrape(config.scrapeUrls ?? [], { intervalMs: config.intervalMs, clock, onWarning: (message) => progress.line(`warning: ${message}`) });
  let forced: ReturnType<typeof setTimeout> | undefined;
  const onStop = (): void => {
    handle.stop('interrupted');
    forced = setTimeout(() => void handle.terminate(), STOP_GRACE_MS);
    forced.unref();
  };
  const onForce = (): void => void handle.terminate();
  if (io.signal?.aborted === true) onStop();
  io.signal?.addEventListener('abort', onStop, { once: true });
  io.forceSignal?.addEventListener('abort', onForce, { once: true });
  let outcome: LoadRunOutcome;
  try {
    outcome = await handle.done;
  } catch (e) {
    if (!isVoiceloadError(e)) throw e;
    // Found before any call: ports that do not fit, a scenario that changed under us.
    progress.line(`voiceload: ${e.message}${e.hint === undefined ? '' : `\nhint: ${e.hint}`}`);
    return e.code === 'CONFIG' || e.code === 'CLI_USAGE' || e.code.startsWith('AUDIO') || e.code === 'PORTS_EXHAUSTED' ? ExitCode.usage : ExitCode.internal;
  } finally {
    clearTimeout(forced);
    io.signal?.removeEventListener('abort', onStop);
    io.forceSignal?.removeEventListener('abort', onForce);
    await scraper?.stop();
    progress.done();
  }
  const summary = outcome.summary;
  if (observer !== undefined) io.stderr(formatLivekitObserverStats(observer.stats()) + '\n');
  if (scraper !== undefined && config.outDir !== undefined) {
    // Before the HTML report, which charts it.
    outcome.files.push(writeScrapeCsv(config.outDir, scraper.rows(runZeroClockMs(summary.startedAt))));
    for (const line of scrapeStatsLines(scraper.stats())) io.stderr(`warning: ${line}\n`);
  }
  if (config.traceStat && config.outDir === undefined) {
    const file = resolve(io.cwd ?? process.cwd(), `${basename(config.scenarioFile).replace(/\.[^.]*$/, '')}_${process.pid}_.csv`);
    writeFileSync(file, formatTimelineCsv(outcome.timeline, { startEpochMs: Date.parse(summary.startedAt), endMs: summary.durationMs }));
    outcome.files.push(file);
  }
  if (config.json) {
    io.stdout(JSON.stringify({ type: 'summary', runId: config.runId, seed: config.seed, stoppedBy: outcome.stoppedBy, warnings: outcome.warnings ?? [], ...spec.summaryExtras?.(outcome), ...summary }) + '\n');
  } else {
    for (const l of spec.textExtras?.(outcome) ?? []) io.stdout(l + '\n');
    io.stdout(formatLoadSummary(summary) + '\n');
  }
  const machine = await writeMachineOutputs(config, summary, { scenario: spec.scenarioLabel, ...(outcome.stoppedBy === null ? {} : { stoppedBy: outcome.stoppedBy }) }, io);
  if (config.outDir !== undefined) {
    // The report is a view of the results already written: never fail the run because of it.
    try {
      outcome.files.push(await writeHtmlReport(config.outDir));
    } catch (e) {
      io.stderr(`warning: no HTML report: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  for (const f of [...outcome.files, ...machine.files]) io.stderr(`wrote ${f}\n`);
  const code = exitCodeOf(config, outcome, summary, io);
  return machine.writeFailed && code === ExitCode.ok ? ExitCode.internal : code;
}

/**
 * --livekit: the room observer, with the credentials from the environment. When the LiveKit SDKs
 * cannot be loaded the run goes on without the breakdown, and says so once.
 */
async function startLivekitObserver(settings: NonNullable<RunConfig['livekit']>, clock: SystemClock, warn: (message: string) => void): Promise<LivekitCallObserver | undefined> {
  try {
    return await createLivekitCallObserver(readLivekitCredentials(process.env), { ...settings, clock, onWarning: warn });
  } catch (e) {
    warn(`--livekit: no stage breakdown in this run: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

function exitCodeOf(config: RunConfig, outcome: LoadRunOutcome, summary: RunSummaryDoc, io: CommandIo): number {
  if (outcome.stoppedBy === 'interrupted') return ExitCode.aborted;
  if (!summary.thresholds.passed) {
    io.stderr(`voiceload: thresholds failed: ${summary.thresholds.results.filter((t) => !t.passed).map((t) => t.source).join('; ')}\n`);
    return ExitCode.thresholdsFailed;
  }
  const errors = outcome.shardEnds.filter((e) => e.type === 'shard_error');
  if (errors.length > 0 && summary.counters.calls_attempted === 0) return ExitCode.internal;
  const failureRate = summary.rates.failure_rate ?? 0;
  return failureRate > config.maxFailureRate || errors.length > 0 ? ExitCode.callFailed : ExitCode.ok;
}

/** What summary.json records of the command line (never the password: RunConfig's copy is dropped). */
export function summaryConfigOf(c: RunConfig, target: string): Record<string, unknown> {
  const { password: _password, ...rest } = c;
  return { ...rest, target };
}

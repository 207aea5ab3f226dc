import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { buildCapacityDoc, formatCapacityFile } from '../capacity/capacityFile.js';
import type { CapacityResult, CapacityStepResult } from '../capacity/capacityTypes.js';
import { formatCapacity, formatLevel, formatStepEnd } from '../capacity/formatCapacity.js';
import { capacityResultSoFar, nextCapacityStep } from '../capacity/nextCapacityStep.js';
import { stepResultFromSummary } from '../capacity/stepResultFromSummary.js';
import { collapseLimit } from '../capacity/stepVerdict.js';
import { SystemClock } from '../core/clock.js';
import { isVoiceloadError } from '../core/errors.js';
import { DEFAULT_CALL_SETUP, type CallSetup } from '../engine/callConfig.js';
import { prepareScenario } from '../engine/prepareScenario.js';
import { runCapacityStep } from '../engine/runCapacityStep.js';
import { probeTarget } from '../load/probeTarget.js';
import { writeHtmlReport } from '../report/html/writeHtmlReport.js';
import { formatProgress } from '../results/index.js';
import { buildCapacityConfig, type CapacityConfig, type RawCapacityOptions } from './capacityOptions.js';
import { ExitCode } from './exitCodes.js';
import { processCommandIo } from './processCommandIo.js';
import { resolveRunScenario } from './resolveRunScenario.js';
import { progressPrinter, type CommandIo } from './progressPrinter.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `voiceload capacity <scenario>`: step the load up until an SLO breaks, refine, and say where the capacity is. */
export function registerCapacityCommand(program: Command, version: string, fail: (e: unknown) => never): void {
  program
    .command('capacity')
    .description('search the highest load that meets every SLO: step concurrency (or rate) up until an SLO breaks, then bisect')
    .argument('[scenario]', 'a YAML conversation scenario')
    .argument('[remote]', "the target as host[:port] (or a SIP URI); overrides the scenario's target")
    .option('--target <uri>', "the agent's SIP URI; overrides the scenario's target")
    .option('--slo <rule>', "a service-level objective in threshold syntax, e.g. 'ttfa_ms: p(95)<1200' (repeatable; at least one)", collect)
    .addOption(new Option('--by <dimension>', 'what to step: concurrent calls (closed model) or new calls per second (open model)').choices(['concurrency', 'rate']).default('concurrency'))
    .option('--start <n>', 'first level', '10')
    .option('--step <n>', 'add this to the level after each passing step (default: --start)')
    .option('--factor <x>', 'multiply the level by this after each passing step (instead of --step)')
    .option('--max <n>', 'highest level tried', '2000')
    .option('--resolution <n>', 'stop refining once the last passing and first failing level are this close (default: a tenth of --start, at least 1)')
    .option('--step-duration <time>', 'how long each level is measured (after its warmup)', '60s')
    .option('--warmup <time>', 'how long each level runs before it is measured', '10s')
    .option('--out <dir>', 'write DIR/steps/level-<n>/ (the run files of each step) and DIR/capacity.json')
    .option('--tag <name=value>', 'a tag for every summary.json, e.g. build=abc123 (repeatable)', collect)
    .option('--workers <n>', 'worker threads (default: one per core; 0 runs calls in the main thread)')
    .option('--interval <time>', 'timeline and progress interval', '1s')
    .option('--seed <n>', 'seed for one_of choices, think times and random data rows')
    .option('--run-id <id>', 'the {{run_id}} prefix of the steps (default: random)')
    .option('-i, --local-ip <ip>', 'local address for SIP and RTP', '127.0.0.1')
    .option('--speech-cache <dir>', 'where synthesised speech is cached (default audio-fixtures/.cache)')
    .option('--no-probe', 'skip the OPTIONS request that checks the target answers before the first step')
    .option('--scrape <url>', "the target's Prometheus endpoint (http://…/metrics), sampled every interval into each step's scrape.csv and used in the bottleneck hint (repeatable)", collect)
    .option('--json', 'print the capacity document (voiceload.capacity/1) instead of the text summary')
    .action(async (scenario: string | undefined, remote: string | undefined, raw: RawCapacityOptions) => {
      let config: CapacityConfig;
      try {
        config = buildCapacityConfig(scenario, remote, raw, process.env);
      } catch (e) {
        fail(e);
      }
      const io = processCommandIo({ stopping: 'stopping the capacity search: ending the current step with BYE' });
      let code: number;
      try {
        code = await runCapacitySearch(config, version, io);
      } catch (e) {
        fail(e);
      }
      process.stdout.write('', () => process.exit(code));
    });
}

/**
 * The capacity search over the load engine: each level is one load run (runCapacityStep), judged
 * by the SLOs on the part after its warmup; nextCapacityStep picks the next level. Returns the exit
 * code: 0 a capacity was found (or the max level passed), 1 even the start level failed, 2 bad
 * input, 130 interrupted (capacity.json still written from the steps done).
 */
export async function runCapacitySearch(config: CapacityConfig, version: string, io: CommandIo): Promise<number> {
  const resolved = resolveRunScenario(config, io);
  if (resolved === undefined) return ExitCode.usage;
  const { scenario, target } = resolved;
  await prepareScenario(scenario, config.speechCacheDir === undefined ? {} : { speech: { cacheDir: config.speechCacheDir } });
  const base: CallSetup = {
    ...DEFAULT_CALL_SETUP,
    target,
    localHost: config.localHost,
    ...(config.password === undefined || scenario.authUser === undefined ? {} : { auth: { username: '', password: config.password } }),
  };
  const clock = new SystemClock();
  if (config.probe) await probeTarget(target, { transport: scenario.transport, localHost: config.localHost, clock });

  const { settings } = config;
  const shards = config.workers === 0 ? 1 : (config.workers ?? availableParallelism());
  const sloSources = config.slos.map((s) => s.source);
  const { password: _password, ...publicConfig } = config;
  const summaryConfig = { ...publicConfig, target };
  io.stderr(
    `capacity search ${config.runId}: ${scenario.name ?? scenario.file} against ${target}, by ${settings.by} from ${settings.start} ` +
      `(${settings.ramp.kind === 'step' ? `+${settings.ramp.step}` : `×${settings.ramp.factor}`}, max ${settings.max}, resolution ${settings.resolution}), ` +
      `steps of ${config.warmupMs / 1000} s warmup + ${config.stepMs / 1000} s, SLOs: ${sloSources.join('; ')}\n`,
  );
  const progress = progressPrinter(io);
  const history: CapacityStepResult[] = [];
  const stepCollapseLimit = collapseLimit(settings, config.slos.flatMap((t) => t.conditions.map((c) => ({ metric: t.metric, op: c.op, limit: c.limit }))));
  let result: CapacityResult | undefined;
  try {
    // Bounded: every decision either ends the search or names a level not run yet between start and max.
    while (result === undefined) {
      const next = nextCapacityStep(settings, history);
      if (next.kind === 'done') {
        result = next.result;
        break;
      }
      if (io.signal?.aborted === true) {
        result = capacityResultSoFar(settings, history, 'interrupted');
        break;
      }
      const index = history.length + 1;
      const stepDir = config.outDir === undefined ? undefined : join(config.outDir, 'steps', `level-${next.level}`);
      io.stderr(`step ${index}: ${formatLevel(settings.by, next.level)} for ${config.stepMs / 1000} s after ${config.warmupMs / 1000} s warmup (${next.phase})\n`);
      const step = await runCapacityStep({
        level: next.level,
        by: settings.by,
        warmupMs: config.warmupMs,
        stepMs: config.stepMs,
        run: {
          scenarioFile: config.scenarioFile,
          base,
          userAgent: `voiceload/${version}`,
          ...(config.speechCacheDir === undefined ? {} : { speechCacheDir: config.speechCacheDir }),
        },
        seed: config.seed,
        runId: `${config.runId}-${index}`,
        shards,
        inProcess: config.workers === 0,
        clock,
        intervalMs: config.intervalMs,
        ...(stepDir === undefined ? {} : { outDir: stepDir }),
        slos: config.slos,
        version,
        summaryConfig: { ...summaryConfig, capacityStep: { index, level: next.level, phase: next.phase } },
        tags: { ...config.tags, capacity_level: String(next.level) },
        ...(io.signal === undefined ? {} : { signal: io.signal }),
        ...(io.forceSignal === undefined ? {} : { forceSignal: io.forceSignal }),
        ...(io.stderrIsTty === true ? { onProgress: (snap) => progress.update(formatProgress(snap)) } : {}),
        onWarning: (message) => progress.line(`warning: ${message}`),
        onShardError: (ev) => progress.line(`voiceload: worker ${ev.shard}: ${ev.message}${ev.hint === undefined ? '' : `\nhint: ${ev.hint}`}`),
        ...(config.scrapeUrls === undefined ? {} : { scrapeUrls: config.scrapeUrls }),
        collapseLimit: stepCollapseLimit,
      });
      progress.done();
      if (step.cutShort !== undefined) {
        io.stderr(`step ${index}: cut short ${((step.cutShort.atMs - config.warmupMs) / 1000).toFixed(1)} s after the warmup: ${(step.cutShort.failureRate * 100).toFixed(0)} % of calls failed (collapse limit ${(stepCollapseLimit * 100).toFixed(0)} %)\n`);
      }
      if (step.interrupted) {
        // A cut-short step measured less than its level: the result stands on the steps before it.
        io.stderr(`step ${index}: interrupted (its files are written; it does not count)\n`);
        result = capacityResultSoFar(settings, history, 'interrupted');
        break;
      }
      const measured = stepResultFromSummary(next.level, step.summary, config.slos, step.scraped);
      history.push(measured);
      const levels = capacityResultSoFar(settings, history, 'resolved').levels;
      const level = levels[levels.length - 1];
      if (level !== undefined) io.stderr(formatStepEnd(index, settings.by, config.stepMs, measured, level) + '\n');
    }
  } catch (e) {
    progress.done();
    if (!isVoiceloadError(e)) throw e;
    io.stderr(`voiceload: ${e.message}${e.hint === undefined ? '' : `\nhint: ${e.hint}`}\n`);
    return e.code === 'CONFIG' || e.code === 'CLI_USAGE' || e.code.startsWith('AUDIO') || e.code === 'PORTS_EXHAUSTED' ? ExitCode.usage : ExitCode.internal;
  }
  const doc = buildCapacityDoc(result, { version, settings, slos: sloSources });
  if (config.outDir !== undefined) {
    mkdirSync(config.outDir, { recursive: true });
    const file = join(config.outDir, 'capacity.json');
    writeFileSync(file, formatCapacityFile(doc));
    io.stderr(`wrote ${file}\n`);
    // The report is a view of the files already written: never fail the search because of it.
    try {
      io.stderr(`wrote ${await writeHtmlReport(config.outDir)}\n`);
    } catch (e) {
      io.stderr(`warning: no HTML report: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  io.stdout(config.json ? formatCapacityFile(doc) : formatCapacity(doc, history) + '\n');
  return capacityExitCode(result);
}

/** 0: a capacity was found (or the max passed); 1: even the start level failed; 130: interrupted. */
export function capacityExitCode(result: CapacityResult): number {
  if (result.stopReason === 'interrupted') return ExitCode.aborted;
  return result.effectiveCapacity === null ? ExitCode.callFailed : ExitCode.ok;
}

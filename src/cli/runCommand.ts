import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { SystemClock } from '../core/clock.js';
import { VoiceloadError } from '../core/errors.js';
import { formatProblem } from '../config/configProblem.js';
import { DEFAULT_CALL_SETUP, type CallSetup } from '../engine/callConfig.js';
import { prepareScenario } from '../engine/prepareScenario.js';
import type { CallResult } from '../engine/callResult.js';
import type { LoadPlan } from '../load/loadTypes.js';
import { formatStages } from '../load/parseStages.js';
import { probeTarget } from '../load/probeTarget.js';
import { startLoad } from '../load/runLoad.js';
import { formatLoadSummary } from '../report/loadSummary.js';
import { formatCallOutcomeLine } from '../report/callOutcomeLine.js';
import { formatProgress, formatTimelineCsv } from '../results/index.js';
import { formatDurationMs } from '../core/duration.js';
import { validateScenario } from '../scenario/validateScenario.js';
import { SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { ExitCode } from './exitCodes.js';
import { buildRunConfig, remoteToUri, type RawRunOptions, type RunConfig } from './runOptions.js';
import { runSippCommand } from './runSippCommand.js';

/** Where a command writes: the process's streams in production, buffers in tests. */
export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** First Ctrl-C: stop new calls, end the active ones. */
  signal?: AbortSignal;
  /** Second Ctrl-C: stop at once, still writing what there is. */
  forceSignal?: AbortSignal;
  stderrIsTty?: boolean;
}

/**
 * `voiceload run <scenario>`: a YAML conversation scenario or a SIPp XML scenario, for `-m` calls,
 * at most `-l` at once, started at `-r` per second. SIPp's flags keep SIPp's meaning.
 */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerRunCommand(program: Command, version: string, fail: (e: unknown) => never): void {
  program
    .command('run')
    .description('run a scenario (YAML conversation or SIPp XML) for many calls and summarise what they measured')
    .argument('[scenario]', 'scenario file: .yaml (conversation) or .xml (SIPp)')
    .argument('[remote]', "the target as SIPp takes it: host[:port] (or a SIP URI); overrides the scenario's target")
    .option('--sf <file>', 'SIPp scenario file (also -sf)')
    .option('--target <uri>', "the agent's SIP URI; overrides the scenario's target")
    .option('-m, --calls <n>', 'stop after this many calls (default 1 unless --duration, --stages or --users bound the run)')
    .option('-l, --concurrency <n>', 'at most this many calls at once (default: no cap)')
    .option('-r, --rate <n>', 'new calls per rate period (SIPp -r; default 10)')
    .option('--rate-period <ms>', 'the rate period in milliseconds (SIPp -rp)', '1000')
    .option('-d <ms>', "SIPp: milliseconds of each <pause/> without its own duration (the call's hold time)")
    .option('--inf <file>', 'SIPp: injection CSV for [field0..n] (also -inf)')
    .option('--strict', 'SIPp: fail calls on provisional responses the scenario does not expect, as SIPp does')
    .option('--users <n>', 'closed model: keep this many calls up (a call that ends is replaced)')
    .option('--stages <list>', "ramp k6-style, e.g. '30s:10,60s:50,30s:0' (calls/s, or users with --users)")
    .addOption(new Option('--arrivals <kind>', 'open model arrivals').choices(['constant', 'poisson']).default('constant'))
    .option('--duration <time>', 'stop starting calls after this long, e.g. 10m')
    .option('--out <dir>', 'write summary.json, timeline.csv, calls.ndjson, histograms.json here')
    .option('--tag <name=value>', 'a tag for summary.json, e.g. build=abc123 (repeatable)', collect)
    .option('--threshold <rule>', "pass/fail rule, e.g. 'ttfa_ms: p(95)<1200' (repeatable; exit 99 when one fails)", collect)
    .option('--abort-on-fail', 'stop the run as soon as a threshold fails')
    .option('--record <what>', 'keep agent audio as WAV under --out: failed, slowest:N, or both')
    .option('--rtp-ports <range>', 'RTP ports to use, e.g. 20000-29999 (default: any free ports)')
    .option('--sip-port <port>', 'first local SIP port (one per worker; default: any free port)')
    .option('--workers <n>', 'worker threads (default: one per core; 0 runs calls in the main thread)')
    .option('--interval <time>', 'timeline and progress interval', '1s')
    .option('--no-probe', 'YAML scenarios: skip the OPTIONS request that checks the target answers before the first call')
    .option('--max-failure-rate <fraction>', 'exit 1 only when more than this share of calls failed', '0')
    .option('--seed <n>', 'seed for one_of choices, think times and random data rows (printed when not given)')
    .option('--run-id <id>', 'the {{run_id}} of this run (default: random)')
    .addOption(new Option('--transport <proto>', "SIP transport (default: the scenario's)").choices(['udp', 'tcp']))
    .option('-i, --local-ip <ip>', 'local address for SIP and RTP', '127.0.0.1')
    .option('-p, --local-port <port>', 'SIPp: local SIP port (0 = any free port)')
    .option('-t <mode>', 'SIPp: transport mode u1 (UDP) or t1 (TCP)')
    .option('-s <service>', 'SIPp: the [service] user of the Request-URI (default "service")')
    .option('--auth-user <user>', `SIPp: default user for [authentication] (also -au; password from ${SIP_PASSWORD_ENV})`)
    .option('--no-retrans', 'SIPp: no UDP retransmissions (also -nr)')
    .option('--speech-cache <dir>', 'where synthesised speech is cached (default audio-fixtures/.cache)')
    .option('--trace-stat', 'SIPp: write the timeline CSV (into --out, or <scenario>_<pid>_.csv here) (also -trace_stat)')
    .option('--json', 'print one JSON object per call and a summary (NDJSON)')
    .option('-v, --verbose', 'print call progress on stderr')
    .action(async (scenario: string | undefined, remote: string | undefined, raw: RawRunOptions) => {
      let config: RunConfig;
      try {
        config = buildRunConfig(scenario, remote, raw, process.env);
      } catch (e) {
        fail(e);
      }
      const controller = new AbortController();
      const force = new AbortController();
      let interrupts = 0;
      const onSignal = (): void => {
        interrupts++;
        if (interrupts === 1) {
          process.stderr.write('\nvoiceload: stopping: no new calls, ending active calls with BYE (Ctrl-C again to stop at once)\n');
          controller.abort();
        } else if (interrupts === 2) {
          process.stderr.write('\nvoiceload: stopping now; writing what was measured\n');
          force.abort();
        } else process.exit(ExitCode.aborted);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const io: CommandIo = {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
        signal: controller.signal,
        forceSignal: force.signal,
        stderrIsTty: process.stderr.isTTY,
      };
      let code: number;
      try {
        code = config.format === 'xml' ? await runSippCommand(config.scenarioFile, sippOptions(config), io) : await runYamlScenario(config, version, io);
      } catch (e) {
        fail(e);
      }
      process.stdout.write('', () => process.exit(code));
    });
}

function sippOptions(c: RunConfig): Parameters<typeof runSippCommand>[1] {
  if (c.remote === undefined) throw new VoiceloadError('CLI_USAGE', 'a SIPp scenario needs the remote: voiceload run scenario.xml host[:port]', { hint: 'or --target sip:user@host:port' });
  return {
    target: c.remote,
    calls: c.calls,
    ...(c.concurrency === undefined ? {} : { concurrency: c.concurrency }),
    rate: c.ratePerSec,
    ratePeriodMs: 1000,
    defaultPauseMs: c.defaultPauseMs,
    ...(c.injectionFile === undefined ? {} : { injectionFile: c.injectionFile }),
    strict: c.strict,
    localHost: c.localHost,
    ...(c.transport === undefined ? {} : { transport: c.transport }),
    seed: c.seed,
    json: c.json,
    verbose: c.verbose,
    ...(c.password === undefined ? {} : { authPassword: c.password }),
    ...(c.service === undefined ? {} : { service: c.service }),
    ...(c.authUser === undefined ? {} : { authUsername: c.authUser }),
    localPort: c.localPort,
    retransmissions: c.retransmissions,
  };
}

/** The YAML branch of `voiceload run`: validate, prepare the audio once, run the load over shards, write results. */
export async function runYamlScenario(config: RunConfig, version: string, io: CommandIo): Promise<number> {
  const v = validateScenario(config.scenarioFile);
  for (const w of v.warnings) io.stderr(`warning: ${w}\n`);
  if (v.problems.length > 0 || v.scenario === undefined) {
    io.stderr(`voiceload: invalid scenario ${config.scenarioFile} (${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}):\n`);
    for (const p of v.problems) io.stderr(`  ${formatProblem(p)}\n`);
    return ExitCode.usage;
  }
  const scenario = v.scenario;
  const target = config.remote !== undefined ? remoteToUri(config.remote, scenario.target) : scenario.target;
  if (target === undefined) {
    throw new VoiceloadError('CLI_USAGE', `${config.scenarioFile} names no target and none was given`, { hint: 'add `target: sip:agent@host:port` to the scenario, or pass --target or host:port' });
  }
  if (scenario.authUser !== undefined && config.password === undefined) {
    throw new VoiceloadError('CONFIG', `the scenario sets auth_user: its password must be in ${SIP_PASSWORD_ENV}`, { hint: `export ${SIP_PASSWORD_ENV}=… (it is never read from files or the command line)` });
  }
  // Synthesis and decoding happen here, once, before any call (the shards then read the cache).
  const prepared = await prepareScenario(scenario, {
    ...(config.speechCacheDir === undefined ? {} : { speech: { cacheDir: config.speechCacheDir } }),
    onProgress: (p) => {
      const how = p.cached === undefined ? '' : p.cached ? ' (speech from cache)' : ' (synthesised)';
      const decoder = p.decodedWith === undefined ? '' : ` (decoded with ${p.decodedWith})`;
      if (config.verbose) io.stderr(`prepared ${p.done}/${p.total}: ${p.label}${how}${decoder}\n`);
    },
  });
  const syn = prepared.synthesis;
  if (syn.texts > 0) {
    io.stderr(`speech: ${syn.texts} text${syn.texts === 1 ? '' : 's'}: ${syn.engineRuns} synthesised with espeak-ng, ${syn.cached} from the cache\n`);
  }
  const base: CallSetup = {
    ...DEFAULT_CALL_SETUP,
    target,
    localHost: config.localHost,
    ...(config.transport === undefined ? {} : { transport: config.transport }),
    ...(config.password === undefined ? {} : { auth: { username: '', password: config.password } }),
  };
  if (config.probe) {
    const probe = await probeTarget(target, { transport: config.transport ?? scenario.transport, localHost: config.localHost, clock: new SystemClock() });
    if (config.verbose) io.stderr(`target answered OPTIONS with ${probe.status} in ${Math.round(probe.rttMs)} ms\n`);
  }
  const plan = loadPlanOf(config);
  const shards = config.workers === 0 ? 1 : (config.workers ?? availableParallelism());
  const thresholds = [...scenario.thresholds, ...config.thresholds];
  io.stderr(`run ${config.runId}: ${describePlan(plan)} of ${scenario.name ?? scenario.file} to ${target}, ${shards} worker${shards === 1 ? '' : 's'}, seed ${config.seed}\n`);

  const progress = progressPrinter(io);
  const totalMs = plannedLengthMs(plan);
  const handle = startLoad({
    run: {
      scenarioFile: config.scenarioFile,
      base,
      plan,
      seed: config.seed,
      runId: config.runId,
      userAgent: `voiceload/${version}`,
      ...(config.speechCacheDir === undefined ? {} : { speechCacheDir: config.speechCacheDir }),
      ...(config.rtpPorts === undefined ? {} : { rtpPorts: config.rtpPorts }),
      ...(config.sipPort === undefined ? {} : { sipPort: config.sipPort }),
      ...(config.record === undefined || config.outDir === undefined ? {} : { record: config.record, outDir: config.outDir }),
    },
    shards,
    inProcess: config.workers === 0,
    clock: new SystemClock(),
    intervalMs: config.intervalMs,
    ...(config.outDir === undefined ? {} : { outDir: config.outDir }),
    ...(totalMs === undefined ? {} : { totalMs }),
    thresholds,
    abortOnFail: config.abortOnFail,
    summaryConfig: summaryConfigOf(config, target),
    tags: config.tags,
    version,
    ...(plan.model.kind === 'open' && plan.model.stages === undefined ? { targetRatePerSec: plan.model.ratePerSec } : {}),
    onProgress: (snap) => progress.update(formatProgress(snap)),
    onCallEnded: (record) => {
      if (config.json) io.stdout(JSON.stringify({ type: 'call', runId: config.runId, ...record }) + '\n');
      else if (config.verbose) progress.line(formatCallOutcomeLine(record.callNumber, record.detail as CallResult));
    },
    onShardError: (ev) => progress.line(`voiceload: worker ${ev.shard}: ${ev.message}${ev.hint === undefined ? '' : `\nhint: ${ev.hint}`}`),
  });
  let forced: ReturnType<typeof setTimeout> | undefined;
  const onStop = (): void => {
    handle.stop('interrupted');
    // Active calls get 2 s to end with BYE (or CANCEL); then the workers are ended regardless.
    forced = setTimeout(() => void handle.terminate(), STOP_GRACE_MS);
    forced.unref();
  };
  if (io.signal?.aborted === true) onStop();
  io.signal?.addEventListener('abort', onStop, { once: true });
  io.forceSignal?.addEventListener('abort', () => void handle.terminate(), { once: true });
  let outcome;
  try {
    outcome = await handle.done;
  } finally {
    clearTimeout(forced);
    io.signal?.removeEventListener('abort', onStop);
    progress.done();
  }
  const summary = outcome.summary;
  if (config.traceStat && config.outDir === undefined) {
    const file = `${basename(config.scenarioFile).replace(/\.[^.]*$/, '')}_${process.pid}_.csv`;
    writeFileSync(file, formatTimelineCsv(outcome.timeline, { startEpochMs: Date.parse(summary.startedAt), endMs: summary.durationMs }));
    outcome.files.push(file);
  }
  if (config.json) io.stdout(JSON.stringify({ type: 'summary', runId: config.runId, seed: config.seed, stoppedBy: outcome.stoppedBy, ...summary }) + '\n');
  else io.stdout(formatLoadSummary(summary) + '\n');
  for (const f of outcome.files) io.stderr(`wrote ${f}\n`);
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

/** After Ctrl-C, active calls have this long to end with BYE before the workers are stopped. */
const STOP_GRACE_MS = 2000;

/** The load plan of a run: -m stops after that many calls; without -m a run is bounded by --duration or the stages (else one call). */
export function loadPlanOf(c: RunConfig): LoadPlan {
  const open = c.model.kind === 'open';
  const bounded = c.durationMs !== undefined || c.model.stages !== undefined || !open;
  const maxCalls = c.callsGiven || !bounded ? c.calls : undefined;
  return {
    model: c.model,
    concurrencyCap: c.concurrency ?? maxCalls ?? 1_000_000,
    ...(maxCalls === undefined ? {} : { maxCalls }),
    ...(c.durationMs === undefined ? {} : { durationMs: c.durationMs }),
    seed: c.seed,
  };
}

function plannedLengthMs(plan: LoadPlan): number | undefined {
  const stages = plan.model.stages;
  const stagesMs = stages === undefined ? undefined : stages.reduce((t, s) => t + s.durationMs, 0);
  if (plan.durationMs === undefined) return stagesMs;
  return stagesMs === undefined ? plan.durationMs : Math.min(plan.durationMs, stagesMs);
}

function describePlan(plan: LoadPlan): string {
  const m = plan.model;
  const load =
    m.kind === 'open'
      ? m.stages === undefined
        ? `${round(m.ratePerSec)} calls/s (${m.arrivals})`
        : `open model, stages ${formatStages(m.stages)}`
      : m.stages === undefined
        ? `${m.users} users`
        : `closed model, stages ${formatStages(m.stages)}`;
  const cap = plan.concurrencyCap >= 1_000_000 ? '' : `, at most ${plan.concurrencyCap} at once`;
  const limit = plan.maxCalls === undefined ? '' : `, ${plan.maxCalls} call${plan.maxCalls === 1 ? '' : 's'}`;
  const duration = plan.durationMs === undefined ? '' : `, for ${formatDurationMs(plan.durationMs)}`;
  return `${load}${cap}${limit}${duration}`;
}

/** What summary.json records of the command line (the password never: it is not in RunConfig's copy). */
function summaryConfigOf(c: RunConfig, target: string): Record<string, unknown> {
  const { password: _password, ...rest } = c;
  return { ...rest, target };
}

/** Progress on stderr: rewritten in place on a terminal, one line per interval otherwise. */
function progressPrinter(io: CommandIo): { update: (s: string) => void; line: (s: string) => void; done: () => void } {
  const tty = io.stderrIsTty === true;
  let shown = false;
  return {
    update: (s) => {
      if (tty) {
        io.stderr(`\r\x1b[2K${s}`);
        shown = true;
      } else io.stderr(`${s}\n`);
    },
    line: (s) => {
      if (tty && shown) io.stderr('\r\x1b[2K');
      io.stderr(`${s}\n`);
      shown = false;
    },
    done: () => {
      if (tty && shown) io.stderr('\n');
      shown = false;
    },
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { SystemClock } from '../core/clock.js';
import { formatDurationMs } from '../core/duration.js';
import { isVoiceloadError, VoiceloadError } from '../core/errors.js';
import { SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { DEFAULT_CALL_SETUP } from '../engine/callConfig.js';
import type { CallRecord, LoadPlan } from '../load/loadTypes.js';
import { formatStages } from '../load/parseStages.js';
import { startLoad, type LoadRunOutcome } from '../load/runLoad.js';
import { formatLoadSummary } from '../report/loadSummary.js';
import { formatProgress, formatTimelineCsv } from '../results/index.js';
import { createTcpTransport, createUdpTransport, type SipTransport } from '../sip/transport/index.js';
import { formatSippCall, formatSippSummary } from '../sipp/formatSippRun.js';
import { prepareSippRun, type PreparedSippRun } from '../sipp/prepareSippRun.js';
import { runSippScenario } from '../sipp/runSippScenario.js';
import { createSippMediaFactory } from '../sipp/sippMedia.js';
import type { SippCallResult } from '../sipp/sippResult.js';
import { resolveSippRunOptions, type ResolvedSippRunOptions, type SippRunOptions } from '../sipp/sippRunOptions.js';
import { ExitCode } from './exitCodes.js';
import { remoteToUri, type RunConfig } from './runOptions.js';

export interface SippCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  signal?: AbortSignal;
}

/**
 * `voiceload run scenario.xml TARGET` before the load engine: a SIPp XML scenario at a fixed rate on
 * one transport in this thread, printing each failed call and a summary (or NDJSON). Returns the exit code.
 * @deprecated `voiceload run` uses {@link runSippLoad} (worker threads, load models, results files).
 */
export async function runSippCommand(file: string, opts: SippRunOptions, io: SippCommandIo): Promise<number> {
  let prepared;
  try {
    const options = resolveSippRunOptions({ ...opts, ...(opts.authPassword === undefined && process.env[SIP_PASSWORD_ENV] !== undefined ? { authPassword: process.env[SIP_PASSWORD_ENV] } : {}) });
    prepared = { ...prepareSippRun(file, options), options };
  } catch (e) {
    if (!isVoiceloadError(e)) throw e;
    io.stderr(`voiceload: ${e.message}\n${e.hint === undefined ? '' : `hint: ${e.hint}\n`}`);
    return e.code === 'CONFIG' || e.code === 'CLI_USAGE' || e.code.startsWith('AUDIO') ? ExitCode.usage : ExitCode.internal;
  }
  const { scenario, options, injection, files, needsMedia } = prepared;
  for (const w of scenario.warnings) io.stderr(`warning: ${w}\n`);

  const clock = new SystemClock();
  let transport: SipTransport;
  try {
    const bind = { host: options.localHost, port: options.localPort, clock };
    transport = options.transport === 'tcp' ? await createTcpTransport(bind) : await createUdpTransport(bind);
  } catch (e) {
    io.stderr(`voiceload: ${e instanceof Error ? e.message : String(e)}\n`);
    return ExitCode.internal;
  }
  let result;
  try {
    result = await runSippScenario(scenario, options, {
      clock,
      transport,
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      ...(needsMedia ? { media: createSippMediaFactory({ clock, localHost: options.localHost, files }) } : {}),
      ...(injection === undefined ? {} : { injection }),
      onWarning: (w) => io.stderr(`warning: ${w}\n`),
      onCallEnd: (r) => {
        if (opts.json === true) io.stdout(JSON.stringify({ type: 'call', ...r }) + '\n');
        else if (opts.verbose === true) io.stderr(formatSippCall(r) + '\n');
      },
    });
  } finally {
    // The last BYE/ACK/CANCEL datagrams leave before the socket closes.
    await new Promise((r) => setTimeout(r, 50));
    await transport.close();
  }
  if (opts.json === true) io.stdout(JSON.stringify({ type: 'summary', ...result.summary }) + '\n');
  else {
    if (opts.verbose !== true) {
      const failed = result.calls.filter((c) => c.outcome === 'failed');
      for (const c of failed.slice(0, 10)) io.stdout(formatSippCall(c) + '\n');
      if (failed.length > 10) io.stdout(`... and ${failed.length - 10} more failed calls\n`);
    }
    io.stdout(formatSippSummary(result.summary) + '\n');
  }
  if (result.summary.aborted) return ExitCode.aborted;
  return result.summary.failed > 0 || result.summary.callsStarted === 0 ? ExitCode.callFailed : ExitCode.ok;
}

/** Where `runSippLoad` writes: the process's streams in production, buffers in tests (runCommand's CommandIo fits). */
export interface SippLoadIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** First Ctrl-C: stop new calls, end the active ones (BYE, or CANCEL while ringing). */
  signal?: AbortSignal;
  /** Second Ctrl-C: stop at once, still writing what there is. */
  forceSignal?: AbortSignal;
  stderrIsTty?: boolean;
  /** Where -trace_stat writes `<scenario>_<pid>_.csv` without --out (SIPp: the working directory). Default process.cwd(). */
  cwd?: string;
}

/** After Ctrl-C, active calls have this long to end with BYE before the workers are stopped (as the YAML branch). */
const STOP_GRACE_MS = 2000;

/**
 * `voiceload run scenario.xml host[:port]` (or `-sf scenario.xml`) through the load engine: the
 * calls of a SIPp XML scenario spread over worker threads (one SIP transport per shard), under the
 * run's load model (-r/--rate-period, --users, --stages, --duration, -m, -l with drops), with the
 * YAML runs' results (--out: summary.json, timeline.csv, calls.ndjson, histograms.json; -trace_stat
 * without --out: SIPp's `<scenario>_<pid>_.csv` in the working directory), progress, thresholds and
 * Ctrl-C handling. Each lint warning is printed once per run. Returns the exit code: 0, 1 (calls
 * failed beyond --max-failure-rate), 2 (usage or scenario), 3 (no shard could start), 99, 130.
 */
export async function runSippLoad(config: RunConfig, version: string, io: SippLoadIo): Promise<number> {
  let options: ResolvedSippRunOptions;
  let prepared: PreparedSippRun;
  try {
    if (config.remote === undefined) {
      throw new VoiceloadError('CLI_USAGE', 'a SIPp scenario needs the remote: voiceload run scenario.xml host[:port]', { hint: 'or --target sip:user@host:port' });
    }
    options = resolveSippRunOptions(sippRunOptionsOf(config, config.remote));
    prepared = prepareSippRun(config.scenarioFile, options);
  } catch (e) {
    if (!isVoiceloadError(e)) throw e;
    io.stderr(`voiceload: ${e.message}\n${e.hint === undefined ? '' : `hint: ${e.hint}\n`}`);
    return e.code === 'CONFIG' || e.code === 'CLI_USAGE' || e.code.startsWith('AUDIO') ? ExitCode.usage : ExitCode.internal;
  }
  for (const w of prepared.scenario.warnings) io.stderr(`warning: ${w}\n`);
  if (config.record !== undefined) io.stderr('warning: --record keeps agent audio of YAML conversation scenarios; a SIPp scenario has none to keep (ignored)\n');
  const plan = sippLoadPlan(config);
  const shards = config.workers === 0 ? 1 : (config.workers ?? availableParallelism());
  // SIPp's -p is the first shard's SIP port (the next shards take the next ports), as --sip-port.
  const sipPort = config.sipPort ?? (config.localPort > 0 ? config.localPort : undefined);
  const remote = `${options.remote.host}:${options.remote.port}`;
  io.stderr(`run ${config.runId}: ${describePlan(plan)} of ${prepared.scenario.name ?? config.scenarioFile} to ${remote}, ${shards} worker${shards === 1 ? '' : 's'}, seed ${config.seed}\n`);

  const progress = progressPrinter(io);
  const rtd = new RtdMeans();
  const failed: SippCallResult[] = [];
  let failedCount = 0;
  const totalMs = plannedLengthMs(plan);
  const handle = startLoad({
    run: {
      scenarioFile: config.scenarioFile,
      kind: 'sipp',
      sipp: options,
      // Unused by SIPp shards (the scenario writes every message); kept so the shard config stays one shape.
      base: { ...DEFAULT_CALL_SETUP, target: remoteToUri(config.remote, undefined), localHost: options.localHost, transport: options.transport },
      plan,
      seed: config.seed,
      runId: config.runId,
      userAgent: `voiceload/${version}`,
      ...(config.rtpPorts === undefined ? {} : { rtpPorts: config.rtpPorts }),
      ...(sipPort === undefined ? {} : { sipPort }),
    },
    shards,
    inProcess: config.workers === 0,
    clock: new SystemClock(),
    intervalMs: config.intervalMs,
    ...(config.outDir === undefined ? {} : { outDir: config.outDir }),
    ...(totalMs === undefined ? {} : { totalMs }),
    thresholds: config.thresholds,
    abortOnFail: config.abortOnFail,
    summaryConfig: summaryConfigOf(config, remote),
    tags: config.tags,
    version,
    ...(plan.model.kind === 'open' && plan.model.stages === undefined ? { targetRatePerSec: plan.model.ratePerSec } : {}),
    onProgress: (snap) => progress.update(formatProgress(snap)),
    onCallEnded: (record: CallRecord) => {
      const r = record.detail as SippCallResult;
      rtd.add(r);
      if (r.outcome === 'failed') {
        failedCount++;
        if (failed.length < 10) failed.push(r);
      }
      if (config.json) io.stdout(JSON.stringify({ type: 'call', runId: config.runId, ...record }) + '\n');
      else if (config.verbose) progress.line(formatSippCall(r));
    },
    onShardError: (ev) => progress.line(`voiceload: worker ${ev.shard}: ${ev.message}${ev.hint === undefined ? '' : `\nhint: ${ev.hint}`}`),
    onWarning: (message) => progress.line(`warning: ${message}`),
  });
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
    // Found before any call (ports that do not fit, a scenario that changed under us).
    io.stderr(`voiceload: ${e.message}\n${e.hint === undefined ? '' : `hint: ${e.hint}\n`}`);
    return e.code === 'CONFIG' || e.code === 'CLI_USAGE' || e.code.startsWith('AUDIO') || e.code === 'PORTS_EXHAUSTED' ? ExitCode.usage : ExitCode.internal;
  } finally {
    clearTimeout(forced);
    io.signal?.removeEventListener('abort', onStop);
    io.forceSignal?.removeEventListener('abort', onForce);
    progress.done();
  }
  const summary = outcome.summary;
  if (config.traceStat && config.outDir === undefined) {
    const file = resolve(io.cwd ?? process.cwd(), `${basename(config.scenarioFile).replace(/\.[^.]*$/, '')}_${process.pid}_.csv`);
    writeFileSync(file, formatTimelineCsv(outcome.timeline, { startEpochMs: Date.parse(summary.startedAt), endMs: summary.durationMs }));
    outcome.files.push(file);
  }
  if (config.json) {
    io.stdout(JSON.stringify({ type: 'summary', runId: config.runId, seed: config.seed, stoppedBy: outcome.stoppedBy, warnings: outcome.warnings ?? [], rtdMeanMs: rtd.means(), ...summary }) + '\n');
  } else {
    for (const r of failed) io.stdout(formatSippCall(r) + '\n');
    if (failedCount > failed.length) io.stdout(`... and ${failedCount - failed.length} more failed calls\n`);
    io.stdout(formatLoadSummary(summary) + '\n');
    for (const [name, mean] of Object.entries(rtd.means())) io.stdout(`  response time ${name}: mean ${mean.toFixed(1)} ms over completed calls\n`);
  }
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

/** The SIPp options every call of the run shares; the load plan replaces -m/-l/-r, the shard's port -p. */
function sippRunOptionsOf(c: RunConfig, target: string): SippRunOptions {
  return {
    target,
    defaultPauseMs: c.defaultPauseMs,
    ...(c.injectionFile === undefined ? {} : { injectionFile: c.injectionFile }),
    strict: c.strict,
    localHost: c.localHost,
    ...(c.transport === undefined ? {} : { transport: c.transport }),
    seed: c.seed,
    ...(c.password === undefined ? {} : { authPassword: c.password }),
    ...(c.service === undefined ? {} : { service: c.service }),
    ...(c.authUser === undefined ? {} : { authUsername: c.authUser }),
    retransmissions: c.retransmissions,
  };
}

/** The load plan, as the YAML branch builds it: -m stops after that many calls; without -m a run is bounded by --duration or the stages (else one call). */
export function sippLoadPlan(c: RunConfig): LoadPlan {
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
        ? `${Math.round(m.ratePerSec * 100) / 100} calls/s (${m.arrivals})`
        : `open model, stages ${formatStages(m.stages)}`
      : m.stages === undefined
        ? `${m.users} users`
        : `closed model, stages ${formatStages(m.stages)}`;
  const cap = plan.concurrencyCap >= 1_000_000 ? '' : `, at most ${plan.concurrencyCap} at once`;
  const limit = plan.maxCalls === undefined ? '' : `, ${plan.maxCalls} call${plan.maxCalls === 1 ? '' : 's'}`;
  const duration = plan.durationMs === undefined ? '' : `, for ${formatDurationMs(plan.durationMs)}`;
  return `${load}${cap}${limit}${duration}`;
}

/** What summary.json records of the command line (never the password: RunConfig's copy is dropped). */
function summaryConfigOf(c: RunConfig, target: string): Record<string, unknown> {
  const { password: _password, ...rest } = c;
  return { ...rest, target };
}

/** Mean of each rtd timer over completed calls, kept as sums (a long run keeps no per-call list). */
class RtdMeans {
  private readonly sums = new Map<string, { sum: number; n: number }>();

  add(r: SippCallResult): void {
    if (r.outcome !== 'completed') return;
    for (const [name, ms] of Object.entries(r.rtdMs)) {
      const s = this.sums.get(name) ?? { sum: 0, n: 0 };
      s.sum += ms;
      s.n++;
      this.sums.set(name, s);
    }
  }

  means(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, s] of this.sums) out[name] = s.sum / s.n;
    return out;
  }
}

/** Progress on stderr: rewritten in place on a terminal, one line per interval otherwise. */
function progressPrinter(io: SippLoadIo): { update: (s: string) => void; line: (s: string) => void; done: () => void } {
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

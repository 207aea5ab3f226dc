import { isVoiceloadError, VoiceloadError } from '../core/errors.js';
import { DEFAULT_CALL_SETUP } from '../engine/callConfig.js';
import type { CallRecord } from '../load/loadTypes.js';
import { formatSippCall } from '../sipp/formatSippRun.js';
import { prepareSippRun, type PreparedSippRun } from '../sipp/prepareSippRun.js';
import type { SippCallResult } from '../sipp/sippResult.js';
import { resolveSippRunOptions, type ResolvedSippRunOptions, type SippRunOptions } from '../sipp/sippRunOptions.js';
import { ExitCode } from './exitCodes.js';
import type { CommandIo } from './progressPrinter.js';
import { runLoadCommand, summaryConfigOf } from './runLoadCommand.js';
import { remoteToUri, type RunConfig } from './runOptions.js';

/**
 * `voiceload run scenario.xml host[:port]` (or `-sf scenario.xml`) through the load engine: the
 * calls of a SIPp XML scenario spread over worker threads (one SIP transport per shard), under the
 * run's load model (-r/--rate-period, --users, --stages, --duration, -m, -l with drops), with the
 * YAML runs' results (--out: summary.json, timeline.csv, calls.ndjson, histograms.json; -trace_stat
 * without --out: SIPp's `<scenario>_<pid>_.csv` in the working directory), progress, thresholds and
 * Ctrl-C handling. Each lint warning is printed once per run. Returns the exit code: 0, 1 (calls
 * failed beyond --max-failure-rate), 2 (usage or scenario), 3 (no shard could start), 99, 130.
 */
export async function runSippLoad(config: RunConfig, version: string, io: CommandIo): Promise<number> {
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
  // SIPp's -p is the first shard's SIP port (the next shards take the next ports), as --sip-port.
  const sipPort = config.sipPort ?? (config.localPort > 0 ? config.localPort : undefined);
  const remote = `${options.remote.host}:${options.remote.port}`;
  const rtd = new RtdMeans();
  const failed: SippCallResult[] = [];
  let failedCount = 0;
  return runLoadCommand(
    {
      config,
      version,
      run: {
        scenarioFile: config.scenarioFile,
        kind: 'sipp',
        sipp: options,
        // Unused by SIPp shards (the scenario writes every message); kept so the shard config stays one shape.
        base: { ...DEFAULT_CALL_SETUP, target: remoteToUri(config.remote, undefined), localHost: options.localHost, transport: options.transport },
        userAgent: `voiceload/${version}`,
        ...(config.rtpPorts === undefined ? {} : { rtpPorts: config.rtpPorts }),
        ...(sipPort === undefined ? {} : { sipPort }),
      },
      scenarioLabel: prepared.scenario.name ?? config.scenarioFile,
      targetLabel: remote,
      thresholds: config.thresholds,
      summaryConfig: summaryConfigOf(config, remote),
      callLine: (record) => formatSippCall(record.detail as SippCallResult),
      onCallEnded: (record: CallRecord) => {
        const r = record.detail as SippCallResult;
        rtd.add(r);
        if (r.outcome === 'failed') {
          failedCount++;
          if (failed.length < 10) failed.push(r);
        }
      },
      summaryExtras: () => ({ rtdMeanMs: rtd.means() }),
      textExtras: () => [
        ...failed.map((r) => formatSippCall(r)),
        ...(failedCount > failed.length ? [`... and ${failedCount - failed.length} more failed calls`] : []),
        ...Object.entries(rtd.means()).map(([name, mean]) => `  response time ${name}: mean ${mean.toFixed(1)} ms over completed calls`),
      ],
    },
    io,
  );
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

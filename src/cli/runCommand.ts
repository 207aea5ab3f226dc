import { Command, Option } from 'commander';
import { SystemClock } from '../core/clock.js';
import { VoiceloadError } from '../core/errors.js';
import { createStderrLogger } from '../core/log.js';
import { formatProblem } from '../config/configProblem.js';
import { DEFAULT_CALL_SETUP, type CallSetup } from '../engine/callConfig.js';
import { prepareScenario } from '../engine/prepareScenario.js';
import { runScenario } from '../engine/runScenario.js';
import { formatCallLine, formatRunSummary, summarizeRun } from '../report/runSummary.js';
import { validateScenario } from '../scenario/validateScenario.js';
import { SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { ExitCode } from './exitCodes.js';
import { formatCallEvent } from './formatCallEvent.js';
import { buildRunConfig, remoteToUri, type RawRunOptions, type RunConfig } from './runOptions.js';
import { runSippCommand } from './runSippCommand.js';

/** Where a command writes: the process's streams in production, buffers in tests. */
export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  signal?: AbortSignal;
}

/**
 * `voiceload run <scenario>`: a YAML conversation scenario or a SIPp XML scenario, for `-m` calls,
 * at most `-l` at once, started at `-r` per second. SIPp's flags keep SIPp's meaning.
 */
export function registerRunCommand(program: Command, version: string, fail: (e: unknown) => never): void {
  program
    .command('run')
    .description('run a scenario (YAML conversation or SIPp XML) for many calls and summarise what they measured')
    .argument('[scenario]', 'scenario file: .yaml (conversation) or .xml (SIPp)')
    .argument('[remote]', "the target as SIPp takes it: host[:port] (or a SIP URI); overrides the scenario's target")
    .option('--sf <file>', 'SIPp scenario file (also -sf)')
    .option('--target <uri>', "the agent's SIP URI; overrides the scenario's target")
    .option('-m, --calls <n>', 'stop after this many calls', '1')
    .option('-l, --concurrency <n>', 'at most this many calls at once (default: no cap)')
    .option('-r, --rate <n>', 'new calls per rate period (SIPp -r)', '10')
    .option('--rate-period <ms>', 'the rate period in milliseconds (SIPp -rp)', '1000')
    .option('-d <ms>', "SIPp: milliseconds of each <pause/> without its own duration (the call's hold time)")
    .option('--inf <file>', 'SIPp: injection CSV for [field0..n] (also -inf)')
    .option('--strict', 'SIPp: fail calls on provisional responses the scenario does not expect, as SIPp does')
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
    .addOption(new Option('--trace-stat', 'accepted for SIPp compatibility (statistics files come with the load engine)').hideHelp())
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
      let interrupts = 0;
      const onSignal = (): void => {
        interrupts++;
        if (interrupts > 1) process.exit(ExitCode.aborted);
        process.stderr.write('voiceload: stopping: no new calls, ending active calls (Ctrl-C again to quit at once)\n');
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const io: CommandIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), signal: controller.signal };
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

/** The YAML branch of `voiceload run`: validate, prepare the audio once, run the calls, summarise. */
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
  const logger = createStderrLogger(config.verbose ? 'debug' : 'warn');
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
    ...(config.password === undefined ? {} : { auth: { username: '', password: config.password } }),
  };
  const concurrency = config.concurrency ?? config.calls;
  io.stderr(`run ${config.runId}: ${config.calls} call${config.calls === 1 ? '' : 's'} of ${scenario.name ?? scenario.file} to ${target}, at most ${concurrency} at once, ${round(config.ratePerSec)}/s, seed ${config.seed}\n`);
  const run = await runScenario(prepared, {
    clock: new SystemClock(),
    logger,
    base: config.transport === undefined ? base : { ...base, transport: config.transport },
    calls: config.calls,
    concurrency,
    ratePerSec: config.ratePerSec,
    seed: config.seed,
    runId: config.runId,
    userAgent: `voiceload/${version}`,
    ...(io.signal === undefined ? {} : { signal: io.signal }),
    ...(config.verbose ? { onCallEvent: (n: number, ev: Parameters<typeof formatCallEvent>[0]) => io.stderr(`[call ${n}] ${formatCallEvent(ev)}\n`) } : {}),
    onCallEnded: (rec) => {
      if (config.json) io.stdout(JSON.stringify({ type: 'call', runId: config.runId, callNumber: rec.callNumber, ...(rec.dataRow === undefined ? {} : { dataRow: rec.dataRow }), ...rec.result }) + '\n');
      else io.stdout(formatCallLine(rec.callNumber, rec.result) + '\n');
    },
  });
  const summary = summarizeRun(run.calls.map((c) => c.result));
  if (config.json) io.stdout(JSON.stringify({ type: 'summary', runId: run.runId, seed: config.seed, aborted: run.aborted, ...summary }) + '\n');
  else io.stdout(formatRunSummary(summary) + '\n');
  if (run.aborted) return ExitCode.aborted;
  return summary.failed > 0 ? ExitCode.callFailed : ExitCode.ok;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

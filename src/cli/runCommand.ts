import { Command, Option } from 'commander';
import { SystemClock } from '../core/clock.js';
import { DEFAULT_CALL_SETUP, type CallSetup } from '../engine/callConfig.js';
import { prepareScenario } from '../engine/prepareScenario.js';
import type { CallResult } from '../engine/callResult.js';
import { probeTarget } from '../load/probeTarget.js';
import { formatCallOutcomeLine } from '../report/callOutcomeLine.js';
import { SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { ExitCode } from './exitCodes.js';
import { processCommandIo } from './processCommandIo.js';
import { resolveRunScenario } from './resolveRunScenario.js';
import { buildRunConfig, type RawRunOptions, type RunConfig } from './runOptions.js';
import { runSippLoad } from './runSippCommand.js';
import { runLoadCommand, summaryConfigOf } from './runLoadCommand.js';
import type { CommandIo } from './progressPrinter.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

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
    .option('--out <dir>', 'write summary.json, timeline.csv, calls.ndjson, histograms.json here; --out openmetrics=FILE: as --openmetrics', collect)
    .option('--junit <file>', 'write JUnit XML at the end: a test case per threshold and one for --max-failure-rate')
    .option('--openmetrics <file>', 'write the summary as OpenMetrics text (voiceload_* metrics; tags, run_id, scenario as labels)')
    .option('--push-gateway <url>', 'PUT the summary to this Prometheus Pushgateway after the run (job voiceload, tags as grouping labels)')
    .option('--tag <name=value>', 'a tag for summary.json, e.g. build=abc123 (repeatable)', collect)
    .option('--threshold <rule>', "pass/fail rule, e.g. 'ttfa_ms: p(95)<1200' (repeatable; exit 99 when one fails)", collect)
    .option('--abort-on-fail', 'stop the run as soon as a threshold fails')
    .option('--record <what>', 'keep agent audio as WAV under --out: failed, slowest:N, or both')
    .option('--rtp-ports <range>', 'RTP ports to use, e.g. 20000-29999 (default: any free ports)')
    .option('--sip-port <port>', 'first local SIP port (one per worker; default: any free port)')
    .option('--workers <n>', 'worker threads (default: one per core; 0 runs calls in the main thread)')
    .option('--interval <time>', 'timeline and progress interval', '1s')
    .option('--no-probe', 'YAML scenarios: skip the OPTIONS request that checks the target answers before the first call')
    .option('--livekit', 'observe each call in its LiveKit room (hidden participant; LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET from the environment) for the per-turn STT/LLM/TTS breakdown')
    .option('--livekit-room-prefix <prefix>', 'only rooms with this prefix are looked into (the dispatch rule\'s; default vl-)')
    .option('--livekit-max-rooms <n>', 'observe at most this many rooms at once; calls beyond run unobserved (default 200)')
    .option('--scrape <url>', "the target's Prometheus endpoint (http://…/metrics), sampled every interval into --out DIR/scrape.csv (repeatable)", collect)
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
      const io = processCommandIo({ stopping: 'stopping: no new calls, ending active calls with BYE', stoppingNow: 'stopping now; writing what was measured' });
      let code: number;
      try {
        code = config.format === 'xml' ? await runSippLoad(config, version, io) : await runYamlScenario(config, version, io);
      } catch (e) {
        fail(e);
      }
      process.stdout.write('', () => process.exit(code));
    });
}

/** The YAML branch of `voiceload run`: validate, prepare the audio once, run the load over shards, write results. */
export async function runYamlScenario(config: RunConfig, version: string, io: CommandIo): Promise<number> {
  const resolved = resolveRunScenario(config, io);
  if (resolved === undefined) return ExitCode.usage;
  const { scenario, target } = resolved;
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
    // The user name comes from the scenario's auth_user, per call (it may be templated).
    ...(config.password === undefined || scenario.authUser === undefined ? {} : { auth: { username: '', password: config.password } }),
  };
  if (config.probe) {
    const probe = await probeTarget(target, { transport: config.transport ?? scenario.transport, localHost: config.localHost, clock: new SystemClock() });
    if (config.verbose) io.stderr(`target answered OPTIONS with ${probe.status} in ${Math.round(probe.rttMs)} ms\n`);
  }
  return runLoadCommand(
    {
      config,
      version,
      run: {
        scenarioFile: config.scenarioFile,
        base,
        userAgent: `voiceload/${version}`,
        ...(config.speechCacheDir === undefined ? {} : { speechCacheDir: config.speechCacheDir }),
        ...(config.rtpPorts === undefined ? {} : { rtpPorts: config.rtpPorts }),
        ...(config.sipPort === undefined ? {} : { sipPort: config.sipPort }),
        ...(config.record === undefined || config.outDir === undefined ? {} : { record: config.record, outDir: config.outDir }),
        ...(config.livekit === undefined ? {} : { testIdHeader: true }),
      },
      scenarioLabel: scenario.name ?? scenario.file,
      targetLabel: target,
      thresholds: [...scenario.thresholds, ...config.thresholds],
      summaryConfig: summaryConfigOf(config, target),
      callLine: (record) => formatCallOutcomeLine(record.callNumber, record.detail as CallResult),
    },
    io,
  );
}

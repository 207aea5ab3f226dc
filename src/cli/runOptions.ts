import { randomBytes } from 'node:crypto';
import { VoiceloadError } from '../core/errors.js';
import { SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { attemptInto } from './attemptInto.js';
import { parseDurationMs } from './duration.js';
import type { LoadModel } from '../load/loadTypes.js';
import { parseStages } from '../load/parseStages.js';
import { parsePortRange, type PortRange } from '../load/portRange.js';
import { parseRecordPolicy, type RecordPolicy } from '../load/recordPolicy.js';
import { parseThreshold } from '../results/parseThreshold.js';
import type { Threshold } from '../results/threshold.js';
import { checkScrapeUrl } from '../scrape/checkScrapeUrl.js';
import { LIVEKIT_API_KEY_ENV, LIVEKIT_API_SECRET_ENV, LIVEKIT_URL_ENV } from '../livekit/livekitCredentials.js';
import { DEFAULT_ROOM_PREFIX } from '../livekit/provisionSpec.js';

/** Options of `voiceload run` as the argument parser hands them over (strings, unvalidated). */
export interface RawRunOptions {
  sf?: string;
  target?: string;
  calls?: string;
  concurrency?: string;
  rate?: string;
  ratePeriod?: string;
  d?: string;
  inf?: string;
  strict?: boolean;
  seed?: string;
  runId?: string;
  transport?: string;
  localIp?: string;
  speechCache?: string;
  json?: boolean;
  verbose?: boolean;
  traceStat?: boolean;
  s?: string;
  authUser?: string;
  localPort?: string;
  t?: string;
  retrans?: boolean;
  users?: string;
  stages?: string;
  arrivals?: string;
  duration?: string;
  /** `--out DIR`, and `--out openmetrics=FILE` (repeatable: commander collects every value). */
  out?: string | string[];
  junit?: string;
  openmetrics?: string;
  pushGateway?: string;
  tag?: string[];
  threshold?: string[];
  abortOnFail?: boolean;
  record?: string;
  rtpPorts?: string;
  sipPort?: string;
  workers?: string;
  interval?: string;
  maxFailureRate?: string;
  probe?: boolean;
  /** `--scrape URL` (repeatable). */
  scrape?: string[];
  livekit?: boolean;
  livekitRoomPrefix?: string;
  livekitMaxRooms?: string;
}

/** A validated `voiceload run`. */
export interface RunConfig {
  scenarioFile: string;
  format: 'yaml' | 'xml';
  /** A SIP URI, or SIPp's host[:port]; undefined: the scenario's own target. */
  remote?: string;
  /** -m: stop after this many calls. */
  calls: number;
  /** -l: at most this many at once; undefined: no cap beyond `calls` (SIPp's default). */
  concurrency?: number;
  /** -r per --rate-period: new calls per second. */
  ratePerSec: number;
  /** -d: milliseconds of a SIPp <pause/> without its own duration (the hold time). */
  defaultPauseMs: number;
  /** -inf: SIPp injection CSV (XML scenarios). */
  injectionFile?: string;
  strict: boolean;
  seed: number;
  runId: string;
  transport?: 'udp' | 'tcp';
  localHost: string;
  speechCacheDir?: string;
  /** Digest password for scenarios with an auth user (from the environment only). */
  password?: string;
  /** SIPp -s: the [service] (user part of the Request-URI). */
  service?: string;
  /** SIPp -au: default user for [authentication]. */
  authUser?: string;
  /** SIPp -p: local SIP port (0 = any). */
  localPort: number;
  /** SIPp -nr: no UDP retransmissions. */
  retransmissions: boolean;
  /** The load: an open model at -r (constant or Poisson arrivals) or a closed one (--users), ramped by --stages. */
  model: LoadModel;
  /** --duration: stop starting calls after this long. */
  durationMs?: number;
  /** True when -m was given (otherwise a run with --duration/--stages/--users has no call limit). */
  callsGiven: boolean;
  outDir?: string;
  /** --junit FILE: JUnit XML of the thresholds, written at the end of the run. */
  junitFile?: string;
  /** --openmetrics FILE (or --out openmetrics=FILE): the summary as OpenMetrics text. */
  openMetricsFile?: string;
  /** --push-gateway URL: PUT the summary to this Pushgateway after the run. */
  pushGatewayUrl?: string;
  tags: Record<string, string>;
  thresholds: Threshold[];
  abortOnFail: boolean;
  record?: RecordPolicy;
  rtpPorts?: PortRange;
  sipPort?: number;
  /** Worker threads; 0 runs the calls in the main thread. Default: one per core. */
  workers?: number;
  intervalMs: number;
  /** Exit 1 when the share of failed calls is above this (default 0: any failed call). */
  maxFailureRate: number;
  /** YAML runs: check the target answers OPTIONS before the first call (--no-probe: don't). */
  probe: boolean;
  /** -trace_stat: write the timeline CSV even without --out (SIPp's <scenario>_<pid>_.csv). */
  traceStat: boolean;
  /** --scrape: Prometheus endpoints of the target, sampled every interval into --out's scrape.csv. */
  scrapeUrls?: string[];
  /**
   * --livekit: observe each call's LiveKit room for the per-turn stage breakdown. The credentials are
   * read from the environment when the run starts (never kept here: this config goes into summary.json).
   */
  livekit?: { roomPrefix: string; maxRooms: number };
  json: boolean;
  verbose: boolean;
}

/**
 * SIPp's single-dash long flags (`-sf`, `-inf`, `-trace_stat`, `-rp`) as commander's double-dash
 * ones, so command lines copied from SIPp work. Values are left alone.
 */
export function normalizeSippArgs(argv: readonly string[]): string[] {
  const map: Record<string, string> = {
    '-sf': '--sf',
    '-inf': '--inf',
    '-trace_stat': '--trace-stat',
    '-rp': '--rate-period',
    '-seed': '--seed',
    '-au': '--auth-user',
    '-nr': '--no-retrans',
  };
  return argv.map((a) => map[a] ?? a);
}

/** A target as the command line gives it: a SIP URI, or host[:port] (SIPp's remote_host[:port]). */
export function isRemoteSyntax(remote: string): boolean {
  return /^sips?:/i.test(remote) || /^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/i.test(remote);
}

/** Pure: command-line strings + environment → a RunConfig; every problem reported at once. */
export function buildRunConfig(scenarioArg: string | undefined, remoteArg: string | undefined, raw: RawRunOptions, env: Record<string, string | undefined>): RunConfig {
  const problems: string[] = [];
  // `voiceload run -sf x.xml 127.0.0.1:5060`: the one positional is the remote, as in SIPp.
  let file = raw.sf ?? scenarioArg;
  let remote = raw.target ?? (raw.sf !== undefined ? (remoteArg ?? scenarioArg) : remoteArg);
  if (raw.sf !== undefined && scenarioArg !== undefined && remoteArg !== undefined) problems.push('give the scenario once: either -sf FILE or as the first argument');
  if (file === undefined) {
    problems.push('no scenario: voiceload run <scenario.yaml|scenario.xml> [host:port]');
    file = '';
  }
  const format = /\.xml$/i.test(file) ? 'xml' : 'yaml';
  const int = (value: string | undefined, flag: string, min: number): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) {
      problems.push(`${flag} must be an integer ≥ ${min}, not "${value}"`);
      return undefined;
    }
    return n;
  };
  const calls = int(raw.calls, '-m/--calls', 1) ?? 1;
  const concurrency = int(raw.concurrency, '-l/--concurrency', 1);
  let rate = 10;
  if (raw.rate !== undefined) {
    rate = Number(raw.rate);
    if (!(rate > 0) || !Number.isFinite(rate)) problems.push(`-r/--rate must be a positive number of calls, not "${raw.rate}"`);
  }
  let periodMs = 1000;
  if (raw.ratePeriod !== undefined) {
    try {
      // SIPp's -rp is milliseconds; a duration with a unit is accepted too.
      periodMs = /^\d+$/.test(raw.ratePeriod) ? Number(raw.ratePeriod) : parseDurationMs(raw.ratePeriod, '--rate-period');
      if (periodMs <= 0) problems.push('--rate-period must be positive');
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  let defaultPauseMs = 0;
  if (raw.d !== undefined) {
    // SIPp's -d is milliseconds; "60s" is accepted too.
    try {
      defaultPauseMs = /^\d+$/.test(raw.d) ? Number(raw.d) : parseDurationMs(raw.d, '-d');
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  const seed = int(raw.seed, '--seed', 0) ?? randomBytes(4).readUInt32BE(0);
  if (raw.transport !== undefined && raw.transport !== 'udp' && raw.transport !== 'tcp') problems.push(`--transport must be udp or tcp, not "${raw.transport}"`);
  // SIPp -t: u1 (UDP, one socket), t1 (TCP, one connection); un/tn (a socket per call) run as u1/t1.
  const sippTransport = raw.t === undefined ? undefined : ({ u1: 'udp', un: 'udp', t1: 'tcp', tn: 'tcp' } as Record<string, 'udp' | 'tcp'>)[raw.t];
  if (raw.t !== undefined && sippTransport === undefined) problems.push(`-t takes u1, un, t1 or tn (SIPp's transport modes), not "${raw.t}"`);
  const transport = raw.transport === 'udp' || raw.transport === 'tcp' ? raw.transport : sippTransport;
  const localPort = int(raw.localPort, '-p/--local-port', 0) ?? 0;
  if (localPort > 65535) problems.push('-p/--local-port must be at most 65535');
  if (raw.inf !== undefined && format === 'yaml') problems.push('-inf is for SIPp XML scenarios; a YAML scenario names its CSV under data:');
  if (raw.strict === true && format === 'yaml') problems.push('--strict is for SIPp XML scenarios');
  if (format === 'yaml') {
    const sippOnly = [raw.s === undefined ? '' : '-s', raw.authUser === undefined ? '' : '-au', raw.localPort === undefined ? '' : '-p', raw.retrans === false ? '-nr' : '', raw.d === undefined ? '' : '-d'].filter((f) => f !== '');
    if (sippOnly.length > 0) problems.push(`${sippOnly.join(', ')} ${sippOnly.length === 1 ? 'is' : 'are'} for SIPp XML scenarios; a YAML scenario sets these in the file (to, auth_user, silence)`);
  }
  if (remote !== undefined && !isRemoteSyntax(remote)) problems.push(`remote "${remote}" is neither a SIP URI nor host[:port]`);
  const attempt = attemptInto(problems);
  const users = int(raw.users, '--users', 0);
  const stages = raw.stages === undefined ? undefined : attempt(() => parseStages(raw.stages ?? ''));
  const arrivals = raw.arrivals ?? 'constant';
  if (arrivals !== 'constant' && arrivals !== 'poisson') problems.push(`--arrivals must be constant or poisson, not "${arrivals}"`);
  if (users !== undefined && raw.rate !== undefined) problems.push('--users (closed model: keep N calls up) and -r (open model: calls per second) exclude each other');
  if (users !== undefined && arrivals === 'poisson') problems.push('--arrivals poisson is for the open model (-r), not --users');
  // With stages the ramp starts from -r / --users when given, else from 0 (k6's startRate / startVUs).
  const ratePerSec = (rate * 1000) / periodMs;
  const model: LoadModel =
    users !== undefined
      ? { kind: 'closed', users: users ?? 0, ...(stages === undefined ? {} : { stages }) }
      : { kind: 'open', arrivals: arrivals === 'poisson' ? 'poisson' : 'constant', ratePerSec: stages !== undefined && raw.rate === undefined ? 0 : ratePerSec, ...(stages === undefined ? {} : { stages }) };
  const durationMs = raw.duration === undefined ? undefined : attempt(() => parseDurationMs(raw.duration ?? '', '--duration'));
  const tags: Record<string, string> = {};
  for (const t of raw.tag ?? []) {
    const eq = t.indexOf('=');
    if (eq <= 0) problems.push(`--tag "${t}" is not name=value`);
    else tags[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  }
  const thresholds = (raw.threshold ?? []).flatMap((t) => {
    const parsed = attempt(() => parseThreshold(t));
    return parsed === undefined ? [] : [parsed];
  });
  const record = raw.record === undefined ? undefined : attempt(() => parseRecordPolicy(raw.record ?? ''));
  if (record !== undefined && outDirOf(raw.out) === undefined) problems.push('--record writes WAV files under --out DIR/recordings: give --out');
  const rtpPorts = raw.rtpPorts === undefined ? undefined : attempt(() => parsePortRange(raw.rtpPorts ?? ''));
  const sipPort = int(raw.sipPort, '--sip-port', 0);
  const workers = int(raw.workers, '--workers', 0);
  let intervalMs = 1000;
  if (raw.interval !== undefined) intervalMs = attempt(() => parseDurationMs(raw.interval ?? '', '--interval')) ?? 1000;
  if (intervalMs < 100) problems.push('--interval must be at least 100ms');
  let maxFailureRate = 0;
  if (raw.maxFailureRate !== undefined) {
    maxFailureRate = Number(raw.maxFailureRate);
    if (!(maxFailureRate >= 0 && maxFailureRate <= 1)) problems.push(`--max-failure-rate is a fraction from 0 to 1, not "${raw.maxFailureRate}"`);
  }
  const outputs = machineOutputsOf(raw, problems);
  const scrapeUrls = raw.scrape ?? [];
  problems.push(...scrapeUrls.flatMap((u) => checkScrapeUrl(u) ?? []));
  if (scrapeUrls.length > 0 && outputs.outDir === undefined) problems.push('--scrape writes what it samples to --out DIR/scrape.csv: give --out');
  const livekit = livekitOf(raw, format, env, problems);
  if (problems.length > 0) throw new VoiceloadError('CLI_USAGE', problems.join('\n'), { hint: 'run `voiceload run --help` for the options' });
  const password = env[SIP_PASSWORD_ENV];
  return {
    scenarioFile: file,
    format,
    ...(remote === undefined ? {} : { remote }),
    calls,
    ...(concurrency === undefined ? {} : { concurrency }),
    ratePerSec: (rate * 1000) / periodMs,
    defaultPauseMs,
    ...(raw.inf === undefined ? {} : { injectionFile: raw.inf }),
    strict: raw.strict === true,
    seed,
    runId: raw.runId ?? randomBytes(4).toString('hex'),
    ...(transport === undefined ? {} : { transport }),
    localHost: raw.localIp ?? '127.0.0.1',
    localPort,
    ...(raw.s === undefined ? {} : { service: raw.s }),
    ...(raw.authUser === undefined ? {} : { authUser: raw.authUser }),
    retransmissions: raw.retrans !== false,
    ...(raw.speechCache === undefined ? {} : { speechCacheDir: raw.speechCache }),
    ...(password === undefined || password === '' ? {} : { password }),
    model,
    ...(durationMs === undefined ? {} : { durationMs }),
    callsGiven: raw.calls !== undefined,
    ...outputs,
    tags,
    thresholds,
    abortOnFail: raw.abortOnFail === true,
    ...(record === undefined ? {} : { record }),
    ...(rtpPorts === undefined ? {} : { rtpPorts }),
    ...(sipPort === undefined ? {} : { sipPort }),
    ...(workers === undefined ? {} : { workers }),
    intervalMs,
    maxFailureRate,
    traceStat: raw.traceStat === true,
    ...(scrapeUrls.length === 0 ? {} : { scrapeUrls }),
    ...(livekit === undefined ? {} : { livekit }),
    probe: raw.probe !== false,
    json: raw.json === true,
    verbose: raw.verbose === true,
  };
}

/** The directory among the --out values (the ones that are not `openmetrics=FILE`). */
function outDirOf(out: string | string[] | undefined): string | undefined {
  return (typeof out === 'string' ? [out] : (out ?? [])).find((o) => !o.startsWith('openmetrics='));
}

/** --out DIR, --out openmetrics=FILE / --openmetrics FILE, --junit FILE, --push-gateway URL. */
function machineOutputsOf(raw: RawRunOptions, problems: string[]): Pick<RunConfig, 'outDir' | 'junitFile' | 'openMetricsFile' | 'pushGatewayUrl'> {
  const outs = typeof raw.out === 'string' ? [raw.out] : (raw.out ?? []);
  const dirs = outs.filter((o) => !o.startsWith('openmetrics='));
  const files = [...outs.filter((o) => o.startsWith('openmetrics=')).map((o) => o.slice('openmetrics='.length)), ...(raw.openmetrics === undefined ? [] : [raw.openmetrics])];
  if (dirs.length > 1) problems.push(`--out DIR given ${dirs.length} times (${dirs.join(', ')}): give one directory`);
  if (files.length > 1) problems.push('give the OpenMetrics file once: --openmetrics FILE or --out openmetrics=FILE');
  if (files.some((f) => f.trim() === '')) problems.push('--out openmetrics= needs a file name: --out openmetrics=FILE');
  if (raw.junit !== undefined && raw.junit.trim() === '') problems.push('--junit needs a file name');
  if (raw.pushGateway !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(raw.pushGateway);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) problems.push(`--push-gateway takes the Pushgateway's http(s) URL, e.g. http://127.0.0.1:9091, not "${raw.pushGateway}"`);
  }
  const dir = dirs[0];
  const file = files[0];
  return {
    ...(dir === undefined ? {} : { outDir: dir }),
    ...(file === undefined || file.trim() === '' ? {} : { openMetricsFile: file }),
    ...(raw.junit === undefined || raw.junit.trim() === '' ? {} : { junitFile: raw.junit }),
    ...(raw.pushGateway === undefined ? {} : { pushGatewayUrl: raw.pushGateway }),
  };
}

/** A SIPp-style host[:port] remote as a SIP URI (user `service`, SIPp's -s default, unless the scenario names one). */
export function remoteToUri(remote: string, scenarioTarget: string | undefined): string {
  if (/^sips?:/i.test(remote)) return remote;
  const user = scenarioTarget === undefined ? 'service' : (/^sips?:([^@;?]*)@/i.exec(scenarioTarget)?.[1] ?? 'service');
  return `sip:${user}@${remote}`;
}

/** --livekit and its settings; the credentials must be in the environment (checked here, read at run time). */
function livekitOf(raw: RawRunOptions, format: string, env: Record<string, string | undefined>, problems: string[]): RunConfig['livekit'] {
  if (raw.livekit !== true) {
    if (raw.livekitRoomPrefix !== undefined || raw.livekitMaxRooms !== undefined) problems.push('--livekit-room-prefix and --livekit-max-rooms go with --livekit');
    return undefined;
  }
  if (format !== 'yaml') problems.push('--livekit observes conversation scenarios (.yaml) whose calls carry X-Lk-Test-Id');
  const missing = [LIVEKIT_URL_ENV, LIVEKIT_API_KEY_ENV, LIVEKIT_API_SECRET_ENV].filter((n) => (env[n] ?? '').trim() === '');
  if (missing.length > 0) problems.push(`--livekit needs ${missing.join(', ')} in the environment (the LiveKit project's URL and API key)`);
  const maxRooms = raw.livekitMaxRooms === undefined ? 200 : Number(raw.livekitMaxRooms);
  if (!Number.isInteger(maxRooms) || maxRooms < 1) problems.push(`--livekit-max-rooms must be an integer ≥ 1, not "${raw.livekitMaxRooms}"`);
  return { roomPrefix: raw.livekitRoomPrefix ?? DEFAULT_ROOM_PREFIX, maxRooms };
}

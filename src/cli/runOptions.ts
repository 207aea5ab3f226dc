import { randomBytes } from 'node:crypto';
import { VoiceloadError } from '../core/errors.js';
import { SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { parseDurationMs } from './duration.js';

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
  if (remote !== undefined && !/^sips?:/i.test(remote) && !/^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/i.test(remote)) {
    problems.push(`remote "${remote}" is neither a SIP URI nor host[:port]`);
  }
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
    json: raw.json === true,
    verbose: raw.verbose === true,
  };
}

/** A SIPp-style host[:port] remote as a SIP URI (user `service`, SIPp's -s default, unless the scenario names one). */
export function remoteToUri(remote: string, scenarioTarget: string | undefined): string {
  if (/^sips?:/i.test(remote)) return remote;
  const user = scenarioTarget === undefined ? 'service' : (/^sips?:([^@;?]*)@/i.exec(scenarioTarget)?.[1] ?? 'service');
  return `sip:${user}@${remote}`;
}

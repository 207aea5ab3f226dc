import { randomBytes } from 'node:crypto';
import type { CapacitySettings } from '../capacity/capacityTypes.js';
import { validateCapacitySettings } from '../capacity/validateCapacitySettings.js';
import { isVoiceloadError, VoiceloadError } from '../core/errors.js';
import { SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { parseThreshold } from '../results/parseThreshold.js';
import type { Threshold } from '../results/threshold.js';
import { checkScrapeUrl } from '../scrape/checkScrapeUrl.js';
import { attemptInto } from './attemptInto.js';
import { parseDurationMs } from './duration.js';
import { isRemoteSyntax } from './runOptions.js';

/** Options of `voiceload capacity` as the argument parser hands them over (strings, unvalidated). */
export interface RawCapacityOptions {
  target?: string;
  slo?: string[];
  by?: string;
  start?: string;
  step?: string;
  factor?: string;
  max?: string;
  resolution?: string;
  stepDuration?: string;
  warmup?: string;
  out?: string;
  tag?: string[];
  workers?: string;
  seed?: string;
  runId?: string;
  localIp?: string;
  speechCache?: string;
  interval?: string;
  probe?: boolean;
  json?: boolean;
  /** `--scrape URL` (repeatable). */
  scrape?: string[];
}

/** A validated `voiceload capacity`. */
export interface CapacityConfig {
  scenarioFile: string;
  /** A SIP URI or host[:port]; undefined: the scenario's own target. */
  remote?: string;
  settings: CapacitySettings;
  slos: Threshold[];
  /** Each step: load held this long before measuring, then measured this long. */
  warmupMs: number;
  stepMs: number;
  outDir?: string;
  tags: Record<string, string>;
  /** Worker threads; 0 runs the calls in the main thread. Default: one per core. */
  workers?: number;
  seed: number;
  runId: string;
  localHost: string;
  speechCacheDir?: string;
  password?: string;
  intervalMs: number;
  probe: boolean;
  json: boolean;
  /** --scrape: Prometheus endpoints of the target, sampled into each step's scrape.csv and used in the hint. */
  scrapeUrls?: string[];
}

const HINT = "e.g. voiceload capacity scenario.yaml 127.0.0.1:5060 --slo 'ttfa_ms: p(95)<1200' --slo 'failure_rate: rate<0.01' --start 10 --step 10 (see `voiceload capacity --help`)";

/** Pure: command-line strings + environment → a CapacityConfig; every problem reported at once (CLI_USAGE). */
export function buildCapacityConfig(scenarioArg: string | undefined, remoteArg: string | undefined, raw: RawCapacityOptions, env: Record<string, string | undefined>): CapacityConfig {
  const problems: string[] = [];
  const attempt = attemptInto(problems);
  if (scenarioArg === undefined) problems.push('no scenario: voiceload capacity <scenario.yaml> [host:port | --target URI] --slo RULE');
  else if (/\.xml$/i.test(scenarioArg)) problems.push(`${scenarioArg}: capacity searches run YAML conversation scenarios, not SIPp XML`);
  if (raw.target !== undefined && remoteArg !== undefined) problems.push(`the target is given twice (${remoteArg} and --target ${raw.target}): give one`);
  const remote = raw.target ?? remoteArg;
  if (remote !== undefined && !isRemoteSyntax(remote)) problems.push(`target "${remote}" is neither a SIP URI nor host[:port]`);

  const slos = (raw.slo ?? []).flatMap((t) => {
    const parsed = attempt(() => parseThreshold(t, { origin: '--slo' }));
    return parsed === undefined ? [] : [parsed];
  });
  if ((raw.slo ?? []).length === 0) problems.push("at least one --slo is required, e.g. --slo 'ttfa_ms: p(95)<1200' --slo 'failure_rate: rate<0.01'");

  const by = raw.by ?? 'concurrency';
  if (by !== 'concurrency' && by !== 'rate') problems.push(`--by must be concurrency or rate, not "${by}"`);
  const num = (value: string | undefined, flag: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) {
      problems.push(`${flag} must be a number, not "${value}"`);
      return undefined;
    }
    return n;
  };
  const start = num(raw.start, '--start') ?? 10;
  const step = num(raw.step, '--step');
  const factor = num(raw.factor, '--factor');
  if (raw.step !== undefined && raw.factor !== undefined) problems.push('--step (add to the level) and --factor (multiply it) exclude each other: give one');
  const max = num(raw.max, '--max') ?? 2000;
  const resolution = num(raw.resolution, '--resolution') ?? (by === 'rate' ? Math.max(0.1, start / 10) : Math.max(1, Math.round(start / 10)));
  const settings: CapacitySettings = {
    by: by === 'rate' ? 'rate' : 'concurrency',
    start,
    ramp: factor !== undefined ? { kind: 'factor', factor } : { kind: 'step', step: step ?? start },
    max,
    resolution,
  };
  try {
    validateCapacitySettings(settings);
  } catch (e) {
    if (!isVoiceloadError(e)) throw e;
    problems.push(e.message.replace(/^capacity search: /, ''));
  }
  const stepMs = attempt(() => parseDurationMs(raw.stepDuration ?? '60s', '--step-duration'));
  if (stepMs !== undefined && stepMs < 1000) problems.push('--step-duration must be at least 1s');
  const warmupMs = attempt(() => parseDurationMs(raw.warmup ?? '10s', '--warmup'));
  const tags: Record<string, string> = {};
  for (const t of raw.tag ?? []) {
    const eq = t.indexOf('=');
    if (eq <= 0) problems.push(`--tag "${t}" is not name=value`);
    else tags[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  }
  const int = (value: string | undefined, flag: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) {
      problems.push(`${flag} must be an integer ≥ 0, not "${value}"`);
      return undefined;
    }
    return n;
  };
  const workers = int(raw.workers, '--workers');
  const seed = int(raw.seed, '--seed') ?? randomBytes(4).readUInt32BE(0);
  let intervalMs = 1000;
  if (raw.interval !== undefined) intervalMs = attempt(() => parseDurationMs(raw.interval ?? '', '--interval')) ?? 1000;
  if (intervalMs < 100) problems.push('--interval must be at least 100ms');
  const scrapeUrls = raw.scrape ?? [];
  problems.push(...scrapeUrls.flatMap((u) => checkScrapeUrl(u) ?? []));
  if (problems.length > 0) throw new VoiceloadError('CLI_USAGE', problems.join('\n'), { hint: HINT });
  const password = env[SIP_PASSWORD_ENV];
  return {
    scenarioFile: scenarioArg ?? '',
    ...(remote === undefined ? {} : { remote }),
    settings,
    slos,
    warmupMs: warmupMs ?? 0,
    stepMs: stepMs ?? 60_000,
    ...(raw.out === undefined ? {} : { outDir: raw.out }),
    tags,
    ...(workers === undefined ? {} : { workers }),
    seed,
    runId: raw.runId ?? randomBytes(4).toString('hex'),
    localHost: raw.localIp ?? '127.0.0.1',
    ...(raw.speechCache === undefined ? {} : { speechCacheDir: raw.speechCache }),
    ...(password === undefined || password === '' ? {} : { password }),
    intervalMs,
    probe: raw.probe !== false,
    json: raw.json === true,
    ...(scrapeUrls.length === 0 ? {} : { scrapeUrls }),
  };
}

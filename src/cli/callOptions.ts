import { VoiceloadError } from '../core/errors.js';
import { SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { DEFAULT_CALL_CONFIG, type CallConfig, type CodecName } from '../engine/callConfig.js';
import type { SipHeaderField } from '../sip/message.js';
import { parseDurationMs } from './duration.js';

/** Options of `voiceload call` as the argument parser hands them over (strings, unvalidated). */
export interface RawCallOptions {
  say?: string[];
  transport?: string;
  codec?: string;
  authUser?: string;
  header?: string[];
  greeting?: boolean;
  greetingTimeout?: string;
  replyTimeout?: string;
  ringTimeout?: string;
  mediaTimeout?: string;
  replyEndSilence?: string;
  thinkTime?: string;
  fromUser?: string;
  localIp?: string;
  localPort?: string;
  t1?: string;
}

/** The caller's digest password comes only from this environment variable. */
export const PASSWORD_ENV = SIP_PASSWORD_ENV;

const CODECS: Record<string, CodecName> = { pcmu: 'PCMU', pcma: 'PCMA' };
const HEADER_NAME = /^[A-Za-z0-9!%*_+`'~.-]+$/;
// Headers the user agent owns: letting argv override them would break the dialog.
const RESERVED = new Set(['via', 'from', 'to', 'call-id', 'cseq', 'contact', 'content-length', 'content-type', 'max-forwards']);

/**
 * Pure: command-line strings + environment → a validated CallConfig. Every problem is reported
 * at once (one error, one line per problem), not just the first.
 */
export function buildCallConfig(target: string, raw: RawCallOptions, env: Record<string, string | undefined>): CallConfig {
  const problems: string[] = [];
  const duration = (value: string | undefined, flag: string, fallback: number): number => {
    if (value === undefined) return fallback;
    try {
      return parseDurationMs(value, flag);
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
      return fallback;
    }
  };

  if (!/^sips?:/i.test(target)) problems.push(`target "${target}" is not a SIP URI (expected sip:user@host[:port])`);

  // Without --transport, a `;transport=` parameter in the target URI decides (RFC 3263 §4.1 spirit).
  const uriTransport = /;transport=(udp|tcp)(?=[;>?]|$)/i.exec(target)?.[1];
  const transport = (raw.transport ?? uriTransport ?? DEFAULT_CALL_CONFIG.transport).toLowerCase();
  if (transport !== 'udp' && transport !== 'tcp') problems.push(`--transport must be udp or tcp, not "${raw.transport}"`);

  let codecs = DEFAULT_CALL_CONFIG.codecs;
  if (raw.codec !== undefined) {
    const names = raw.codec.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
    const unknown = names.filter((c) => CODECS[c] === undefined);
    if (unknown.length > 0 || names.length === 0) problems.push(`--codec takes a list of pcmu,pcma; unknown: ${unknown.join(', ') || '(empty)'}`);
    else codecs = [...new Set(names.map((c) => CODECS[c] as CodecName))];
  }

  const headers: SipHeaderField[] = [];
  for (const h of raw.header ?? []) {
    const colon = h.indexOf(':');
    const name = colon < 0 ? '' : h.slice(0, colon).trim();
    const value = colon < 0 ? '' : h.slice(colon + 1).trim();
    if (!HEADER_NAME.test(name) || /[\r\n]/.test(value)) problems.push(`--header "${h}" is not "Name: value"`);
    else if (RESERVED.has(name.toLowerCase())) problems.push(`--header cannot set ${name}: voiceload manages it`);
    else headers.push({ name, value });
  }

  let auth: CallConfig['auth'];
  if (raw.authUser !== undefined) {
    const password = env[PASSWORD_ENV];
    if (password === undefined || password === '') problems.push(`--auth-user needs the password in the ${PASSWORD_ENV} environment variable`);
    else auth = { username: raw.authUser, password };
  }

  let localSipPort = DEFAULT_CALL_CONFIG.localSipPort;
  if (raw.localPort !== undefined) {
    localSipPort = Number(raw.localPort);
    if (!Number.isInteger(localSipPort) || localSipPort < 0 || localSipPort > 65535) problems.push(`--local-port must be 0..65535, not "${raw.localPort}"`);
  }

  const t1Ms = duration(raw.t1, '--t1', DEFAULT_CALL_CONFIG.timers.t1Ms);
  if (t1Ms <= 0) problems.push('--t1 must be positive');

  const config: CallConfig = {
    ...DEFAULT_CALL_CONFIG,
    target,
    transport: transport === 'tcp' ? 'tcp' : 'udp',
    codecs,
    sayFiles: raw.say ?? [],
    expectGreeting: raw.greeting ?? true,
    greetingTimeoutMs: duration(raw.greetingTimeout, '--greeting-timeout', DEFAULT_CALL_CONFIG.greetingTimeoutMs),
    replyTimeoutMs: duration(raw.replyTimeout, '--reply-timeout', DEFAULT_CALL_CONFIG.replyTimeoutMs),
    ringTimeoutMs: duration(raw.ringTimeout, '--ring-timeout', DEFAULT_CALL_CONFIG.ringTimeoutMs),
    mediaTimeoutMs: duration(raw.mediaTimeout, '--media-timeout', DEFAULT_CALL_CONFIG.mediaTimeoutMs),
    replyEndSilenceMs: duration(raw.replyEndSilence, '--reply-end-silence', DEFAULT_CALL_CONFIG.replyEndSilenceMs),
    thinkTimeMs: duration(raw.thinkTime, '--think-time', DEFAULT_CALL_CONFIG.thinkTimeMs),
    headers,
    fromUser: raw.fromUser ?? DEFAULT_CALL_CONFIG.fromUser,
    localHost: raw.localIp ?? DEFAULT_CALL_CONFIG.localHost,
    localSipPort,
    // RFC 3261 §17.1.2.2: T2 and T4 keep their defaults unless T1 grows past them.
    timers: { t1Ms, t2Ms: Math.max(DEFAULT_CALL_CONFIG.timers.t2Ms, t1Ms), t4Ms: DEFAULT_CALL_CONFIG.timers.t4Ms },
  };
  if (auth !== undefined) config.auth = auth;

  if (problems.length > 0) {
    throw new VoiceloadError('CLI_USAGE', problems.join('\n'), { hint: 'run `voiceload call --help` for the options' });
  }
  return config;
}

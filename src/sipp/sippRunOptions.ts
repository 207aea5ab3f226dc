import { VoiceloadError } from '../core/errors.js';
import { parseUri } from '../sip/uri.js';
import type { SipEndpoint } from '../sip/transport/transport.js';

/** `voiceload run scenario.xml` options, named after SIPp's (the flag in brackets). */
export interface SippRunOptions {
  /** The remote: host[:port] (port 5060 when absent) or a sip: URI, whose user becomes [service]. */
  target: string;
  /** Calls to place in all (-m). Default 1. */
  calls?: number;
  /** At most this many calls at once (-l). Default: `calls` (no cap below the total). */
  concurrency?: number;
  /** New calls per `ratePeriodMs` (-r). Default 10. */
  rate?: number;
  /** (-rp) Default 1000. */
  ratePeriodMs?: number;
  /** Length of every <pause/> without milliseconds (-d). Default 0. */
  defaultPauseMs?: number;
  /** SIPp injection CSV (-inf): [field0], [field1]... */
  injectionFile?: string;
  /** Fail calls on unexpected provisional responses, as SIPp does. Default false (absorb and warn once). */
  strict?: boolean;
  /** Local address for SIP and media (-i). Default 127.0.0.1. */
  localHost?: string;
  /** Local SIP port (-p); 0 = any free port. Default 0. */
  localPort?: number;
  /** (-t u1 / t1) Default udp. */
  transport?: 'udp' | 'tcp';
  /** Seeds RANDOM injection lines. Default 1. */
  seed?: number;
  /** Print per-call results as NDJSON and a summary object. */
  json?: boolean;
  /** Print each call's end as it happens, on stderr. */
  verbose?: boolean;
  /** [service] (-s). Default "service", or the user of a sip: target. */
  service?: string;
  /** Default user name for [authentication] (-au). Default: [service]. */
  authUsername?: string;
  /** Default password for [authentication] (-ap); the CLI reads VOICELOAD_SIP_PASSWORD. Never printed. */
  authPassword?: string;
  /** UDP retransmissions of requests (false = -nr). Default true. */
  retransmissions?: boolean;
  /** T1 for retransmissions without a retrans attribute. Default 500 ms. */
  t1Ms?: number;
  /** How long a <recv> without timeout= waits. Default 60 s (SIPp waits forever; a load test should not). */
  recvTimeoutMs?: number;
}

export interface ResolvedSippRunOptions {
  remote: SipEndpoint;
  calls: number;
  concurrency: number;
  rate: number;
  ratePeriodMs: number;
  defaultPauseMs: number;
  injectionFile: string | undefined;
  strict: boolean;
  localHost: string;
  localPort: number;
  transport: 'udp' | 'tcp';
  seed: number;
  service: string;
  authUsername: string | undefined;
  authPassword: string | undefined;
  retransmissions: boolean;
  t1Ms: number;
  recvTimeoutMs: number;
  /** SIPp's -max_invite_retrans / -max_non_invite_retrans defaults. */
  maxInviteRetrans: number;
  maxNonInviteRetrans: number;
}

function usage(message: string, hint?: string): VoiceloadError {
  return new VoiceloadError('CLI_USAGE', message, hint === undefined ? {} : { hint });
}

function positive(name: string, v: number | undefined, dflt: number, allowZero = false): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw usage(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${v}`);
  return v;
}

/** Reads host[:port] or a sip: URI; IPv6 in brackets. */
export function parseSippTarget(target: string): { remote: SipEndpoint; user?: string } {
  if (/^sips?:/i.test(target)) {
    let uri;
    try {
      uri = parseUri(target);
    } catch {
      throw usage(`cannot read the target URI "${target}"`, 'e.g. sip:agent@127.0.0.1:5060 or 127.0.0.1:5060');
    }
    return { remote: { host: uri.host.replace(/^\[|\]$/g, ''), port: uri.port ?? 5060 }, ...(uri.user === undefined ? {} : { user: uri.user }) };
  }
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(target);
  if (m === null || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))) {
    throw usage(`cannot read the target "${target}"`, 'host[:port] (port 5060 when absent) or a sip: URI');
  }
  return { remote: { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] === undefined ? 5060 : Number(m[2]) } };
}

/** Applies the defaults and checks the numbers (CLI_USAGE errors). */
export function resolveSippRunOptions(o: SippRunOptions): ResolvedSippRunOptions {
  const { remote, user } = parseSippTarget(o.target);
  const calls = Math.floor(positive('calls (-m)', o.calls, 1));
  return {
    remote,
    calls,
    concurrency: Math.floor(positive('concurrency (-l)', o.concurrency, calls)),
    rate: positive('rate (-r)', o.rate, 10),
    ratePeriodMs: positive('rate period', o.ratePeriodMs, 1000),
    defaultPauseMs: positive('default pause (-d)', o.defaultPauseMs, 0, true),
    injectionFile: o.injectionFile,
    strict: o.strict ?? false,
    localHost: o.localHost ?? '127.0.0.1',
    localPort: positive('local port', o.localPort, 0, true),
    transport: o.transport ?? 'udp',
    seed: o.seed ?? 1,
    service: o.service ?? user ?? 'service',
    authUsername: o.authUsername,
    authPassword: o.authPassword,
    retransmissions: o.retransmissions ?? true,
    t1Ms: positive('T1', o.t1Ms, 500),
    recvTimeoutMs: positive('receive timeout', o.recvTimeoutMs, 60_000),
    maxInviteRetrans: 5,
    maxNonInviteRetrans: 7,
  };
}

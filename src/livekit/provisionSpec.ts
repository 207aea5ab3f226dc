import { VoiceloadError } from '../core/errors.js';
import { LIVEKIT_SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { addressFilterProblem } from './addressFilter.js';
import { phoneNumberProblem } from './phoneNumber.js';

/** Options of `voiceload livekit setup` as the argument parser hands them over (unvalidated). */
export interface RawProvisionOptions {
  number?: string[];
  allowedAddress?: string[];
  authUser?: string;
  agentName?: string;
  roomPrefix?: string;
  name?: string;
  sipHost?: string;
}

/** What `voiceload livekit setup` provisions: one inbound trunk and one individual dispatch rule. */
export interface ProvisionSpec {
  /** Name of the trunk and of the dispatch rule, as shown in the LiveKit dashboard. */
  name: string;
  numbers: string[];
  /** IPs or CIDR blocks the trunk accepts calls from; empty = any source. */
  allowedAddresses: string[];
  /** Digest credentials callers must present; the password comes from the environment only. */
  auth?: { username: string; password: string };
  /** Agent dispatched explicitly into each call's room; absent = rely on automatic dispatch. */
  agentName?: string;
  /** Each call gets its own room, named by LiveKit from this prefix and the caller's number. */
  roomPrefix: string;
  /** The project's SIP host (e.g. `<id>.sip.livekit.cloud`), when the user gave it. */
  sipHost?: string;
}

export const DEFAULT_PROVISION_NAME = 'voiceload';
export const DEFAULT_ROOM_PREFIX = 'vl-';

const SIP_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Pure: command-line strings + environment → a validated ProvisionSpec. Every problem is listed
 * in one CLI_USAGE error. The digest password is read from LIVEKIT_SIP_PASSWORD_ENV and never
 * appears in a message.
 */
export function buildProvisionSpec(raw: RawProvisionOptions, env: Record<string, string | undefined>): ProvisionSpec {
  const problems: string[] = [];
  const numbers = raw.number ?? [];
  if (numbers.length === 0) problems.push('--number is required (the number callers dial, e.g. --number +15550100)');
  for (const n of numbers) {
    const p = phoneNumberProblem(n);
    if (p !== undefined) problems.push(p);
  }
  const duplicates = [...new Set(numbers.filter((n, i) => numbers.indexOf(n) !== i))];
  if (duplicates.length > 0) problems.push(`--number given twice: ${duplicates.join(', ')}`);

  const allowedAddresses = raw.allowedAddress ?? [];
  for (const a of allowedAddresses) {
    const p = addressFilterProblem(a);
    if (p !== undefined) problems.push(p);
  }

  const text = (value: string | undefined, flag: string, fallback?: string): string | undefined => {
    const v = value ?? fallback;
    if (v === undefined) return undefined;
    if (v.trim() === '' || CONTROL.test(v) || /\s/.test(v)) problems.push(`${flag} "${v}" must be non-empty, without spaces or control characters`);
    else if (v.length > 128) problems.push(`${flag} is longer than 128 characters`);
    return v;
  };
  const name = text(raw.name, '--name', DEFAULT_PROVISION_NAME) ?? DEFAULT_PROVISION_NAME;
  const roomPrefix = text(raw.roomPrefix, '--room-prefix', DEFAULT_ROOM_PREFIX) ?? DEFAULT_ROOM_PREFIX;
  const agentName = text(raw.agentName, '--agent-name');
  const authUser = text(raw.authUser, '--auth-user');

  let auth: ProvisionSpec['auth'];
  if (authUser !== undefined) {
    const password = env[LIVEKIT_SIP_PASSWORD_ENV];
    if (password === undefined || password === '') problems.push(`--auth-user needs the trunk's digest password in the ${LIVEKIT_SIP_PASSWORD_ENV} environment variable`);
    else auth = { username: authUser, password };
  }

  if (raw.sipHost !== undefined) {
    if (/^sips?:/i.test(raw.sipHost) || raw.sipHost.includes('@')) problems.push(`--sip-host "${raw.sipHost}": give the host only, e.g. abc123.sip.livekit.cloud (voiceload builds sip:<number>@<host>)`);
    else if (!SIP_HOST.test(raw.sipHost)) problems.push(`--sip-host "${raw.sipHost}" is not a host name or host:port`);
  }

  if (problems.length > 0) {
    throw new VoiceloadError('CLI_USAGE', `livekit setup: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`}`, {
      hint: 'voiceload livekit setup --number +15550100 [--allowed-address 203.0.113.0/24] [--auth-user U] [--agent-name my-agent] [--sip-host <id>.sip.livekit.cloud]',
    });
  }
  return {
    name,
    numbers,
    allowedAddresses,
    ...(auth === undefined ? {} : { auth }),
    ...(agentName === undefined ? {} : { agentName }),
    roomPrefix,
    ...(raw.sipHost === undefined ? {} : { sipHost: raw.sipHost }),
  };
}

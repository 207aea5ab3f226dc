import { createHash, randomBytes } from 'node:crypto';
import { VoiceloadError } from '../core/errors.js';
import type { RandomBytes } from './identifiers.js';
import { isTokenChar, isWsp, quote, scanQuoted, skipWsp, unquote } from './sipChars.js';

/** A Digest challenge from WWW-Authenticate / Proxy-Authenticate (RFC 3261 §22.4, RFC 7616 §3.3). */
export interface DigestChallenge {
  scheme: 'Digest';
  realm: string;
  nonce: string;
  opaque?: string;
  /** 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess' in canonical spelling, other values as written; 'MD5' when absent. */
  algorithm: string;
  /** qop options offered (e.g. ['auth', 'auth-int']); empty when the server sent no qop (RFC 2069 style). */
  qop: string[];
  stale?: boolean;
  /** RFC 7616 §3.4.4: the server wants the username hashed. */
  userhash?: boolean;
}

const HASHES: Readonly<Record<string, { hash: 'md5' | 'sha256'; sess: boolean; rank: number }>> = {
  'SHA-256': { hash: 'sha256', sess: false, rank: 0 },
  'SHA-256-sess': { hash: 'sha256', sess: true, rank: 1 },
  MD5: { hash: 'md5', sess: false, rank: 2 },
  'MD5-sess': { hash: 'md5', sess: true, rank: 3 },
};

function canonicalAlgorithm(a: string): string {
  for (const known of Object.keys(HASHES)) if (known.toLowerCase() === a.toLowerCase()) return known;
  return a;
}

function authError(message: string): VoiceloadError {
  return new VoiceloadError('SIP_AUTH', message, { hint: 'the server sent a challenge voiceload cannot answer' });
}

/**
 * Splits `Scheme name=value, name="quoted", ...` (RFC 7235 §2.1 auth-params; names lower-cased, quoted values
 * unquoted). Also reads Authorization values, e.g. for a UAS checking credentials. Parsing stops at a second
 * challenge in the same field (a bare token not followed by "=").
 */
export function parseAuthParams(value: string): { scheme: string; params: Map<string, string> } {
  let i = skipWsp(value, 0);
  const schemeStart = i;
  while (i < value.length && isTokenChar(value.charCodeAt(i))) i++;
  const scheme = value.slice(schemeStart, i);
  if (scheme.length === 0) throw authError('authentication header without a scheme');
  const params = new Map<string, string>();
  while (i < value.length) {
    while (i < value.length && (isWsp(value.charCodeAt(i)) || value.charCodeAt(i) === 0x2c)) i++;
    const nameStart = i;
    while (i < value.length && isTokenChar(value.charCodeAt(i))) i++;
    if (i === nameStart) {
      if (i < value.length) throw authError(`malformed auth parameters near "${value.slice(i, i + 20)}"`);
      break;
    }
    const name = value.slice(nameStart, i).toLowerCase();
    i = skipWsp(value, i);
    if (value.charCodeAt(i) !== 0x3d) break;
    i = skipWsp(value, i + 1);
    let v: string;
    if (value.charCodeAt(i) === 0x22) {
      const end = scanQuoted(value, i);
      if (end < 0) throw authError(`unterminated quoted string in auth parameter ${name}`);
      v = unquote(value.slice(i, end));
      i = end;
    } else {
      const vStart = i;
      while (i < value.length && value.charCodeAt(i) !== 0x2c && !isWsp(value.charCodeAt(i))) i++;
      v = value.slice(vStart, i);
    }
    if (!params.has(name)) params.set(name, v);
  }
  return { scheme, params };
}

/**
 * Parses one WWW-Authenticate / Proxy-Authenticate field value (`Digest realm="..", nonce="..", qop="auth"`).
 * Throws SIP_AUTH for another scheme or when realm/nonce are missing; the caller passes each field in turn.
 */
export function parseChallenge(value: string): DigestChallenge {
  const { scheme, params } = parseAuthParams(value);
  if (scheme.toLowerCase() !== 'digest') throw authError(`unsupported authentication scheme "${scheme}"`);
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (realm === undefined || nonce === undefined) throw authError('Digest challenge without realm or nonce');
  const challenge: DigestChallenge = {
    scheme: 'Digest',
    realm,
    nonce,
    algorithm: canonicalAlgorithm(params.get('algorithm') ?? 'MD5'),
    qop: (params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase()).filter((q) => q.length > 0),
  };
  const opaque = params.get('opaque');
  if (opaque !== undefined) challenge.opaque = opaque;
  const stale = params.get('stale');
  if (stale !== undefined) challenge.stale = stale.toLowerCase() === 'true';
  const userhash = params.get('userhash');
  if (userhash !== undefined) challenge.userhash = userhash.toLowerCase() === 'true';
  return challenge;
}

function isSupported(c: DigestChallenge): boolean {
  return HASHES[c.algorithm] !== undefined && (c.qop.length === 0 || c.qop.includes('auth') || c.qop.includes('auth-int'));
}

/** Picks the challenge to answer: the strongest supported algorithm (SHA-256 before MD5, RFC 7616 §3.7), else undefined. */
export function chooseChallenge(challenges: readonly DigestChallenge[]): DigestChallenge | undefined {
  let best: DigestChallenge | undefined;
  for (const c of challenges) {
    if (!isSupported(c)) continue;
    if (best === undefined || (HASHES[c.algorithm]?.rank ?? 9) < (HASHES[best.algorithm]?.rank ?? 9)) best = c;
  }
  return best;
}

export interface DigestAuthorizationInput {
  challenge: DigestChallenge;
  method: string;
  /** digest-uri: the Request-URI of the request being authorised (RFC 3261 §22.4). */
  uri: string;
  username: string;
  password: string;
  /** Client nonce; random when omitted (needed with qop and -sess algorithms). */
  cnonce?: string;
  /** Nonce count for this nonce, starting at 1 (RFC 7616 §3.4). */
  nc?: number;
  /** Request body, hashed with qop=auth-int. */
  body?: Buffer;
  /** Force a qop among those offered; default 'auth' when offered, else 'auth-int'. */
  qop?: 'auth' | 'auth-int';
  random?: RandomBytes;
}

/** Builds the Authorization / Proxy-Authorization value answering `challenge` (RFC 2617 §3.2.2, RFC 7616 §3.4). */
export function computeDigestAuthorization(input: DigestAuthorizationInput): string {
  const { challenge, method, uri, username, password } = input;
  const algo = HASHES[challenge.algorithm];
  if (algo === undefined) throw authError(`unsupported Digest algorithm "${challenge.algorithm}"`);
  const h = (data: string | Buffer): string => createHash(algo.hash).update(data).digest('hex');

  let qop: 'auth' | 'auth-int' | undefined;
  if (input.qop !== undefined) {
    if (!challenge.qop.includes(input.qop)) throw authError(`qop ${input.qop} was not offered`);
    qop = input.qop;
  } else if (challenge.qop.includes('auth')) qop = 'auth';
  else if (challenge.qop.includes('auth-int')) qop = 'auth-int';
  else if (challenge.qop.length > 0) throw authError(`no supported qop among ${challenge.qop.join(', ')}`);

  const needCnonce = qop !== undefined || algo.sess;
  const cnonce = input.cnonce ?? (input.random ?? randomBytes)(16).toString('hex');
  const nc = (input.nc ?? 1).toString(16).padStart(8, '0');
  const user = challenge.userhash === true ? h(`${username}:${challenge.realm}`) : username;

  let ha1 = h(`${username}:${challenge.realm}:${password}`);
  if (algo.sess) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = qop === 'auth-int' ? h(`${method}:${uri}:${h(input.body ?? Buffer.alloc(0))}`) : h(`${method}:${uri}`);
  const response = qop === undefined ? h(`${ha1}:${challenge.nonce}:${ha2}`) : h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}`);

  let out = `Digest username=${quote(user)}, realm=${quote(challenge.realm)}, nonce=${quote(challenge.nonce)}, uri=${quote(uri)}`;
  out += `, algorithm=${challenge.algorithm}`;
  if (qop !== undefined) out += `, qop=${qop}, nc=${nc}`;
  if (needCnonce) out += `, cnonce=${quote(cnonce)}`;
  out += `, response="${response}"`;
  if (challenge.opaque !== undefined) out += `, opaque=${quote(challenge.opaque)}`;
  if (challenge.userhash === true) out += ', userhash=true';
  return out;
}

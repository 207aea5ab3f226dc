import { createHash, timingSafeEqual } from 'node:crypto';
import { parseAuthParams } from './digest.js';

/**
 * What a UAS makes of an Authorization / Proxy-Authorization value:
 * - 'missing': no Digest credentials for our realm: challenge (again);
 * - 'bad': credentials for our realm that do not verify (wrong user or password, malformed);
 * - 'stale': the digest is right but `nonceIsValid` refused its nonce: re-challenge with stale=true (RFC 2617 §3.2.1);
 * - 'ok'.
 */
export type DigestVerdict = 'ok' | 'missing' | 'bad' | 'stale';

export interface DigestVerifyInput {
  /** The Authorization or Proxy-Authorization header value, if any. */
  headerValue: string | undefined;
  method: string;
  realm: string;
  username: string;
  password: string;
  /** Whether we issued this nonce and still accept it; every nonce is accepted without it. */
  nonceIsValid?: (nonce: string) => boolean;
  /** The request body, needed to verify qop=auth-int. */
  body?: Buffer;
}

const ALGORITHMS: Readonly<Record<string, { hash: 'md5' | 'sha256'; sess: boolean }>> = {
  md5: { hash: 'md5', sess: false },
  'md5-sess': { hash: 'md5', sess: true },
  'sha-256': { hash: 'sha256', sess: false },
  'sha-256-sess': { hash: 'sha256', sess: true },
};

/**
 * Checks Digest credentials (RFC 2617 §3.2.2, RFC 7616 §3.4, RFC 3261 §22.4) by recomputing the response
 * from the header's own nonce, uri, qop, nc, cnonce and algorithm with the password we know, and comparing
 * in constant time. A wrong password and a wrong username are both 'bad' and cost the same.
 */
export function verifyDigestAuthorization(input: DigestVerifyInput): DigestVerdict {
  const value = input.headerValue?.trim();
  if (value === undefined || value.length === 0) return 'missing';
  let scheme: string;
  let params: Map<string, string>;
  try {
    ({ scheme, params } = parseAuthParams(value));
  } catch {
    return 'bad';
  }
  if (scheme.toLowerCase() !== 'digest') return 'missing';
  // Credentials for another realm (e.g. meant for a proxy on the way) are not an answer to our challenge.
  if (params.get('realm') !== input.realm) return 'missing';
  const nonce = params.get('nonce');
  const uri = params.get('uri');
  const response = params.get('response');
  const algo = ALGORITHMS[(params.get('algorithm') ?? 'MD5').toLowerCase()];
  if (nonce === undefined || uri === undefined || response === undefined || algo === undefined) return 'bad';
  const h = (data: string | Buffer): string => createHash(algo.hash).update(data).digest('hex');

  const qop = params.get('qop')?.toLowerCase();
  const nc = params.get('nc');
  const cnonce = params.get('cnonce');
  if (qop !== undefined && (qop !== 'auth' && qop !== 'auth-int')) return 'bad';
  if ((qop !== undefined || algo.sess) && cnonce === undefined) return 'bad';
  if (qop !== undefined && nc === undefined) return 'bad';
  if (qop === 'auth-int' && input.body === undefined) return 'bad';

  // RFC 7616 §3.4.4: with userhash the username parameter is H(username:realm).
  const userhash = params.get('userhash')?.toLowerCase() === 'true';
  const expectedUser = userhash ? h(`${input.username}:${input.realm}`) : input.username;
  const userOk = constantTimeEqual(params.get('username') ?? '', expectedUser);

  let ha1 = h(`${input.username}:${input.realm}:${input.password}`);
  if (algo.sess) ha1 = h(`${ha1}:${nonce}:${cnonce ?? ''}`);
  const ha2 = qop === 'auth-int' ? h(`${input.method}:${uri}:${h(input.body ?? Buffer.alloc(0))}`) : h(`${input.method}:${uri}`);
  const expected =
    qop === undefined ? h(`${ha1}:${nonce}:${ha2}`) : h(`${ha1}:${nonce}:${nc ?? ''}:${cnonce ?? ''}:${qop}:${ha2}`);
  const responseOk = constantTimeEqual(response.toLowerCase(), expected);
  if (!(userOk && responseOk)) return 'bad';
  if (input.nonceIsValid !== undefined && !input.nonceIsValid(nonce)) return 'stale';
  return 'ok';
}

/** String equality whose time does not depend on where the strings differ. */
function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    timingSafeEqual(bb, bb);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

import { formatParams, parseParams, type SipParams } from './params.js';
import { isTokenChar, isWsp, skipWsp } from './sipChars.js';
import { sipParseError } from './sipErrors.js';
import { parseHostPort } from './uri.js';

/** One Via value (RFC 3261 §20.42): `SIP/2.0/UDP host[:port];branch=...;received=...;rport`. */
export interface Via {
  /** Upper-cased sent-protocol without LWS, e.g. "SIP/2.0/UDP". formatVia writes this. */
  protocol: string;
  /** Last part of `protocol`, e.g. "UDP", "TCP", "TLS" (unknown transports kept: RFC 4475 §3.1.1.10). */
  transport: string;
  /** Host name or IPv4; IPv6 keeps its brackets. */
  host: string;
  port?: number;
  /** branch, received, rport (null when sent as a flag — RFC 3581), maddr, ttl, extensions. */
  params: SipParams;
}

function readToken(s: string, i: number): number {
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

function dropWspAroundColon(s: string): string {
  if (s.indexOf(' ') < 0 && s.indexOf('\t') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; ) {
    if (!isWsp(s.charCodeAt(i))) {
      out += s[i++];
      continue;
    }
    let j = i;
    while (j < s.length && isWsp(s.charCodeAt(j))) j++;
    if (s[i - 1] !== ':' && s[j] !== ':') out += s.slice(i, j); // kept, so parseHostPort rejects it
    i = j;
  }
  return out;
}

/** Parses one Via value; LWS is allowed around "/" and ":" (RFC 3261 §25.1 SLASH, COLON). */
export function parseVia(value: string): Via {
  const s = value;
  const parts: string[] = [];
  let i = skipWsp(s, 0);
  for (let k = 0; k < 3; k++) {
    if (k > 0) {
      if (s.charCodeAt(i) !== 0x2f) throw sipParseError('via', `malformed sent-protocol in Via "${s}"`, 'Via');
      i = skipWsp(s, i + 1);
    }
    const end = readToken(s, i);
    if (end === i) throw sipParseError('via', `malformed sent-protocol in Via "${s}"`, 'Via');
    parts.push(s.slice(i, end).toUpperCase());
    i = skipWsp(s, end);
  }
  const transport = parts[2] ?? '';
  if (!isWsp(s.charCodeAt(i - 1))) throw sipParseError('via', `missing space before sent-by in Via "${s}"`, 'Via');
  let end = i;
  while (end < s.length && s.charCodeAt(end) !== 0x3b) end++;
  // LWS may surround the port's ":" (COLON), nowhere else inside sent-by.
  const sentBy = dropWspAroundColon(s.slice(i, end).trim());
  if (sentBy.length === 0) throw sipParseError('via', `missing sent-by in Via "${s}"`, 'Via');
  let hp: { host: string; port?: number };
  try {
    hp = parseHostPort(sentBy, 'Via');
  } catch (cause) {
    throw sipParseError('via', `malformed sent-by in Via "${s}"`, 'Via');
  }
  const via: Via = { protocol: parts.join('/'), transport, host: hp.host, params: parseParams(s, end, 'Via') };
  if (hp.port !== undefined) via.port = hp.port;
  return via;
}

export function formatVia(via: Via): string {
  return `${via.protocol} ${via.host}${via.port === undefined ? '' : ':' + via.port}${formatParams(via.params)}`;
}

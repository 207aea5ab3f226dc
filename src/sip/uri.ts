import type { SipHeaderField } from './message.js';
import { formatParams, setParam, type SipParams } from './params.js';
import { parseBoundedInt } from './sipChars.js';
import { sipParseError } from './sipErrors.js';

/**
 * A URI as used in SIP (RFC 3261 §19.1). sip: and sips: URIs are split into their parts; any other scheme
 * (tel:, http:, urn:, ... — RFC 4475 §3.3.2–3.3.4) keeps everything after the colon in `opaque`.
 * Parts keep their %-escapes as written (RFC 3261 §19.1.4 compares them unescaped; see `unescapeUriPart`).
 */
export interface SipUri {
  /** Lower-cased scheme, e.g. "sip". */
  scheme: string;
  user?: string;
  password?: string;
  /** Host name or IPv4 address; an IPv6 reference keeps its brackets ("[2001:db8::1]"). '' for non-SIP schemes. */
  host: string;
  port?: number;
  /** uri-parameters (`;transport=tcp;lr`), names lower-cased. */
  params: SipParams;
  /** `?name=value&...` headers, in order, values still escaped. */
  headers?: SipHeaderField[];
  /** Everything after "scheme:" for schemes other than sip/sips. */
  opaque?: string;
}

function isSchemeChar(c: number, first: boolean): boolean {
  const alpha = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  if (first) return alpha;
  return alpha || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
}

function isHostChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x5f
  );
}

function isIpv6Char(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46) || c === 0x3a || c === 0x2e;
}

/** Parses `host[:port]` (the host may be an [IPv6] reference); throws on anything else. */
export function parseHostPort(s: string, what: string): { host: string; port?: number } {
  let hostEnd: number;
  if (s.charCodeAt(0) === 0x5b) {
    hostEnd = s.indexOf(']') + 1;
    if (hostEnd <= 2) throw sipParseError('uri', `bad IPv6 reference in ${what} "${s}"`);
    for (let i = 1; i < hostEnd - 1; i++) if (!isIpv6Char(s.charCodeAt(i))) throw sipParseError('uri', `bad IPv6 reference in ${what} "${s}"`);
  } else {
    hostEnd = 0;
    while (hostEnd < s.length && isHostChar(s.charCodeAt(hostEnd))) hostEnd++;
    if (hostEnd === 0) throw sipParseError('uri', `missing host in ${what} "${s}"`);
  }
  const host = s.slice(0, hostEnd);
  if (hostEnd === s.length) return { host };
  if (s.charCodeAt(hostEnd) !== 0x3a) throw sipParseError('uri', `unexpected "${s[hostEnd]}" after host in ${what} "${s}"`);
  const port = parseBoundedInt(s.slice(hostEnd + 1), 65535);
  if (port < 0) throw sipParseError('uri', `bad port in ${what} "${s}"`);
  return { host, port };
}

/** Parses a URI; throws a SIP_PARSE SipParseError when it is malformed. */
export function parseUri(s: string): SipUri {
  let colon = 0;
  while (colon < s.length && isSchemeChar(s.charCodeAt(colon), colon === 0)) colon++;
  if (colon === 0 || colon >= s.length || s.charCodeAt(colon) !== 0x3a) throw sipParseError('uri', `URI "${s}" has no scheme`);
  for (let i = colon + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Whitespace, controls, quotes and angle brackets never appear unescaped in a URI (RFC 3986 §2, RFC 3261 §25.1).
    if (c <= 0x20 || c === 0x7f || c === 0x22 || c === 0x3c || c === 0x3e) {
      throw sipParseError('uri', `URI "${s}" contains a character that must be escaped`);
    }
  }
  const scheme = s.slice(0, colon).toLowerCase();
  const rest = s.slice(colon + 1);
  if (scheme !== 'sip' && scheme !== 'sips') {
    if (rest.length === 0) throw sipParseError('uri', `URI "${s}" is empty after its scheme`);
    return { scheme, host: '', params: {}, opaque: rest };
  }
  // '@' is escaped everywhere but as the userinfo terminator, so the first one ends the userinfo
  // (user parts may hold ';', '?', ',' — RFC 4475 §3.1.1.2 and §3.1.1.9).
  const uri: SipUri = { scheme, host: '', params: {} };
  let hostStart = 0;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const pw = userinfo.indexOf(':');
    uri.user = pw < 0 ? userinfo : userinfo.slice(0, pw);
    if (pw >= 0) uri.password = userinfo.slice(pw + 1);
    if (uri.user.length === 0) throw sipParseError('uri', `empty user part in "${s}"`);
    hostStart = at + 1;
  }
  let hostEnd = hostStart;
  while (hostEnd < rest.length && rest.charCodeAt(hostEnd) !== 0x3b && rest.charCodeAt(hostEnd) !== 0x3f) hostEnd++;
  const hp = parseHostPort(rest.slice(hostStart, hostEnd), 'URI');
  uri.host = hp.host;
  if (hp.port !== undefined) uri.port = hp.port;
  const q = rest.indexOf('?', hostEnd);
  const paramsEnd = q < 0 ? rest.length : q;
  if (hostEnd < paramsEnd) {
    for (const p of rest.slice(hostEnd + 1, paramsEnd).split(';')) {
      const eq = p.indexOf('=');
      const name = (eq < 0 ? p : p.slice(0, eq)).toLowerCase();
      if (name.length === 0) throw sipParseError('uri', `empty URI parameter in "${s}"`);
      setParam(uri.params, name, eq < 0 ? null : p.slice(eq + 1));
    }
  }
  if (q >= 0) {
    uri.headers = [];
    for (const h of rest.slice(q + 1).split('&')) {
      const eq = h.indexOf('=');
      if (eq <= 0) throw sipParseError('uri', `bad URI header "${h}" in "${s}"`);
      uri.headers.push({ name: h.slice(0, eq), value: h.slice(eq + 1) });
    }
  }
  return uri;
}

/** The inverse of parseUri (parameter names come out lower-cased). */
export function formatUri(uri: SipUri): string {
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return `${uri.scheme}:${uri.opaque ?? ''}`;
  let out = uri.scheme + ':';
  if (uri.user !== undefined) out += uri.user + (uri.password === undefined ? '' : ':' + uri.password) + '@';
  out += uri.host;
  if (uri.port !== undefined) out += ':' + uri.port;
  out += formatParams(uri.params);
  if (uri.headers !== undefined && uri.headers.length > 0) out += '?' + uri.headers.map((h) => `${h.name}=${h.value}`).join('&');
  return out;
}

/**
 * Resolves %HH escapes (RFC 3261 §19.1.4) into the UTF-8 text they encode; a '%' not followed by two hex
 * digits stays as it is. %00 yields U+0000 and does not truncate (RFC 4475 §3.1.1.4).
 */
export function unescapeUriPart(s: string): string {
  if (!s.includes('%')) return s;
  // Runs of escapes are decoded together so multi-byte UTF-8 sequences survive; the pattern cannot backtrack.
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}

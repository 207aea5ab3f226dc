import type { SipHeaderField, SipMessage } from './message.js';
import { canonicalHeaderName, isAddressHeader, isListHeader } from './headerNames.js';
import { parseCSeq } from './cseq.js';
import { parseNameAddr } from './nameAddr.js';
import { isToken, isWsp, parseBoundedInt, scanQuoted } from './sipChars.js';
import { SipParseError, sipFramingError, sipParseError } from './sipErrors.js';
import { parseUri } from './uri.js';
import { parseVia } from './via.js';

export interface ParseOptions {
  /**
   * The buffer is one UDP datagram (RFC 3261 §18.3): the body is Content-Length bytes, octets after it are
   * ignored, a missing Content-Length means "the rest of the datagram", and conflicting Content-Length values
   * are tolerated (body = rest of the datagram) so that `checkSemantics` can report them (RFC 4475 §3.3.9).
   * Otherwise the buffer must be exactly one message (as a StreamFramer delivers): a Content-Length that does
   * not match the bytes present, or conflicting values, is a SIP_FRAMING error.
   */
  datagram?: boolean;
}

/** Largest Content-Length we accept; anything above cannot be a SIP message we could hold anyway. */
export const MAX_CONTENT_LENGTH = 0x7fffffff;

function trimWsp(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWsp(s.charCodeAt(a))) a++;
  while (b > a && isWsp(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * Splits a list header value at commas outside quoted strings and <...> (RFC 3261 §7.3.1).
 * Empty elements ("a,,b", "a,") are malformed (RFC 4475 §3.1.2.1).
 */
function splitList(value: string, header: string): string[] {
  if (value.indexOf(',') < 0) return [value];
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) {
      const end = scanQuoted(value, i);
      if (end < 0) throw sipParseError('header-value', `unterminated quoted string in ${header}`, header);
      i = end - 1;
    } else if (c === 0x3c) depth++;
    else if (c === 0x3e && depth > 0) depth--;
    else if (c === 0x2c && depth === 0) {
      out.push(trimWsp(value.slice(from, i)));
      from = i + 1;
    }
  }
  out.push(trimWsp(value.slice(from)));
  for (const v of out) if (v.length === 0) throw sipParseError('header-value', `empty element in the ${header} list`, header);
  return out;
}

/** Validates one value of a header whose syntax the layers above rely on. */
function checkValue(name: string, value: string): void {
  switch (name) {
    case 'Via':
      parseVia(value);
      return;
    case 'CSeq':
      parseCSeq(value);
      return;
    case 'Max-Forwards':
      // RFC 3261 §20.22: 0-255; leading zeros are legal (RFC 4475 §3.1.1.1, §3.1.2.4).
      if (parseBoundedInt(value, 255) < 0) throw sipParseError('max-forwards', `Max-Forwards must be 0-255, got "${value}"`, name);
      return;
    case 'Content-Length':
      if (parseBoundedInt(value, MAX_CONTENT_LENGTH) < 0) {
        throw sipParseError('content-length', `Content-Length must be a non-negative integer, got "${value}"`, name);
      }
      return;
    default:
      if (isAddressHeader(name) && !(name === 'Contact' && value === '*')) parseNameAddr(value, name);
  }
}

function parseVersion(v: string, line: string): string {
  if (v === 'SIP/2.0' || v.toUpperCase() === 'SIP/2.0') return 'SIP/2.0';
  if (v.length > 4 && v.slice(0, 4).toUpperCase() === 'SIP/') {
    throw sipParseError('version', `unsupported SIP version "${v}" (only SIP/2.0)`);
  }
  throw sipParseError('start-line', `malformed start line "${line}"`);
}

function addField(headers: SipHeaderField[], rawName: string, rawValue: string): void {
  const name = canonicalHeaderName(rawName);
  const value = trimWsp(rawValue);
  if (isListHeader(name) && value.length > 0 && !(name === 'Contact' && value === '*')) {
    for (const v of splitList(value, name)) {
      checkValue(name, v);
      headers.push({ name, value: v });
    }
  } else {
    checkValue(name, value);
    headers.push({ name, value });
  }
}

/** Parses the header lines of `head` (each ending in CRLF) from `pos`, undoing folding (RFC 3261 §7.3.1). */
function parseHeaderLines(head: string, pos: number): SipHeaderField[] {
  const headers: SipHeaderField[] = [];
  let name: string | undefined;
  let value = '';
  while (pos < head.length) {
    const e = head.indexOf('\r\n', pos);
    const line = head.slice(pos, e);
    pos = e + 2;
    if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) throw sipParseError('header-line', 'bare CR or LF in the header section');
    const c0 = line.charCodeAt(0);
    if (c0 === 0x20 || c0 === 0x09) {
      if (name === undefined) throw sipParseError('header-line', 'continuation line before the first header');
      value = value + ' ' + trimWsp(line); // a folded line break is equivalent to one SP
      continue;
    }
    if (name !== undefined) addField(headers, name, value);
    const colon = line.indexOf(':');
    const rawName = colon < 0 ? '' : trimWsp(line.slice(0, colon));
    if (!isToken(rawName)) throw sipParseError('header-line', `malformed header line "${line.slice(0, 80)}"`);
    name = rawName;
    value = line.slice(colon + 1);
  }
  if (name !== undefined) addField(headers, name, value);
  return headers;
}

/**
 * Parses one SIP message from bytes (RFC 3261 §7). Only the header section is decoded (as UTF-8); the body
 * is a Buffer sharing memory with `buf`. Throws a SipParseError (a VoiceloadError with code SIP_PARSE, or
 * SIP_FRAMING for stream framing faults) naming what is wrong; never anything else.
 */
export function parseSipMessage(buf: Buffer, opts: ParseOptions = {}): SipMessage {
  try {
    return parseUnchecked(buf, opts.datagram === true);
  } catch (e) {
    if (e instanceof SipParseError) throw e;
    // Defensive: an unexpected fault must still surface as a typed parse error, never a crash.
    throw sipParseError('start-line', `unparseable message: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseUnchecked(buf: Buffer, datagram: boolean): SipMessage {
  let start = 0;
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  while (start + 1 < buf.length && buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  const headEnd = buf.indexOf('\r\n\r\n', start, 'latin1');
  if (headEnd < 0) {
    if (datagram) throw sipParseError('truncated', 'no empty line ends the header section');
    throw sipFramingError('truncated', 'no empty line ends the header section');
  }
  const head = buf.toString('utf8', start, headEnd + 2);
  const lineEnd = head.indexOf('\r\n');
  const line = head.slice(0, lineEnd);
  if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) throw sipParseError('start-line', 'bare CR or LF in the start line');
  if (line.length > 4 && line.slice(0, 4).toUpperCase() === 'SIP/') {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2); a missing final SP is tolerated.
    const sp1 = line.indexOf(' ');
    if (sp1 < 0) throw sipParseError('start-line', `malformed status line "${line}"`);
    const version = parseVersion(line.slice(0, sp1), line);
    const sp2 = line.indexOf(' ', sp1 + 1);
    const code = line.slice(sp1 + 1, sp2 < 0 ? line.length : sp2);
    const status = code.length === 3 ? parseBoundedInt(code, 699) : -1;
    if (status < 100) throw sipParseError('status-code', `status code must be 3 digits from 100 to 699, got "${code.slice(0, 20)}"`);
    const reason = sp2 < 0 ? '' : line.slice(sp2 + 1);
    const headers = parseHeaderLines(head, lineEnd + 2);
    const body = sliceBody(buf, headEnd + 4, headers, datagram);
    return { kind: 'response', version, status, reason, headers, body };
  }

  // Request-Line = Method SP Request-URI SP SIP-Version, single SPs only (RFC 3261 §7.1, RFC 4475 §3.1.2.8-10).
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0 || sp2 === sp1 + 1 || sp2 === line.length - 1 || sp1 === 0) {
    throw sipParseError('start-line', `request line must be "Method SP Request-URI SP SIP-Version": "${line.slice(0, 200)}"`);
  }
  const version = parseVersion(line.slice(sp2 + 1), line);
  const method = line.slice(0, sp1);
  if (!isToken(method)) throw sipParseError('start-line', `method "${method}" is not a token`);
  const uri = line.slice(sp1 + 1, sp2);
  if (uri.charCodeAt(0) === 0x3c) throw sipParseError('request-uri', `Request-URI must not be enclosed in <>: "${uri}"`);
  let parsedUri;
  try {
    parsedUri = parseUri(uri);
  } catch {
    throw sipParseError('request-uri', `malformed Request-URI "${uri.slice(0, 200)}"`);
  }
  // RFC 3261 §19.1.1 table: headers are not allowed in a SIP Request-URI (RFC 4475 §3.1.2.11).
  if (parsedUri.headers !== undefined) throw sipParseError('request-uri', `Request-URI must not carry headers: "${uri.slice(0, 200)}"`);
  const headers = parseHeaderLines(head, lineEnd + 2);
  const body = sliceBody(buf, headEnd + 4, headers, datagram);
  for (const h of headers) {
    if (h.name === 'CSeq') {
      const cseqMethod = parseCSeq(h.value).method;
      // RFC 3261 §8.1.1.5 / RFC 4475 §3.1.2.17
      if (cseqMethod !== method) throw sipParseError('cseq', `CSeq method ${cseqMethod} does not match request method ${method}`, 'CSeq');
      break;
    }
  }
  return { kind: 'request', method, uri, version, headers, body };
}

function sliceBody(buf: Buffer, bodyStart: number, headers: SipHeaderField[], datagram: boolean): Buffer {
  const available = buf.length - bodyStart;
  let length = -1;
  let conflict = false;
  for (const h of headers) {
    if (h.name !== 'Content-Length') continue;
    const n = parseBoundedInt(h.value, MAX_CONTENT_LENGTH); // already validated by checkValue
    if (length >= 0 && n !== length) conflict = true;
    length = n;
  }
  if (conflict) {
    if (!datagram) throw sipFramingError('content-length', 'conflicting Content-Length values', 'Content-Length');
    return buf.subarray(bodyStart); // RFC 4475 §3.3.9: no value can be trusted; checkSemantics reports it
  }
  if (length < 0) return buf.subarray(bodyStart);
  if (length > available) {
    const msg = `Content-Length ${length} is larger than the ${available} bytes after the headers`;
    throw datagram ? sipParseError('content-length', msg, 'Content-Length') : sipFramingError('truncated', msg, 'Content-Length');
  }
  if (!datagram && length < available) {
    throw sipFramingError('trailing-octets', `${available - length} bytes follow the ${length}-byte body`, 'Content-Length');
  }
  return buf.subarray(bodyStart, bodyStart + length);
}

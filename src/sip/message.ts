/**
 * SIP message model (RFC 3261 §7). Header names are stored in their canonical long form
 * ("Via", "Call-ID", "Content-Length"), compact forms already expanded by the parser.
 * List-valued headers (Via, Route, Record-Route, Contact, ...) hold one entry per value,
 * in message order, so `headers` is the exact ordered field list of the message.
 */
export interface SipHeaderField {
  name: string;
  value: string;
}

export interface SipRequest {
  kind: 'request';
  method: string;
  /** Request-URI exactly as on the wire. */
  uri: string;
  version: string;
  headers: SipHeaderField[];
  body: Buffer;
}

export interface SipResponse {
  kind: 'response';
  version: string;
  status: number;
  reason: string;
  headers: SipHeaderField[];
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

const EMPTY = Buffer.alloc(0);

function sameName(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

/** First value of a header (case-insensitive canonical name), or undefined. */
export function getHeader(msg: SipMessage, name: string): string | undefined {
  for (const h of msg.headers) if (sameName(h.name, name)) return h.value;
  return undefined;
}

/** Every value of a header, in message order. */
export function getHeaders(msg: SipMessage, name: string): string[] {
  const out: string[] = [];
  for (const h of msg.headers) if (sameName(h.name, name)) out.push(h.value);
  return out;
}

/** Number of header fields with that name. */
export function countHeader(msg: SipMessage, name: string): number {
  let n = 0;
  for (const h of msg.headers) if (sameName(h.name, name)) n++;
  return n;
}

/** Replaces every field of `name` with one field holding `value` (kept at the first one's place). */
export function setHeader(msg: SipMessage, name: string, value: string): void {
  const i = msg.headers.findIndex((h) => sameName(h.name, name));
  msg.headers = msg.headers.filter((h) => !sameName(h.name, name));
  msg.headers.splice(i < 0 ? msg.headers.length : i, 0, { name, value });
}

export function removeHeader(msg: SipMessage, name: string): void {
  msg.headers = msg.headers.filter((h) => !sameName(h.name, name));
}

export function createRequest(method: string, uri: string, headers: SipHeaderField[], body: Buffer = EMPTY): SipRequest {
  return { kind: 'request', method, uri, version: 'SIP/2.0', headers, body };
}

export function createResponseMessage(status: number, reason: string, headers: SipHeaderField[], body: Buffer = EMPTY): SipResponse {
  return { kind: 'response', version: 'SIP/2.0', status, reason, headers, body };
}

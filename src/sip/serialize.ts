import type { SipMessage } from './message.js';
import { VoiceloadError } from '../core/errors.js';

function isContentLength(name: string): boolean {
  return name.length === 1 ? name === 'l' || name === 'L' : name.length === 14 && name.toLowerCase() === 'content-length';
}

function checkLine(s: string, what: string): string {
  if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
    throw new VoiceloadError('SIP_FRAMING', `${what} contains CR or LF`, { hint: 'header values must be single-line; fold or escape them' });
  }
  return s;
}

/**
 * Writes a message to bytes (RFC 3261 §7): CRLF line ends, one field per line in order, and a Content-Length
 * computed from the body (replacing the first Content-Length field, dropping others, appended when absent).
 */
export function serializeSipMessage(msg: SipMessage): Buffer {
  let head =
    msg.kind === 'request'
      ? `${checkLine(msg.method, 'method')} ${checkLine(msg.uri, 'Request-URI')} ${msg.version}\r\n`
      : `${msg.version} ${msg.status} ${checkLine(msg.reason, 'reason phrase')}\r\n`;
  let lengthWritten = false;
  for (const h of msg.headers) {
    if (isContentLength(h.name)) {
      if (!lengthWritten) head += `Content-Length: ${msg.body.length}\r\n`;
      lengthWritten = true;
      continue;
    }
    head += `${checkLine(h.name, 'header name')}: ${checkLine(h.value, `${h.name} value`)}\r\n`;
  }
  if (!lengthWritten) head += `Content-Length: ${msg.body.length}\r\n`;
  head += '\r\n';
  const headBuf = Buffer.from(head, 'utf8');
  return msg.body.length === 0 ? headBuf : Buffer.concat([headBuf, msg.body], headBuf.length + msg.body.length);
}

import { canonicalHeaderName } from './headerNames.js';
import { parseBoundedInt } from './sipChars.js';
import { sipFramingError, type SipParseError } from './sipErrors.js';
import { MAX_CONTENT_LENGTH } from './parse.js';

export interface StreamFramerOptions {
  /** Receives each complete message (header section + Content-Length body) as its own Buffer. */
  onMessage: (message: Buffer) => void;
  /** Receives a SIP_FRAMING error; the framer has already reset, and the caller should close the connection. */
  onError: (error: SipParseError) => void;
  /** Header section limit before CRLFCRLF must appear (default 64 KiB). */
  maxHeaderBytes?: number;
  /** Largest accepted Content-Length (default 1 MiB). */
  maxBodyBytes?: number;
}

/**
 * Splits a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3): a header section ended by CRLFCRLF, then
 * exactly Content-Length body bytes (mandatory on streams). CRLF keep-alives between messages (RFC 5626 §3.5.1)
 * are skipped. Bytes are copied into one growing buffer, so feeding one byte at a time stays linear.
 */
export class StreamFramer {
  private readonly onMessage: (message: Buffer) => void;
  private readonly onError: (error: SipParseError) => void;
  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;
  private buf = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** Where to resume the CRLFCRLF search, so a slowly arriving header section is scanned once. */
  private scanFrom = 0;
  /** Total message size once the header section is known; -1 while still looking for it. */
  private messageLength = -1;

  constructor(options: StreamFramerOptions) {
    this.onMessage = options.onMessage;
    this.onError = options.onError;
    this.maxHeaderBytes = options.maxHeaderBytes ?? 65536;
    this.maxBodyBytes = options.maxBodyBytes ?? 1048576;
  }

  /** Bytes held while waiting for the rest of a message. */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  /** Drops anything buffered (after an error, or when the connection is reused). */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.start = this.end = this.scanFrom = 0;
    this.messageLength = -1;
  }

  push(chunk: Buffer): void {
    this.append(chunk);
    for (;;) {
      if (this.messageLength < 0) {
        this.skipKeepAlives();
        if (this.end - this.start < 4) return;
        // Search only the live bytes: stale bytes beyond `end` could complete a false CRLFCRLF.
        const headEnd = this.buf.subarray(0, this.end).indexOf('\r\n\r\n', Math.max(this.start, this.scanFrom), 'latin1');
        if (headEnd < 0) {
          if (this.end - this.start > this.maxHeaderBytes) {
            this.fail('too-large', `no end of headers within ${this.maxHeaderBytes} bytes`);
            return;
          }
          this.scanFrom = Math.max(this.start, this.end - 3);
          return;
        }
        if (headEnd - this.start > this.maxHeaderBytes) {
          this.fail('too-large', `header section over ${this.maxHeaderBytes} bytes`);
          return;
        }
        const bodyLength = this.contentLength(this.buf.toString('latin1', this.start, headEnd + 2));
        if (bodyLength < 0) return; // fail() already called
        this.messageLength = headEnd + 4 - this.start + bodyLength;
      }
      if (this.end - this.start < this.messageLength) return;
      const message = Buffer.from(this.buf.subarray(this.start, this.start + this.messageLength));
      this.start += this.messageLength;
      this.scanFrom = this.start;
      this.messageLength = -1;
      this.onMessage(message);
    }
  }

  private append(chunk: Buffer): void {
    if (this.end + chunk.length > this.buf.length) {
      const live = this.end - this.start;
      const size = Math.max(live + chunk.length, this.buf.length * 2, 4096);
      const next = size > this.buf.length ? Buffer.allocUnsafe(size) : this.buf;
      this.buf.copy(next, 0, this.start, this.end);
      this.buf = next;
      this.scanFrom -= this.start;
      this.start = 0;
      this.end = live;
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  private skipKeepAlives(): void {
    while (this.end - this.start >= 2 && this.buf[this.start] === 0x0d && this.buf[this.start + 1] === 0x0a) this.start += 2;
    if (this.start === this.end) this.start = this.end = this.scanFrom = 0;
  }

  /** Content-Length from the header section (compact "l", folding, duplicates), or -1 after reporting an error. */
  private contentLength(head: string): number {
    let value: number | undefined;
    let pos = head.indexOf('\r\n') + 2;
    while (pos < head.length) {
      let e = head.indexOf('\r\n', pos);
      let line = head.slice(pos, e);
      // Unfold continuation lines into this one (RFC 3261 §7.3.1).
      while (e + 2 < head.length && (head.charCodeAt(e + 2) === 0x20 || head.charCodeAt(e + 2) === 0x09)) {
        const next = head.indexOf('\r\n', e + 2);
        line += ' ' + head.slice(e + 2, next);
        e = next;
      }
      pos = e + 2;
      const colon = line.indexOf(':');
      if (colon <= 0 || canonicalHeaderName(line.slice(0, colon).trim()) !== 'Content-Length') continue;
      const raw = line.slice(colon + 1).trim();
      const n = parseBoundedInt(raw, MAX_CONTENT_LENGTH);
      if (n < 0) return this.fail('content-length', `bad Content-Length "${raw.slice(0, 40)}"`);
      if (value !== undefined && value !== n) return this.fail('content-length', 'conflicting Content-Length values');
      value = n;
    }
    if (value === undefined) return this.fail('content-length', 'Content-Length is mandatory on stream transports (RFC 3261 §18.3)');
    if (value > this.maxBodyBytes) return this.fail('too-large', `Content-Length ${value} exceeds ${this.maxBodyBytes}`);
    return value;
  }

  private fail(problem: 'content-length' | 'too-large', message: string): -1 {
    this.reset();
    this.onError(sipFramingError(problem, message, problem === 'content-length' ? 'Content-Length' : undefined));
    return -1;
  }
}

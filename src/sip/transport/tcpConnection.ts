import type { Socket } from 'node:net';
import type { Clock } from '../../core/clock.js';
import { VoiceloadError } from '../../core/errors.js';
import type { SipParseError } from '../sipErrors.js';
import { StreamFramer } from '../streamFramer.js';
import type { SipEndpoint } from './transport.js';

/** What a connection reports to its transport. */
export interface TcpConnectionEvents {
  /** One framed message and the clock time its last chunk arrived (taken before framing and parsing). */
  connMessage(conn: TcpConnection, bytes: Buffer, receivedAtMs: number): void;
  connFramingError(conn: TcpConnection, err: SipParseError): void;
  /** Connect failure, timeout or socket error; the connection is already destroyed. */
  connFailed(conn: TcpConnection, err: VoiceloadError): void;
  connClosed(conn: TcpConnection): void;
}

/**
 * One TCP connection carrying SIP (RFC 3261 §18.3): a StreamFramer splits the byte stream, and
 * messages written while an outbound connection is still being set up wait in a queue.
 */
export class TcpConnection {
  private readonly framer: StreamFramer;
  private queue: Buffer[] | undefined;
  private chunkAtMs = 0;
  private ended = false;

  constructor(
    readonly key: string,
    readonly remote: SipEndpoint,
    private readonly socket: Socket,
    clock: Clock,
    private readonly events: TcpConnectionEvents,
    /** True for a connection we opened and that is still connecting. */
    connecting: boolean,
    connectTimeoutMs: number,
  ) {
    this.framer = new StreamFramer({
      onMessage: (bytes) => events.connMessage(this, bytes, this.chunkAtMs),
      onError: (err) => events.connFramingError(this, err),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.chunkAtMs = clock.nowMs();
      this.framer.push(chunk);
    });
    socket.on('error', (err) => this.fail(new VoiceloadError('SIP_TRANSPORT', this.describe(err), { cause: err, retryable: true })));
    socket.on('close', () => {
      this.ended = true;
      events.connClosed(this);
    });
    if (connecting) {
      this.queue = [];
      socket.setTimeout(connectTimeoutMs, () => {
        this.fail(new VoiceloadError('SIP_TRANSPORT', `TCP connect to ${key} timed out after ${connectTimeoutMs} ms`, { retryable: true }));
      });
      socket.once('connect', () => {
        socket.setTimeout(0);
        const queued = this.queue ?? [];
        this.queue = undefined;
        for (const buf of queued) socket.write(buf);
      });
    }
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  write(buf: Buffer): void {
    if (this.queue !== undefined) this.queue.push(buf);
    else this.socket.write(buf);
  }

  /** Closes at once, dropping anything queued. */
  destroy(): void {
    this.ended = true;
    this.queue = undefined;
    this.socket.destroy();
  }

  private fail(err: VoiceloadError): void {
    if (this.ended) return;
    this.destroy();
    this.events.connFailed(this, err);
  }

  private describe(err: Error): string {
    return this.queue !== undefined ? `TCP connect to ${this.key} failed: ${err.message}` : `TCP connection ${this.key}: ${err.message}`;
  }
}

import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Clock } from '../../core/clock.js';
import { VoiceloadError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { SipMessage } from '../message.js';
import { parseSipMessage } from '../parse.js';
import { serializeSipMessage } from '../serialize.js';
import type { SipParseError } from '../sipErrors.js';
import { TcpConnection, type TcpConnectionEvents } from './tcpConnection.js';
import {
  endpointKey,
  type InboundHandler,
  type SipEndpoint,
  type SipTransport,
  type TransportErrorHandler,
  type TransportStats,
} from './transport.js';
import { TransportHandlers } from './transportHandlers.js';

export interface TcpTransportOptions {
  /** Address to listen on and to connect from. */
  host: string;
  /** Listening port; 0 picks an ephemeral one (read it back from `local`). */
  port: number;
  clock: Clock;
  logger?: Logger;
  /** Outbound connect timeout; default 10 s. */
  connectTimeoutMs?: number;
}

/**
 * SIP over TCP (RFC 3261 §18): accepts inbound connections and opens outbound ones on demand, one
 * per destination, reused for every later message to it. A message to a destination reached by an
 * inbound connection (a response to a request received on it) goes back on that connection.
 */
class TcpTransport implements SipTransport, TcpConnectionEvents {
  readonly protocol = 'tcp' as const;
  readonly reliable = true;
  readonly stats: TransportStats = { received: 0, sent: 0, malformed: 0 };
  readonly local: SipEndpoint;
  private readonly handlers: TransportHandlers;
  private readonly connections = new Map<string, TcpConnection>();
  private readonly connectTimeoutMs: number;
  private closed = false;

  constructor(
    private readonly server: Server,
    private readonly host: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    connectTimeoutMs: number | undefined,
  ) {
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new VoiceloadError('INTERNAL', 'TCP server has no address');
    this.local = { host: addr.address, port: addr.port };
    this.connectTimeoutMs = connectTimeoutMs ?? 10_000;
    this.handlers = new TransportHandlers(logger);
    server.on('connection', (socket: Socket) => this.accept(socket));
    server.on('error', (err) => {
      this.handlers.emitError(new VoiceloadError('SIP_TRANSPORT', `TCP server error: ${err.message}`, { cause: err }));
    });
  }

  /** Open connections (inbound and outbound). */
  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: Socket): void {
    if (this.closed || socket.remoteAddress === undefined || socket.remotePort === undefined) {
      socket.destroy();
      return;
    }
    const remote = { host: socket.remoteAddress, port: socket.remotePort };
    this.adopt(new TcpConnection(endpointKey(remote), remote, socket, this.clock, this, false, 0));
  }

  private adopt(conn: TcpConnection): void {
    const previous = this.connections.get(conn.key);
    this.connections.set(conn.key, conn);
    previous?.destroy();
  }

  send(message: SipMessage, dest: SipEndpoint): void {
    if (this.closed) {
      queueMicrotask(() => this.handlers.emitError(new VoiceloadError('SIP_TRANSPORT', 'TCP transport is closed'), dest));
      return;
    }
    const key = endpointKey(dest);
    let conn = this.connections.get(key);
    if (conn === undefined || !conn.isOpen) {
      // Bind outbound connections to our address unless we listen on a wildcard (the OS then picks).
      const wildcard = this.host === '0.0.0.0' || this.host === '::';
      const socket = wildcard
        ? connect({ host: dest.host, port: dest.port })
        : connect({ host: dest.host, port: dest.port, localAddress: this.host });
      conn = new TcpConnection(key, { host: dest.host, port: dest.port }, socket, this.clock, this, true, this.connectTimeoutMs);
      this.adopt(conn);
    }
    conn.write(serializeSipMessage(message));
    this.stats.sent++;
  }

  // --- TcpConnectionEvents -------------------------------------------------------------------

  connMessage(conn: TcpConnection, bytes: Buffer, receivedAtMs: number): void {
    let message: SipMessage;
    try {
      message = parseSipMessage(bytes);
    } catch (e) {
      // The framer found the message boundary, so the stream is still in step: drop this one only.
      this.stats.malformed++;
      this.logger.debug('sip tcp: dropped malformed message', { from: conn.key, error: e instanceof Error ? e.message : String(e) });
      return;
    }
    this.stats.received++;
    this.handlers.emitMessage({ message, source: conn.remote, protocol: 'tcp', receivedAtMs });
  }

  connFramingError(conn: TcpConnection, err: SipParseError): void {
    // §18.3: once framing is lost nothing later on the stream can be trusted.
    this.stats.malformed++;
    this.logger.debug('sip tcp: framing error, closing connection', { from: conn.key, error: err.message });
    conn.destroy();
    this.forget(conn);
  }

  connFailed(conn: TcpConnection, err: VoiceloadError): void {
    this.forget(conn);
    this.handlers.emitError(err, conn.remote);
  }

  connClosed(conn: TcpConnection): void {
    this.forget(conn);
  }

  private forget(conn: TcpConnection): void {
    if (this.connections.get(conn.key) === conn) this.connections.delete(conn.key);
  }

  onMessage(handler: InboundHandler): void {
    this.handlers.addMessage(handler);
  }

  onError(handler: TransportErrorHandler): void {
    this.handlers.addError(handler);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const conn of this.connections.values()) conn.destroy();
    this.connections.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Listens on `host:port` and resolves once listening; listen failures reject with SIP_TRANSPORT. */
export function createTcpTransport(opts: TcpTransportOptions): Promise<SipTransport & { readonly connectionCount: number }> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    const onListenError = (err: Error): void => {
      server.close();
      reject(
        new VoiceloadError('SIP_TRANSPORT', `cannot listen on TCP ${opts.host}:${opts.port}: ${err.message}`, {
          cause: err,
          hint: 'the port may be in use or the address not local; port 0 picks a free one',
        }),
      );
    };
    server.once('error', onListenError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onListenError);
      resolve(new TcpTransport(server, opts.host, opts.clock, opts.logger ?? silentLogger, opts.connectTimeoutMs));
    });
  });
}

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Clock } from '../../core/clock.js';
import { VoiceloadError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { SipMessage } from '../message.js';
import { parseSipMessage } from '../parse.js';
import { serializeSipMessage } from '../serialize.js';
import type {
  InboundHandler,
  SipEndpoint,
  SipTransport,
  TransportErrorHandler,
  TransportStats,
} from './transport.js';
import { TransportHandlers } from './transportHandlers.js';

export interface UdpTransportOptions {
  /** Address to bind, e.g. "127.0.0.1" or "0.0.0.0". */
  host: string;
  /** 0 picks an ephemeral port; read it back from `local`. */
  port: number;
  clock: Clock;
  logger?: Logger;
  /** SO_RCVBUF / SO_SNDBUF in bytes: raise it when thousands of calls share the socket. */
  socketBufferBytes?: number;
}

/** SIP over one UDP socket (RFC 3261 §18): one message per datagram, unreliable, so transactions retransmit. */
class UdpTransport implements SipTransport {
  readonly protocol = 'udp' as const;
  readonly reliable = false;
  readonly stats: TransportStats = { received: 0, sent: 0, malformed: 0 };
  readonly local: SipEndpoint;
  private readonly handlers: TransportHandlers;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    const addr = socket.address();
    this.local = { host: addr.address, port: addr.port };
    this.handlers = new TransportHandlers(logger);
    socket.on('message', (buf: Buffer, rinfo: RemoteInfo) => this.receive(buf, rinfo));
    socket.on('error', (err) => {
      this.handlers.emitError(new VoiceloadError('SIP_TRANSPORT', `UDP socket error: ${err.message}`, { cause: err }));
    });
  }

  private receive(buf: Buffer, rinfo: RemoteInfo): void {
    // The metrics timestamp: taken before any parsing work.
    const receivedAtMs = this.clock.nowMs();
    let message: SipMessage;
    try {
      message = parseSipMessage(buf, { datagram: true });
    } catch (e) {
      this.stats.malformed++;
      this.logger.debug('sip udp: dropped malformed datagram', {
        from: `${rinfo.address}:${rinfo.port}`,
        bytes: buf.length,
        error: e instanceof Error ? e.message : String(e),
      });
      return;
    }
    this.stats.received++;
    this.handlers.emitMessage({
      message,
      source: { host: rinfo.address, port: rinfo.port },
      protocol: 'udp',
      receivedAtMs,
    });
  }

  send(message: SipMessage, dest: SipEndpoint): void {
    if (this.closed) {
      this.failLater(new VoiceloadError('SIP_TRANSPORT', 'UDP transport is closed'), dest);
      return;
    }
    const buf = serializeSipMessage(message);
    this.stats.sent++;
    this.socket.send(buf, dest.port, dest.host, (err) => {
      if (err) {
        this.handlers.emitError(
          new VoiceloadError('SIP_TRANSPORT', `UDP send to ${dest.host}:${dest.port} failed: ${err.message}`, {
            cause: err,
            retryable: true,
          }),
          dest,
        );
      }
    });
  }

  /** Errors are always asynchronous, so a sender never re-enters its own error handling. */
  private failLater(err: VoiceloadError, dest: SipEndpoint): void {
    queueMicrotask(() => this.handlers.emitError(err, dest));
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
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** Binds a UDP socket and resolves once it listens; bind failures reject with SIP_TRANSPORT. */
export function createUdpTransport(opts: UdpTransportOptions): Promise<SipTransport> {
  const socket = createSocket({ type: isIP(opts.host) === 6 ? 'udp6' : 'udp4' });
  return new Promise((resolve, reject) => {
    const onBindError = (err: Error): void => {
      socket.close();
      reject(
        new VoiceloadError('SIP_TRANSPORT', `cannot bind UDP ${opts.host}:${opts.port}: ${err.message}`, {
          cause: err,
          hint: 'the port may be in use or the address not local; port 0 picks a free one',
        }),
      );
    };
    socket.once('error', onBindError);
    socket.bind(opts.port, opts.host, () => {
      socket.off('error', onBindError);
      if (opts.socketBufferBytes !== undefined) {
        socket.setRecvBufferSize(opts.socketBufferBytes);
        socket.setSendBufferSize(opts.socketBufferBytes);
      }
      resolve(new UdpTransport(socket, opts.clock, opts.logger ?? silentLogger));
    });
  });
}

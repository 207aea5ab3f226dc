import type { VoiceloadError } from '../../core/errors.js';
import type { SipMessage } from '../message.js';

/** 'tls' will join later: every transport already reports its protocol and reliability. */
export type TransportProtocol = 'udp' | 'tcp';

export interface SipEndpoint {
  host: string;
  port: number;
}

export interface InboundMessage {
  message: SipMessage;
  source: SipEndpoint;
  protocol: TransportProtocol;
  /** Clock time taken when the bytes came off the socket, before parsing: the timestamp metrics use. */
  receivedAtMs: number;
}

export interface TransportStats {
  received: number;
  sent: number;
  /** Messages that failed to parse or frame: counted and dropped. */
  malformed: number;
}

export type InboundHandler = (m: InboundMessage) => void;
export type TransportErrorHandler = (err: VoiceloadError, dest?: SipEndpoint) => void;

/**
 * The seam between the transaction layer and the network (RFC 3261 §18). The transport
 * never imports anything above it: the transaction layer registers callbacks.
 */
export interface SipTransport {
  readonly protocol: TransportProtocol;
  /** True for stream transports: RFC 3261 §17 then skips retransmissions and zeroes Timers D/I/J/K. */
  readonly reliable: boolean;
  /** Bound address (after listen). */
  readonly local: SipEndpoint;
  /** Never throws for network problems: they reach the {@link onError} handlers, with the destination. */
  send(message: SipMessage, dest: SipEndpoint): void;
  onMessage(handler: InboundHandler): void;
  onError(handler: TransportErrorHandler): void;
  readonly stats: TransportStats;
  close(): Promise<void>;
}

/** Map key for an endpoint ("host:port"); IPv6 hosts are bracketed so the key stays unambiguous. */
export function endpointKey(e: SipEndpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

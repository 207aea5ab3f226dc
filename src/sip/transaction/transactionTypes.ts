import type { Clock } from '../../core/clock.js';
import type { VoiceloadError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { InboundMessage, SipEndpoint, SipTransport } from '../transport/transport.js';
import type { TransactionTimers } from './timerConfig.js';

/** What a client transaction tells its TU (the dialog layer or a UA). */
export interface ClientTransactionHandlers {
  /** 1xx, the final, and (INVITE, Accepted state) every 2xx retransmission. */
  onResponse(res: SipResponse, receivedAtMs: number): void;
  /** Timer B (INVITE) or Timer F (non-INVITE) fired without a final response. */
  onTimeout(): void;
  onTransportError(err: VoiceloadError): void;
}

export interface ClientTransaction {
  readonly branch: string;
  readonly method: string;
  readonly request: SipRequest;
  readonly dest: SipEndpoint;
  /** 'calling' | 'proceeding' | 'completed' | 'accepted' | 'trying' | 'terminated' */
  readonly state: string;
  /** Terminates quietly: no more callbacks, later responses are strays. */
  cancelTimers(): void;
}

export interface ServerTransaction {
  readonly request: SipRequest;
  readonly branch: string;
  /** Where responses go: the address the request came from (RFC 3581 behaviour), same transport. */
  readonly source: SipEndpoint;
  readonly state: string;
  /** Sends a response through the transaction (it keeps it to answer retransmissions). */
  respond(res: SipResponse): void;
}

export interface TransactionStats {
  clientTransactions: number;
  serverTransactions: number;
  /** Requests re-sent by Timer A/E, responses re-sent by Timer G or on a request retransmission, ACKs re-sent. */
  retransmissionsSent: number;
  /** Request and response retransmissions from the far end that a transaction absorbed or passed up as such. */
  retransmissionsReceived: number;
  /** Timer B, F and H. */
  timeouts: number;
  transportErrors: number;
  strayResponses: number;
  strayAcks: number;
  /** Inbound messages without a usable top Via / CSeq, dropped. */
  unmatchable: number;
}

/** What the layer shares with its transactions (one object per layer; no closures per transaction). */
export interface TransactionContext {
  readonly transport: SipTransport;
  readonly clock: Clock;
  readonly timers: TransactionTimers;
  readonly stats: TransactionStats;
  readonly logger: Logger;
  forgetClient(key: string): void;
  forgetServer(key: string): void;
  passAckUp(ack: SipRequest, inbound: InboundMessage): void;
}

import type { VoiceloadError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { InboundHandler, InboundMessage, SipEndpoint, TransportErrorHandler } from './transport.js';

/**
 * The callback lists every transport keeps. A throwing handler is logged, never allowed to
 * unwind into a socket event (which would kill the process under load). The in-memory fake
 * lets it propagate instead, so a bug surfaces in the unit test that drives the clock.
 */
export class TransportHandlers {
  private readonly messageHandlers: InboundHandler[] = [];
  private readonly errorHandlers: TransportErrorHandler[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly isolate = true,
  ) {}

  addMessage(handler: InboundHandler): void {
    this.messageHandlers.push(handler);
  }

  addError(handler: TransportErrorHandler): void {
    this.errorHandlers.push(handler);
  }

  emitMessage(m: InboundMessage): void {
    for (const h of this.messageHandlers) {
      if (!this.isolate) {
        h(m);
        continue;
      }
      try {
        h(m);
      } catch (e) {
        this.logger.error('sip transport: message handler threw', { error: String(e) });
      }
    }
  }

  emitError(err: VoiceloadError, dest?: SipEndpoint): void {
    if (this.errorHandlers.length === 0) {
      this.logger.warn('sip transport error (no handler)', { error: err.message, dest });
      return;
    }
    for (const h of this.errorHandlers) {
      if (!this.isolate) {
        h(err, dest);
        continue;
      }
      try {
        h(err, dest);
      } catch (e) {
        this.logger.error('sip transport: error handler threw', { error: String(e) });
      }
    }
  }
}

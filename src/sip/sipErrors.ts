import { VoiceloadError } from '../core/errors.js';

/**
 * What part of a SIP message was malformed. Lets a UAS choose its answer without string matching:
 * RFC 3261 §8.2.2 / §16.3 — a request with an unsupported version gets 505, other syntax errors 400.
 */
export type SipParseProblem =
  | 'start-line'
  | 'version'
  | 'status-code'
  | 'request-uri'
  | 'header-line'
  | 'header-value'
  | 'content-length'
  | 'cseq'
  | 'max-forwards'
  | 'truncated'
  | 'trailing-octets'
  | 'too-large'
  | 'uri'
  | 'name-addr'
  | 'via'
  | 'params';

/** A parse (code SIP_PARSE) or framing (code SIP_FRAMING) failure, with the problem kind and the header at fault. */
export class SipParseError extends VoiceloadError {
  readonly problem: SipParseProblem;
  /** Canonical name of the header at fault, when one is. */
  readonly header: string | undefined;

  constructor(code: 'SIP_PARSE' | 'SIP_FRAMING', problem: SipParseProblem, message: string, header?: string) {
    super(code, message, {
      hint:
        code === 'SIP_FRAMING'
          ? 'the peer sent bytes that cannot be split into SIP messages; on a stream transport close the connection'
          : 'the peer sent a malformed SIP message; a request deserves a 400 (505 for a bad version), a response is dropped',
    });
    this.name = 'SipParseError';
    this.problem = problem;
    this.header = header;
  }

  /** The status a UAS should answer a request failing this way with (RFC 3261 §8.2.2, §21.5.26). */
  get suggestedStatus(): number {
    return this.problem === 'version' ? 505 : 400;
  }
}

export function sipParseError(problem: SipParseProblem, message: string, header?: string): SipParseError {
  return new SipParseError('SIP_PARSE', problem, message, header);
}

export function sipFramingError(problem: SipParseProblem, message: string, header?: string): SipParseError {
  return new SipParseError('SIP_FRAMING', problem, message, header);
}

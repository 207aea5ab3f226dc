import { parseCSeq, type CSeq } from '../sip/cseq.js';
import { getHeader, type SipMessage } from '../sip/message.js';
import { parseNameAddr } from '../sip/nameAddr.js';

/** The CSeq of a message, or undefined when absent or malformed. */
export function cseqOf(m: SipMessage): CSeq | undefined {
  const v = getHeader(m, 'CSeq');
  if (v === undefined) return undefined;
  try {
    return parseCSeq(v);
  } catch {
    return undefined;
  }
}

function tagOf(m: SipMessage, header: 'To' | 'From'): string | undefined {
  const v = getHeader(m, header);
  if (v === undefined) return undefined;
  try {
    const tag = parseNameAddr(v, header).params['tag'];
    return typeof tag === 'string' && tag !== '' ? tag : undefined;
  } catch {
    return undefined;
  }
}

/** The far end's tag ([peer_tag_param]): the To tag of a response, the From tag of a request. */
export function peerTagOf(m: SipMessage): string | undefined {
  return tagOf(m, m.kind === 'response' ? 'To' : 'From');
}

/**
 * Identity of a received message, equal for its retransmissions (RFC 3261 §17: same start line,
 * CSeq, top Via and tags) and different for a new one (another status, another request).
 */
export function messageKey(m: SipMessage): string {
  const cseq = getHeader(m, 'CSeq') ?? '';
  if (m.kind === 'response') return `R ${m.status} ${cseq} ${tagOf(m, 'To') ?? ''}`;
  return `Q ${m.method} ${m.uri} ${cseq} ${getHeader(m, 'Via') ?? ''} ${tagOf(m, 'From') ?? ''}`;
}

/** "180 Ringing (INVITE)" or "BYE request", for failure reasons and warnings. */
export function describeMessage(m: SipMessage): string {
  if (m.kind === 'request') return `${m.method} request`;
  const method = cseqOf(m)?.method;
  return `${m.status} ${m.reason}${method === undefined ? '' : ` (${method})`}`.replace(/\s+/g, ' ');
}

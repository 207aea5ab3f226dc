import { VoiceloadError } from '../../core/errors.js';
import { createRequest, getHeader, type SipHeaderField, type SipRequest, type SipResponse } from '../message.js';
import { parseCSeq } from '../cseq.js';

const EMPTY = Buffer.alloc(0);

/**
 * The ACK a client INVITE transaction sends for a 300-699 final (RFC 3261 §17.1.1.3): same
 * Request-URI, Call-ID, From and CSeq number as the INVITE, the To of the response (with its tag),
 * only the INVITE's top Via (same branch), and the INVITE's Route set.
 */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers: SipHeaderField[] = [];
  let via: string | undefined;
  const routes: string[] = [];
  let from: string | undefined;
  let callId: string | undefined;
  let cseq: string | undefined;
  let maxForwards: string | undefined;
  for (const h of invite.headers) {
    switch (h.name.toLowerCase()) {
      case 'via':
        via ??= h.value;
        break;
      case 'route':
        routes.push(h.value);
        break;
      case 'from':
        from ??= h.value;
        break;
      case 'call-id':
        callId ??= h.value;
        break;
      case 'cseq':
        cseq ??= h.value;
        break;
      case 'max-forwards':
        maxForwards ??= h.value;
        break;
    }
  }
  const to = getHeader(response, 'To');
  if (via === undefined || from === undefined || callId === undefined || cseq === undefined || to === undefined) {
    throw new VoiceloadError('INTERNAL', 'cannot build ACK: INVITE or response lacks Via/From/To/Call-ID/CSeq');
  }
  headers.push({ name: 'Via', value: via });
  for (const r of routes) headers.push({ name: 'Route', value: r });
  headers.push({ name: 'Max-Forwards', value: maxForwards ?? '70' });
  headers.push({ name: 'From', value: from });
  headers.push({ name: 'To', value: to });
  headers.push({ name: 'Call-ID', value: callId });
  headers.push({ name: 'CSeq', value: `${parseCSeq(cseq).seq} ACK` });
  return createRequest('ACK', invite.uri, headers, EMPTY);
}

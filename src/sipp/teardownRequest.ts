import { createRequest, getHeader, getHeaders, type SipHeaderField, type SipRequest, type SipResponse } from '../sip/message.js';
import { parseCSeq } from '../sip/cseq.js';
import { parseNameAddr } from '../sip/nameAddr.js';

/**
 * The BYE that ends a call a scenario left established (RFC 3261 §15.1.1): in the INVITE's dialog,
 * sent to the 2xx's Contact through its Record-Route set reversed (§12.1.2), with a new branch and
 * a CSeq above every one the scenario used. The scenario is not consulted: it failed or was stopped.
 */
export function buildTeardownBye(invite: SipRequest, answer: SipResponse, via: string, cseq: number): SipRequest {
  let target = invite.uri;
  const contact = getHeader(answer, 'Contact');
  if (contact !== undefined) {
    try {
      target = parseNameAddr(contact, 'Contact').uri;
    } catch {
      // keep the INVITE's Request-URI
    }
  }
  const headers: SipHeaderField[] = [{ name: 'Via', value: via }];
  for (const r of getHeaders(answer, 'Record-Route').reverse()) headers.push({ name: 'Route', value: r });
  headers.push(
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: getHeader(invite, 'From') ?? '' },
    { name: 'To', value: getHeader(answer, 'To') ?? getHeader(invite, 'To') ?? '' },
    { name: 'Call-ID', value: getHeader(invite, 'Call-ID') ?? '' },
    { name: 'CSeq', value: `${cseq} BYE` },
  );
  return createRequest('BYE', target, headers);
}

/**
 * CANCEL for an INVITE still without a final response (RFC 3261 §9.1): same Request-URI, top Via
 * (so the same branch, or the same RFC 2543 identifiers), From, To, Call-ID, Route and CSeq number.
 */
export function buildCancel(invite: SipRequest): SipRequest {
  const headers: SipHeaderField[] = [];
  const cseq = getHeader(invite, 'CSeq');
  const via = getHeader(invite, 'Via');
  if (via !== undefined) headers.push({ name: 'Via', value: via });
  for (const r of getHeaders(invite, 'Route')) headers.push({ name: 'Route', value: r });
  headers.push(
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: getHeader(invite, 'From') ?? '' },
    { name: 'To', value: getHeader(invite, 'To') ?? '' },
    { name: 'Call-ID', value: getHeader(invite, 'Call-ID') ?? '' },
    { name: 'CSeq', value: `${cseq === undefined ? 1 : parseCSeq(cseq).seq} CANCEL` },
  );
  return createRequest('CANCEL', invite.uri, headers);
}

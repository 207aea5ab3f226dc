import { createResponseMessage, type SipHeaderField, type SipRequest, type SipResponse } from '../message.js';
import { parseNameAddr } from '../nameAddr.js';
import { hasParam } from '../params.js';

const EMPTY = Buffer.alloc(0);

/**
 * Builds a response to `req` (RFC 3261 §8.2.6.2): every Via in order, From, To, Call-ID and CSeq
 * copied; `toTag` is added to To unless it already carries one (a retransmission or an in-dialog
 * request). `extraHeaders` follow, then the body. Content-Length is the serializer's business.
 */
export function createResponse(
  req: SipRequest,
  status: number,
  reason: string,
  extraHeaders: readonly SipHeaderField[] = [],
  body: Buffer = EMPTY,
  toTag?: string,
): SipResponse {
  const headers: SipHeaderField[] = [];
  for (const h of req.headers) {
    switch (h.name.toLowerCase()) {
      case 'via':
      case 'from':
      case 'call-id':
      case 'cseq':
        headers.push({ name: h.name, value: h.value });
        break;
      case 'to':
        headers.push({ name: h.name, value: toTag === undefined ? h.value : withTag(h.value, toTag) });
        break;
    }
  }
  for (const h of extraHeaders) headers.push({ name: h.name, value: h.value });
  return createResponseMessage(status, reason, headers, body);
}

function withTag(to: string, tag: string): string {
  return hasParam(parseNameAddr(to, 'To').params, 'tag') ? to : `${to};tag=${tag}`;
}

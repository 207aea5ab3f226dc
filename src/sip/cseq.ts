import { isToken, isWsp, parseBoundedInt, skipWsp } from './sipChars.js';
import { sipParseError } from './sipErrors.js';

/** CSeq (RFC 3261 §20.16): a sequence number below 2^32 and the request method. */
export interface CSeq {
  seq: number;
  method: string;
}

export const MAX_CSEQ = 0xffffffff;

export function parseCSeq(value: string): CSeq {
  const s = value;
  let i = skipWsp(s, 0);
  const numStart = i;
  while (i < s.length && !isWsp(s.charCodeAt(i))) i++;
  const seq = parseBoundedInt(s.slice(numStart, i), MAX_CSEQ);
  if (seq < 0) throw sipParseError('cseq', `CSeq number must be an integer of at most 2^32-1 in "${s}"`, 'CSeq');
  if (i === s.length) throw sipParseError('cseq', `CSeq has no method in "${s}"`, 'CSeq');
  i = skipWsp(s, i);
  let end = s.length;
  while (end > i && isWsp(s.charCodeAt(end - 1))) end--;
  const method = s.slice(i, end);
  if (!isToken(method)) throw sipParseError('cseq', `CSeq method is not a token in "${s}"`, 'CSeq');
  return { seq, method };
}

export function formatCSeq(cseq: CSeq): string {
  return `${cseq.seq} ${cseq.method}`;
}

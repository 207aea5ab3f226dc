import { getHeader, type SipRequest } from '../message.js';
import { parseNameAddr } from '../nameAddr.js';
import type { Via } from '../via.js';

/** RFC 3261 §8.1.1.7: branches starting with this cookie are unique per transaction. */
export const MAGIC_COOKIE = 'z9hG4bK';

/** The branch parameter of a parsed Via, or undefined when absent or a flag. */
export function branchOf(via: Via): string | undefined {
  const b = via.params['branch'];
  return typeof b === 'string' && b.length > 0 ? b : undefined;
}

/** §17.1.3: a response matches the client transaction with the same top-Via branch and CSeq method. */
export function clientKey(branch: string, cseqMethod: string): string {
  return branch + '\n' + cseqMethod;
}

/**
 * §17.2.3: a request matches by top-Via branch, sent-by and method, where an ACK matches the INVITE.
 * A branch without the magic cookie comes from an RFC 2543 peer: fall back to the dialog
 * identifiers plus the whole top Via (the To tag is left out so the ACK still meets its INVITE).
 */
export function serverKey(req: SipRequest, via: Via, topViaValue: string, cseqSeq: number): string {
  const method = req.method === 'ACK' ? 'INVITE' : req.method;
  const branch = branchOf(via);
  if (branch !== undefined && branch.startsWith(MAGIC_COOKIE)) {
    return `${branch}\n${via.host}:${via.port ?? ''}\n${method}`;
  }
  const from = getHeader(req, 'From');
  let fromTag = '';
  if (from !== undefined) {
    try {
      fromTag = parseNameAddr(from, 'From').params['tag'] ?? '';
    } catch {
      // keep the empty tag: matching is best effort for RFC 2543 peers
    }
  }
  return `2543\n${getHeader(req, 'Call-ID') ?? ''}\n${cseqSeq}\n${fromTag}\n${topViaValue}\n${method}`;
}

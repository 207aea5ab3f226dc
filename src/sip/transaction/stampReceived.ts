import type { SipRequest } from '../message.js';
import { formatVia, type Via } from '../via.js';
import type { SipEndpoint } from '../transport/transport.js';

function bare(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * RFC 3261 §18.2.1 and RFC 3581 §4: when the top Via's sent-by differs from where the request came
 * from, add `received`; an `rport` flag gets the source port. The Via (copied into every response)
 * then tells the client its public address. Only rewrites the header when something changes.
 */
export function stampReceived(req: SipRequest, via: Via, source: SipEndpoint): void {
  const rportFlag = via.params['rport'] === null;
  const hostDiffers = bare(via.host) !== bare(source.host);
  if (!rportFlag && !hostDiffers) return;
  if (hostDiffers || rportFlag) via.params['received'] = source.host;
  if (rportFlag) via.params['rport'] = String(source.port);
  for (const h of req.headers) {
    if (h.name.length === 3 && h.name.toLowerCase() === 'via') {
      h.value = formatVia(via);
      return;
    }
  }
}

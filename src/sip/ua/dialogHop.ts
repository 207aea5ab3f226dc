import type { Dialog } from '../dialog/dialog.js';
import type { SipEndpoint } from '../transport/transport.js';

/**
 * Where an in-dialog request is physically sent: the first route, else the remote target (RFC 3261
 * §12.2.1.1), when that URI names an IP address. A host name we cannot resolve here falls back to
 * `fallback` (the address the dialog's INVITE came from or went to).
 */
export function dialogHop(dialog: Dialog, fallback: SipEndpoint): SipEndpoint {
  const uri = dialog.nextHop().uri;
  if (!isIpLiteral(uri.host)) return fallback;
  const host = uri.host.startsWith('[') ? uri.host.slice(1, -1) : uri.host;
  return { host, port: uri.port ?? (uri.scheme === 'sips' ? 5061 : 5060) };
}

function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
}

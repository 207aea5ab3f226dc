/**
 * Header name tables: compact forms (RFC 3261 §7.3.3 and the extensions that register one),
 * canonical spelling of known names, and which headers are comma-separated lists (RFC 3261 §7.3.1).
 */

const COMPACT: ReadonlyMap<string, string> = new Map([
  ['a', 'Accept-Contact'], // RFC 3841
  ['b', 'Referred-By'], // RFC 3892
  ['c', 'Content-Type'],
  ['d', 'Request-Disposition'], // RFC 3841
  ['e', 'Content-Encoding'],
  ['f', 'From'],
  ['i', 'Call-ID'],
  ['j', 'Reject-Contact'], // RFC 3841
  ['k', 'Supported'],
  ['l', 'Content-Length'],
  ['m', 'Contact'],
  ['n', 'Identity-Info'], // RFC 4474
  ['o', 'Event'], // RFC 6665
  ['r', 'Refer-To'], // RFC 3515
  ['s', 'Subject'],
  ['t', 'To'],
  ['u', 'Allow-Events'], // RFC 6665
  ['v', 'Via'],
  ['x', 'Session-Expires'], // RFC 4028
  ['y', 'Identity'], // RFC 8224
]);

const KNOWN_NAMES = [
  'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
  'Authentication-Info', 'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition',
  'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Error-Info', 'Event',
  'Expires', 'From', 'History-Info', 'Identity', 'Identity-Info', 'In-Reply-To', 'Max-Forwards', 'MIME-Version',
  'Min-Expires', 'Min-SE', 'Organization', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Path', 'Priority',
  'Privacy', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'RAck', 'Reason', 'Record-Route',
  'Refer-To', 'Referred-By', 'Reject-Contact', 'Replaces', 'Reply-To', 'Request-Disposition', 'Require',
  'Retry-After', 'Route', 'RSeq', 'Security-Client', 'Security-Server', 'Security-Verify', 'Server',
  'Service-Route', 'Session-Expires', 'SIP-ETag', 'SIP-If-Match', 'Subject', 'Subscription-State', 'Supported',
  'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via', 'Warning', 'WWW-Authenticate',
] as const;

const CANONICAL: ReadonlyMap<string, string> = new Map(KNOWN_NAMES.map((n) => [n.toLowerCase(), n]));

/**
 * Headers whose value is `#element` (comma-separated) per their grammar, so one field may hold several values.
 * Authenticate/Authorization, Date, Retry-After, Subject and unknown headers are never split:
 * commas there are part of a single value.
 */
const LIST_HEADERS: ReadonlySet<string> = new Set([
  'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
  'Call-Info', 'Contact', 'Content-Encoding', 'Content-Language', 'Error-Info', 'History-Info', 'In-Reply-To',
  'P-Asserted-Identity', 'P-Preferred-Identity', 'Path', 'Proxy-Require', 'Reason', 'Record-Route',
  'Reject-Contact', 'Request-Disposition', 'Require', 'Route', 'Security-Client', 'Security-Server',
  'Security-Verify', 'Service-Route', 'Supported', 'Unsupported', 'Via', 'Warning',
]);

/** Headers holding name-addr / addr-spec values (RFC 3261 §20), validated by the message parser. */
const ADDRESS_HEADERS: ReadonlySet<string> = new Set(['To', 'From', 'Contact', 'Route', 'Record-Route', 'Reply-To']);

/** Long canonical name: compact forms expanded, known names in their usual spelling, unknown names as written. */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) {
    const long = COMPACT.get(lower);
    if (long !== undefined) return long;
  }
  return CANONICAL.get(lower) ?? name;
}

/** The compact form of a canonical name, if it has one (for senders that want smaller datagrams). */
export function compactHeaderName(canonical: string): string | undefined {
  for (const [short, long] of COMPACT) if (long === canonical) return short;
  return undefined;
}

/** True when the (canonical) header's values are comma-separated lists. */
export function isListHeader(canonical: string): boolean {
  return LIST_HEADERS.has(canonical);
}

/** True when the (canonical) header carries name-addr / addr-spec values. */
export function isAddressHeader(canonical: string): boolean {
  return ADDRESS_HEADERS.has(canonical);
}

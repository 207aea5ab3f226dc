import { formatParams, parseParams, type SipParams } from './params.js';
import { isTokenChar, isWsp, quote, scanQuoted, skipWsp, unquote } from './sipChars.js';
import { sipParseError } from './sipErrors.js';
import { parseUri, type SipUri } from './uri.js';

/**
 * One value of To, From, Contact, Route, Record-Route, Reply-To (RFC 3261 §20.10, §25.1):
 * `[display-name] <URI> *(;param)` or a bare addr-spec `URI *(;param)`.
 */
export interface NameAddr {
  /** Display name with quotes removed and quoted-pairs resolved; absent when none was written. */
  displayName?: string;
  /** The URI as written (without the angle brackets). formatNameAddr writes this string. */
  uri: string;
  parsedUri: SipUri;
  /** Header parameters after the address (tag, expires, q, ...). */
  params: SipParams;
}

/** Parses a name-addr or addr-spec value; throws a SIP_PARSE SipParseError on malformed input. */
export function parseNameAddr(value: string, header?: string): NameAddr {
  const s = value;
  let i = skipWsp(s, 0);
  let displayName: string | undefined;
  let lt = -1;
  if (s.charCodeAt(i) === 0x22) {
    const end = scanQuoted(s, i);
    if (end < 0) throw sipParseError('name-addr', `unterminated quoted display name in "${s}"`, header);
    displayName = unquote(s.slice(i, end));
    i = skipWsp(s, end);
    if (s.charCodeAt(i) !== 0x3c) throw sipParseError('name-addr', `"<" expected after the display name in "${s}"`, header);
    lt = i;
  } else {
    // A display name without quotes is *(token LWS) (RFC 3261 §25.1); "<" may follow without LWS (RFC 4475 §3.1.1.6).
    let j = i;
    while (j < s.length && (isTokenChar(s.charCodeAt(j)) || isWsp(s.charCodeAt(j)))) j++;
    if (j < s.length && s.charCodeAt(j) === 0x3c) {
      lt = j;
      const name = s.slice(i, j).trimEnd();
      if (name.length > 0) displayName = name;
    }
  }
  let uri: string;
  let paramsStart: number;
  if (lt >= 0) {
    const gt = s.indexOf('>', lt + 1);
    if (gt < 0) throw sipParseError('name-addr', `missing ">" in "${s}"`, header);
    uri = s.slice(lt + 1, gt);
    if (uri.length > 0 && (isWsp(uri.charCodeAt(0)) || isWsp(uri.charCodeAt(uri.length - 1)))) {
      throw sipParseError('name-addr', `spaces inside <> around the URI in "${s}"`, header); // RFC 4475 §3.1.2.14
    }
    paramsStart = gt + 1;
  } else {
    if (s.indexOf('<', i) >= 0) {
      // RFC 4475 §3.1.2.15: a display name with non-token characters must be a quoted string.
      throw sipParseError('name-addr', `display name with non-token characters must be quoted in "${s}"`, header);
    }
    let end = i;
    while (end < s.length && s.charCodeAt(end) !== 0x3b && !isWsp(s.charCodeAt(end))) end++;
    uri = s.slice(i, end);
    // RFC 3261 §20.10: a URI containing ',', '?' or ';' must be written inside <> (RFC 4475 §3.1.2.13).
    if (uri.includes('?') || uri.includes(',')) {
      throw sipParseError('name-addr', `a URI with "?" or "," must be enclosed in <> in "${s}"`, header);
    }
    paramsStart = end;
  }
  const parsedUri = parseUri(uri);
  const params = parseParams(s, paramsStart, header);
  const out: NameAddr = { uri, parsedUri, params };
  if (displayName !== undefined) out.displayName = displayName;
  return out;
}

/** Always writes the name-addr form (`"name" <uri>;params`), which is valid wherever an addr-spec is. */
export function formatNameAddr(na: Pick<NameAddr, 'uri' | 'params'> & { displayName?: string | undefined }): string {
  const name = na.displayName === undefined ? '' : quote(na.displayName) + ' ';
  return `${name}<${na.uri}>${formatParams(na.params)}`;
}

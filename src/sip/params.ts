import { sipParseError } from './sipErrors.js';
import { isTokenChar, isWsp, scanQuoted, skipWsp } from './sipChars.js';

/**
 * Ordered `;name[=value]` parameters (RFC 3261 §7.3.1 generic-param). Names are lower-cased (they are
 * case-insensitive); values are kept as written, a quoted-string value keeps its quotes. A flag parameter
 * has value null. When a name repeats, the first occurrence wins. (JS orders integer-like keys first, so
 * a purely numeric parameter name would be re-ordered on output: harmless, and rare.)
 */
export type SipParams = Record<string, string | null>;

/** Sets a parameter safely even for the name "__proto__". */
export function setParam(params: SipParams, name: string, value: string | null): void {
  if (name === '__proto__') {
    // Plain assignment would change the prototype; defining keeps it an ordinary own property.
    if (!Object.prototype.hasOwnProperty.call(params, name)) {
      Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
    }
    return;
  }
  if (!Object.prototype.hasOwnProperty.call(params, name)) params[name] = value;
}

/** True when the parameter is present (flag or valued). */
export function hasParam(params: SipParams, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(params, name.toLowerCase());
}

/**
 * Parses `*( SEMI generic-param )` from `s` starting at `start`, LWS allowed around `;` and `=`.
 * Everything from `start` to the end of `s` must be parameters.
 */
export function parseParams(s: string, start = 0, header?: string): SipParams {
  const params: SipParams = {};
  let i = skipWsp(s, start);
  while (i < s.length) {
    if (s.charCodeAt(i) !== 0x3b) throw sipParseError('params', `unexpected "${s[i]}" where ";" was expected in "${s}"`, header);
    i = skipWsp(s, i + 1);
    const nameStart = i;
    while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
    if (i === nameStart) throw sipParseError('params', `empty parameter name in "${s}"`, header);
    const name = s.slice(nameStart, i).toLowerCase();
    i = skipWsp(s, i);
    let value: string | null = null;
    if (i < s.length && s.charCodeAt(i) === 0x3d) {
      i = skipWsp(s, i + 1);
      if (i < s.length && s.charCodeAt(i) === 0x22) {
        const end = scanQuoted(s, i);
        if (end < 0) throw sipParseError('params', `unterminated quoted parameter value in "${s}"`, header);
        value = s.slice(i, end);
        i = end;
      } else {
        const valueStart = i;
        while (i < s.length && !isWsp(s.charCodeAt(i)) && s.charCodeAt(i) !== 0x3b && s.charCodeAt(i) !== 0x22) i++;
        if (i === valueStart) throw sipParseError('params', `empty value for parameter "${name}" in "${s}"`, header);
        value = s.slice(valueStart, i);
      }
      i = skipWsp(s, i);
    }
    setParam(params, name, value);
  }
  return params;
}

/** `;name=value;flag` — the inverse of parseParams. */
export function formatParams(params: SipParams): string {
  let out = '';
  for (const name of Object.keys(params)) {
    const value = params[name];
    out += value === null || value === undefined ? `;${name}` : `;${name}=${value}`;
  }
  return out;
}

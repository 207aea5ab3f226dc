/** Character classes of the RFC 3261 §25.1 grammar, over UTF-16 code units (all are ASCII). */

// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
export function isTokenChar(c: number): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return true;
  switch (c) {
    case 0x2d: case 0x2e: case 0x21: case 0x25: case 0x2a: case 0x5f: case 0x2b: case 0x60: case 0x27: case 0x7e:
      return true;
    default:
      return false;
  }
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** SP or HTAB: what remains of LWS once folding has been undone. */
export function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

export function skipWsp(s: string, i: number): number {
  while (i < s.length && isWsp(s.charCodeAt(i))) i++;
  return i;
}

/**
 * `s[i]` is the opening quote: returns the index just past the closing quote, or -1 when unterminated.
 * quoted-pair (`\` + any octet but CR/LF) never ends the string (RFC 3261 §25.1).
 */
export function scanQuoted(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return -1;
}

/** Content of a quoted-string without the quotes and with quoted-pairs resolved. */
export function unquote(quoted: string): string {
  let out = '';
  for (let j = 1; j < quoted.length - 1; j++) {
    let c = quoted[j];
    if (c === '\\' && j + 1 < quoted.length - 1) c = quoted[++j];
    out += c;
  }
  return out;
}

/** Wraps text in a quoted-string, escaping `"` and `\`. */
export function quote(text: string): string {
  let out = '"';
  for (const c of text) out += c === '"' || c === '\\' ? '\\' + c : c;
  return out + '"';
}

/** ASCII decimal digits only, non-empty. */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Parses a digit string, or -1 when it is not one or exceeds `max` (leading zeros allowed: RFC 4475 §3.1.1.1). */
export function parseBoundedInt(s: string, max: number): number {
  if (!isDigits(s)) return -1;
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 0x30) i++;
  if (s.length - i > 16) return -1; // beyond 2^53: certainly above any bound we use
  const n = Number(s.slice(i));
  return n <= max ? n : -1;
}

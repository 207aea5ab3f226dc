import { closestWord } from '../config/closestWord.js';

/** One `[keyword args...]` in a message template, by its offsets in the template. */
export interface KeywordToken {
  start: number;
  /** One past the closing bracket. */
  end: number;
  /** First word inside the brackets, e.g. `field0`, `last_Via:`, `cseq+1`. */
  name: string;
  /** `name=value` pairs after the first word (quotes removed). */
  args: Record<string, string>;
}

/**
 * A keyword voiceload knows, by kind. `last` carries the header name (colon dropped), `field` the
 * column index, `branch`/`cseq` the offset written after the name.
 */
export type Keyword =
  | { kind: 'value'; name: SimpleKeyword }
  | { kind: 'branch'; back: number }
  | { kind: 'cseq'; offset: number }
  | { kind: 'len' }
  | { kind: 'last'; header: string }
  | { kind: 'lastRequestUri' }
  | { kind: 'lastCseqNumber' }
  | { kind: 'field'; index: number; line?: number; file?: string }
  | { kind: 'authentication'; username?: string; password?: string };

export const SIMPLE_KEYWORDS = [
  'service',
  'call_id',
  'call_number',
  'local_ip',
  'local_ip_type',
  'local_port',
  'remote_ip',
  'remote_port',
  'transport',
  'peer_tag_param',
  'media_ip',
  'media_ip_type',
  'media_port',
  'auto_media_port',
  'pid',
] as const;

export type SimpleKeyword = (typeof SIMPLE_KEYWORDS)[number];

/** Every spelling offered for "did you mean" (patterns shown by an example). */
const SUGGESTIONS: readonly string[] = [
  ...SIMPLE_KEYWORDS,
  'branch',
  'cseq',
  'len',
  'last_Request_URI',
  'last_cseq_number',
  'authentication',
  'field0',
  'last_Via:',
  'last_From:',
  'last_To:',
  'last_Call-ID:',
  'last_CSeq:',
  'last_Contact:',
  'last_Record-Route:',
];

/**
 * Finds the keywords of a template: a bracketed run starting with a letter, `_` or `$` (an IPv6
 * literal such as `[::1]` or `[2001:db8::1]` is left alone), without nested brackets or line breaks.
 */
export function scanKeywords(text: string): KeywordToken[] {
  const out: KeywordToken[] = [];
  const re = /\[([A-Za-z_$][^[\]\r\n]*)\]/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const inner = m[1]!.trim();
    const sp = inner.search(/\s/);
    const name = sp < 0 ? inner : inner.slice(0, sp);
    const args: Record<string, string> = {};
    if (sp >= 0) {
      const argRe = /([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|(\S+))/g;
      for (let a = argRe.exec(inner.slice(sp)); a !== null; a = argRe.exec(inner.slice(sp))) args[a[1]!] = a[2] ?? a[3] ?? '';
    }
    out.push({ start: m.index, end: m.index + m[0].length, name, args });
  }
  return out;
}

/** What a token means, or why voiceload cannot substitute it (with the keyword most likely meant). */
export function classifyKeyword(tok: KeywordToken): { keyword: Keyword } | { error: string } {
  const { name, args } = tok;
  if ((SIMPLE_KEYWORDS as readonly string[]).includes(name)) return { keyword: { kind: 'value', name: name as SimpleKeyword } };
  if (name === 'len') return { keyword: { kind: 'len' } };
  const branch = /^branch(?:-(\d+))?$/.exec(name);
  if (branch !== null) return { keyword: { kind: 'branch', back: Number(branch[1] ?? 0) } };
  const cseq = /^cseq(?:([+-])(\d+))?$/.exec(name);
  if (cseq !== null) return { keyword: { kind: 'cseq', offset: cseq[1] === undefined ? 0 : Number(cseq[1] + cseq[2]) } };
  if (name === 'last_Request_URI') return { keyword: { kind: 'lastRequestUri' } };
  if (name === 'last_cseq_number') return { keyword: { kind: 'lastCseqNumber' } };
  const last = /^last_([A-Za-z0-9!%*_.+`'~-]+):?$/.exec(name);
  if (last !== null) return { keyword: { kind: 'last', header: last[1]! } };
  const field = /^field(\d+)$/.exec(name);
  if (field !== null) {
    const kw: Keyword = { kind: 'field', index: Number(field[1]) };
    if (args['line'] !== undefined) {
      if (!/^\d+$/.test(args['line'])) return { error: `[${name} line=${args['line']}]: line must be a number (keywords inside line= are not supported)` };
      kw.line = Number(args['line']);
    }
    if (args['file'] !== undefined) kw.file = args['file'];
    return { keyword: kw };
  }
  if (name === 'authentication') {
    const unknown = Object.keys(args).filter((k) => k !== 'username' && k !== 'password');
    if (unknown.length > 0) return { error: `[authentication]: unsupported parameter ${unknown.join(', ')} (voiceload answers Digest with username= and password=)` };
    const kw: Keyword = { kind: 'authentication' };
    if (args['username'] !== undefined) kw.username = args['username'];
    if (args['password'] !== undefined) kw.password = args['password'];
    return { keyword: kw };
  }
  const guess = closestWord(name, SUGGESTIONS);
  return { error: `unknown keyword [${name}]${guess === undefined ? '' : `; did you mean [${guess}]?`}` };
}

import { VoiceloadError } from '../core/errors.js';
import { getHeaders, type SipMessage } from '../sip/message.js';
import { canonicalHeaderName } from '../sip/headerNames.js';
import { classifyKeyword, scanKeywords, type Keyword, type SimpleKeyword } from './sippKeywords.js';

/** Everything a message template can refer to, for one send of one call. */
export interface KeywordValues {
  simple: Readonly<Record<SimpleKeyword, string>>;
  /** The CSeq number this send uses for `[cseq]`. */
  cseq: number;
  /** Branch of this send (back = 0) or of the send `back` sends earlier. */
  branch(back: number): string;
  /** The last message received in this call (not a retransmission), for `[last_*]`. */
  last: SipMessage | undefined;
  /** Injection-file field; undefined when the file or column does not exist. */
  field(index: number, line: number | undefined, file: string | undefined): string | undefined;
  /** The Authorization value answering the last challenge. Throws when there is none. */
  authentication(args: { username?: string; password?: string }, method: string, uri: string, body: Buffer): string;
}

/** A template that cannot be turned into a message for this call (the call fails with it). */
export function keywordError(message: string): VoiceloadError {
  return new VoiceloadError('CONFIG', message, { hint: 'see the SIPp keyword list in the README' });
}

/**
 * SIPp's text rules: the CDATA is trimmed, each line loses its leading blanks (so scenarios may be
 * indented) and trailing blanks, lines end in CRLF. The first empty line ends the headers; a
 * message without a body ends in an empty line, a body ends with CRLF after its last line, and
 * `[len]` is the body's byte count after every other keyword has been replaced.
 */
export function buildSippMessage(template: string, values: KeywordValues): string {
  const lines = template
    .trim()
    .split(/\r?\n/)
    .map((l) => l.replace(/^[ \t]+|[ \t]+$/g, ''));
  const out: string[] = [];
  for (const line of lines) {
    const expanded = expandLine(line, values);
    if (expanded !== undefined) out.push(...expanded.split(/\r?\n/));
  }
  const blank = out.indexOf('');
  const headLines = blank < 0 ? out : out.slice(0, blank);
  const bodyLines = blank < 0 ? [] : out.slice(blank + 1);
  while (bodyLines.length > 0 && bodyLines[bodyLines.length - 1] === '') bodyLines.pop();
  const body = bodyLines.length === 0 ? '' : bodyLines.join('\r\n') + '\r\n';
  let head = headLines.join('\r\n') + '\r\n\r\n';
  head = head.replace(/\[len\]/g, String(Buffer.byteLength(body, 'utf8')));
  const authRe = /\[authentication(?:\s[^\]\r\n]*)?\]/g;
  if (authRe.test(head)) {
    const requestLine = headLines[0] ?? '';
    const [method = '', uri = ''] = requestLine.split(' ');
    head = head.replace(authRe, (raw) => {
      const tok = scanKeywords(raw)[0];
      const kw = tok === undefined ? undefined : classifyKeyword(tok);
      const args = kw !== undefined && 'keyword' in kw && kw.keyword.kind === 'authentication' ? kw.keyword : {};
      return values.authentication(args, method, uri, Buffer.from(body, 'utf8'));
    });
  }
  return head + body;
}

/**
 * Replaces the keywords of one line; `[len]` and `[authentication]` stay for the second pass. A
 * `[last_X]` whose header the last message lacks drops the rest of the line, and the line itself
 * when nothing else is left on it (SIPp's rule, so optional headers can be echoed).
 */
function expandLine(line: string, v: KeywordValues): string | undefined {
  let out = '';
  let from = 0;
  for (const tok of scanKeywords(line)) {
    out += line.slice(from, tok.start);
    from = tok.end;
    const c = classifyKeyword(tok);
    if ('error' in c) throw keywordError(c.error);
    const value = keywordValue(c.keyword, v, line.slice(tok.start, tok.end));
    if (value === undefined) return out.trim() === '' ? undefined : out;
    out += value;
  }
  return out + line.slice(from);
}

function keywordValue(kw: Keyword, v: KeywordValues, raw: string): string | undefined {
  switch (kw.kind) {
    case 'value':
      return v.simple[kw.name];
    case 'len':
    case 'authentication':
      return raw;
    case 'branch':
      return v.branch(kw.back);
    case 'cseq':
      return String(v.cseq + kw.offset);
    case 'field': {
      const f = v.field(kw.index, kw.line, kw.file);
      if (f === undefined) throw keywordError(`${raw}: the injection file has no such field${kw.file === undefined ? ' (is -inf given?)' : ''}`);
      return f;
    }
    case 'lastRequestUri':
      return v.last?.kind === 'request' ? v.last.uri : undefined;
    case 'lastCseqNumber': {
      const cseq = v.last === undefined ? undefined : getHeaders(v.last, 'CSeq')[0];
      return cseq === undefined ? undefined : cseq.trim().split(/\s+/)[0];
    }
    case 'last': {
      if (v.last === undefined) return undefined;
      const name = canonicalHeaderName(kw.header);
      const values = getHeaders(v.last, name);
      return values.length === 0 ? undefined : values.map((x) => `${name}: ${x}`).join('\r\n');
    }
  }
}

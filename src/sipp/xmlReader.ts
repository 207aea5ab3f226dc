/**
 * A small XML reader for SIPp scenarios, written here rather than taken from npm: scenarios use a tiny
 * subset of XML (elements, attributes, comments, CDATA, one declaration and a DOCTYPE line), and every
 * problem voiceload reports must point at the start of the element or attribute at fault. Streaming
 * parsers (sax, saxes) report the position where a tag *ends*; recovering the start from them costs
 * more code than this reader. It is not a validating parser: no DTD is read, no namespaces.
 */

export interface XmlPosition {
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  col: number;
}

export interface XmlAttribute extends XmlPosition {
  name: string;
  value: string;
}

export interface XmlElement extends XmlPosition {
  kind: 'element';
  name: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
}

export interface XmlText extends XmlPosition {
  kind: 'text';
  /** Entity references decoded; CDATA content verbatim. */
  text: string;
  cdata: boolean;
}

export type XmlNode = XmlElement | XmlText;

export interface XmlProblem extends XmlPosition {
  message: string;
}

/** Line/column of an offset, from the offsets at which lines start. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x0a) this.starts.push(i + 1);
  }

  at(offset: number): XmlPosition {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class XmlSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function isNameStart(c: string): boolean {
  return /[A-Za-z_:]/.test(c);
}

function isNameChar(c: string): boolean {
  return /[A-Za-z0-9_:.-]/.test(c);
}

/**
 * Reads one XML document. Syntax errors stop the reading (XML has no recovery): the first one is
 * returned as a problem at its position, and `root` is then undefined.
 */
export function readXml(text: string): { root?: XmlElement; problems: XmlProblem[] } {
  const lines = new LineIndex(text);
  try {
    return { root: new Reader(text, lines).document(), problems: [] };
  } catch (e) {
    if (e instanceof XmlSyntaxError) return { problems: [{ ...lines.at(e.offset), message: e.message }] };
    throw e;
  }
}

class Reader {
  private i = 0;

  constructor(
    private readonly s: string,
    private readonly lines: LineIndex,
  ) {}

  document(): XmlElement {
    if (this.s.charCodeAt(0) === 0xfeff) this.i = 1;
    this.misc();
    if (this.s.startsWith('<!DOCTYPE', this.i)) {
      this.doctype();
      this.misc();
    }
    if (this.s[this.i] !== '<') throw new XmlSyntaxError(this.i, this.i >= this.s.length ? 'no root element' : 'text before the root element');
    const root = this.element();
    this.misc();
    if (this.i < this.s.length) throw new XmlSyntaxError(this.i, 'content after the root element');
    return root;
  }

  /** Whitespace, comments and processing instructions between top-level constructs. */
  private misc(): void {
    for (;;) {
      while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
      if (this.s.startsWith('<!--', this.i)) this.comment();
      else if (this.s.startsWith('<?', this.i)) this.processingInstruction();
      else return;
    }
  }

  private comment(): void {
    const end = this.s.indexOf('-->', this.i + 4);
    if (end < 0) throw new XmlSyntaxError(this.i, 'comment is never closed (missing -->)');
    this.i = end + 3;
  }

  private processingInstruction(): void {
    const end = this.s.indexOf('?>', this.i + 2);
    if (end < 0) throw new XmlSyntaxError(this.i, 'processing instruction is never closed (missing ?>)');
    this.i = end + 2;
  }

  /** `<!DOCTYPE scenario SYSTEM "sipp.dtd">`, possibly with an internal subset in [...]. */
  private doctype(): void {
    const start = this.i;
    let depth = 0;
    for (this.i += 9; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth <= 0) {
        this.i++;
        return;
      }
    }
    throw new XmlSyntaxError(start, 'DOCTYPE is never closed');
  }

  private name(): string {
    const start = this.i;
    if (!isNameStart(this.s[this.i] ?? '')) throw new XmlSyntaxError(this.i, 'expected a name');
    while (this.i < this.s.length && isNameChar(this.s[this.i]!)) this.i++;
    return this.s.slice(start, this.i);
  }

  private skipSpace(): boolean {
    const start = this.i;
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
    return this.i > start;
  }

  private decode(raw: string, offset: number): string {
    return raw.replace(/&([^;&\s]*);?/g, (whole, ref: string, at: number) => {
      if (!whole.endsWith(';')) throw new XmlSyntaxError(offset + at, `"&" must start an entity reference (write &amp;)`);
      if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
      if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
      const named = NAMED_ENTITIES[ref];
      if (named === undefined) throw new XmlSyntaxError(offset + at, `unknown entity &${ref};`);
      return named;
    });
  }

  private element(): XmlElement {
    const start = this.i;
    this.i++; // <
    const name = this.name();
    const el: XmlElement = { kind: 'element', name, attributes: [], children: [], ...this.lines.at(start) };
    for (;;) {
      const spaced = this.skipSpace();
      if (this.s.startsWith('/>', this.i)) {
        this.i += 2;
        return el;
      }
      if (this.s[this.i] === '>') {
        this.i++;
        break;
      }
      if (this.i >= this.s.length) throw new XmlSyntaxError(start, `<${name}> is never closed`);
      if (!spaced) throw new XmlSyntaxError(this.i, `expected whitespace, ">" or "/>" in <${name}>`);
      const attrStart = this.i;
      const attrName = this.name();
      this.skipSpace();
      if (this.s[this.i] !== '=') throw new XmlSyntaxError(this.i, `attribute ${attrName} has no value (write ${attrName}="...")`);
      this.i++;
      this.skipSpace();
      const quote = this.s[this.i];
      if (quote !== '"' && quote !== "'") throw new XmlSyntaxError(this.i, `the value of ${attrName} must be quoted`);
      const end = this.s.indexOf(quote, this.i + 1);
      if (end < 0) throw new XmlSyntaxError(this.i, `the value of ${attrName} is never closed`);
      const raw = this.s.slice(this.i + 1, end);
      if (raw.includes('<')) throw new XmlSyntaxError(this.i + 1 + raw.indexOf('<'), `"<" inside the value of ${attrName} (write &lt;)`);
      if (el.attributes.some((a) => a.name === attrName)) throw new XmlSyntaxError(attrStart, `attribute ${attrName} appears twice`);
      el.attributes.push({ name: attrName, value: this.decode(raw, this.i + 1), ...this.lines.at(attrStart) });
      this.i = end + 1;
    }
    this.content(el);
    return el;
  }

  private content(el: XmlElement): void {
    for (;;) {
      const lt = this.s.indexOf('<', this.i);
      if (lt < 0) throw new XmlSyntaxError(this.i, `<${el.name}> at line ${el.line} is never closed (missing </${el.name}>)`);
      if (lt > this.i) el.children.push({ kind: 'text', text: this.decode(this.s.slice(this.i, lt), this.i), cdata: false, ...this.lines.at(this.i) });
      this.i = lt;
      if (this.s.startsWith('<![CDATA[', lt)) {
        const end = this.s.indexOf(']]>', lt + 9);
        if (end < 0) throw new XmlSyntaxError(lt, 'CDATA section is never closed (missing ]]>)');
        el.children.push({ kind: 'text', text: this.s.slice(lt + 9, end), cdata: true, ...this.lines.at(lt + 9) });
        this.i = end + 3;
      } else if (this.s.startsWith('<!--', lt)) this.comment();
      else if (this.s.startsWith('<?', lt)) this.processingInstruction();
      else if (this.s.startsWith('</', lt)) {
        this.i += 2;
        const closeAt = this.i;
        const name = this.name();
        if (name !== el.name) throw new XmlSyntaxError(closeAt, `</${name}> closes <${el.name}> opened at line ${el.line}`);
        this.skipSpace();
        if (this.s[this.i] !== '>') throw new XmlSyntaxError(this.i, `expected ">" after </${name}`);
        this.i++;
        return;
      } else el.children.push(this.element());
    }
  }
}

/** Names every template may use, whatever the scenario: the run, the call's number in it, its SIP Call-ID. */
export const BUILTIN_TEMPLATE_NAMES = ['run_id', 'call_number', 'call_id'] as const;

export type TemplatePart = { literal: string } | { name: string; /** index of `{{` in the source */ offset: number };

/** A string with `{{name}}` placeholders, filled per call (headers, users, caller text). */
export interface Template {
  source: string;
  parts: TemplatePart[];
}

export interface TemplateSyntaxError {
  offset: number;
  message: string;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits a template into literals and placeholders; an unclosed `{{` or a malformed name is an error. */
export function parseTemplate(source: string): { template: Template; errors: TemplateSyntaxError[] } {
  const parts: TemplatePart[] = [];
  const errors: TemplateSyntaxError[] = [];
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push({ literal: source.slice(last, m.index) });
    const name = m[1] ?? '';
    if (!NAME.test(name)) errors.push({ offset: m.index, message: `"${m[0]}" is not a placeholder: write {{name}} with letters, digits and _` });
    else parts.push({ name, offset: m.index });
    last = m.index + m[0].length;
  }
  const rest = source.slice(last);
  const open = rest.indexOf('{{');
  if (open >= 0) errors.push({ offset: last + open, message: 'unclosed "{{": a placeholder ends with "}}"' });
  if (rest !== '') parts.push({ literal: rest });
  return { template: { source, parts }, errors };
}

/** The placeholder names a template uses, in order, with where each starts in its source. */
export function templateNames(t: Template): { name: string; offset: number }[] {
  return t.parts.flatMap((p) => ('name' in p ? [{ name: p.name, offset: p.offset }] : []));
}

/** Fills a template; a name without a value is left as written (validation makes that impossible). */
export function renderTemplate(t: Template, values: Readonly<Record<string, string>>): string {
  return t.parts.map((p) => ('name' in p ? (values[p.name] ?? `{{${p.name}}}`) : p.literal)).join('');
}

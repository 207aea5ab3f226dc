const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value → HTML that shows it literally. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * A value as JSON safe inside `<script type="application/json">`: every `<` becomes `\u003c`, so no
 * `</script>` or `<!--` in the data (a hostile tag value) can end or confuse the element; U+2028/9
 * are escaped too. JSON.parse of the element's text gives the value back unchanged.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * Inlined library code or CSS inside `<script>` / `<style>`: a `</script` or `</style` in it would
 * end the element early; `<\/` is the same text to JavaScript and harmless in CSS strings.
 */
export function inlineRaw(text: string, element: 'script' | 'style'): string {
  return text.replace(new RegExp(`</(${element})`, 'gi'), '<\\/$1');
}

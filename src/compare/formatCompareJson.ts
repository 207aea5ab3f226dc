import type { Comparison } from './comparison.js';

/** The comparison as JSON (`"schema": "voiceload.compare/1"`), one object, 2-space indented. */
export function formatCompareJson(c: Comparison): string {
  return `${JSON.stringify(c, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

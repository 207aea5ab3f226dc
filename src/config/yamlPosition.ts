import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { ConfigProblem } from './configProblem.js';

/**
 * Start offset of what a key path is about: the key that holds the value (an unknown key, a bad
 * value), the item of a list, or the nearest existing ancestor of something missing.
 */
export function offsetOfPath(doc: Document, path: readonly PropertyKey[]): number {
  for (let n = path.length - 1; n >= 0; n--) {
    const parent: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const key = path[n];
    if (isMap(parent)) {
      const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === key);
      if (pair !== undefined && isNode(pair.key) && pair.key.range) return pair.key.range[0];
    }
    if (isSeq(parent) && typeof key === 'number') {
      const item = parent.items[key];
      if (isNode(item) && item.range) return item.range[0];
    }
    if (isNode(parent) && parent.range && n < path.length - 1) return parent.range[0];
  }
  return isNode(doc.contents) && doc.contents.range ? doc.contents.range[0] : 0;
}

/** YAML syntax errors as problems at their positions (path `(yaml)`). */
export function yamlSyntaxProblems(doc: Document, file: string, lineCounter: LineCounter): ConfigProblem[] {
  return doc.errors.map((e) => ({ file, ...lineCounter.linePos(e.pos[0]), path: '(yaml)', message: e.message }));
}

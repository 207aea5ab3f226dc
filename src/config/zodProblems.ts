import type { z } from 'zod';
import { closestWord } from './closestWord.js';

/** A schema problem by key path, before it is given a place in a file. */
export interface SchemaProblem {
  path: PropertyKey[];
  message: string;
  hint?: string;
}

/**
 * Zod issues as problems: one per unknown key (each has its own place in the file) with the key
 * most likely meant, found among `knownKeys(path)` (the keys the object at that path accepts).
 */
export function zodProblems(issues: readonly z.core.$ZodIssue[], knownKeys: (path: readonly PropertyKey[]) => string[]): SchemaProblem[] {
  return issues.flatMap((issue): SchemaProblem[] => {
    const path = [...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(path);
      return issue.keys.map((key) => {
        const guess = closestWord(key, known);
        const expected = known.length > 0 ? ` (allowed here: ${known.join(', ')})` : '';
        return { path: [...path, key], message: guess === undefined ? `unknown key${expected}` : `unknown key; did you mean "${guess}"?` };
      });
    }
    return [{ path, message: issue.message }];
  });
}

/** Walks a zod object schema down a key path to the keys an object there accepts (for "did you mean"). */
export function objectKeysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  const unwrap = (s: unknown): unknown => {
    for (;;) {
      const def = (s as { _zod?: { def?: { type?: string; innerType?: unknown; in?: unknown } } })._zod?.def;
      if (def === undefined) return s;
      if (def.innerType !== undefined) s = def.innerType;
      else if (def.type === 'pipe') s = def.in;
      else return s;
    }
  };
  let node = schema;
  for (const key of path) {
    const shape = (unwrap(node) as { shape?: Record<string, unknown> }).shape;
    if (shape === undefined || typeof key !== 'string') return [];
    node = shape[key];
  }
  const shape = (unwrap(node) as { shape?: Record<string, unknown> }).shape;
  return shape === undefined ? [] : Object.keys(shape);
}

import type { z } from 'zod';
import type { AgentProfile } from './profile.js';
import { ProfileError } from './profileError.js';
import { agentProfileSchema, knownKeysAt } from './profileSchema.js';

/** A schema problem by key path, before it is given a place in a file. */
export interface SchemaProblem {
  path: PropertyKey[];
  message: string;
}

export type SchemaResult = { ok: true; profile: AgentProfile } | { ok: false; problems: SchemaProblem[] };

/** Validates a plain value against the profile schema and applies the defaults; never throws. */
export function checkProfile(value: unknown): SchemaResult {
  const r = agentProfileSchema.safeParse(value);
  if (r.success) return { ok: true, profile: r.data };
  return { ok: false, problems: r.error.issues.flatMap(describeIssue) };
}

/** Validates a profile given as an object (in code, tests); throws ProfileError listing every problem. */
export function resolveProfile(value: unknown, source = '<profile object>'): AgentProfile {
  const r = checkProfile(value);
  if (r.ok) return r.profile;
  throw new ProfileError(
    source,
    r.problems.map((p) => ({ file: source, path: pathString(p.path), message: p.message })),
  );
}

export function pathString(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** One problem per unknown key (each has its own place in the file), with a likely intended key. */
function describeIssue(issue: z.core.$ZodIssue): SchemaProblem[] {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(path);
    return issue.keys.map((key) => {
      const guess = closest(key, known);
      const expected = known.length > 0 ? ` (allowed here: ${known.join(', ')})` : '';
      return { path: [...path, key], message: guess === undefined ? `unknown key${expected}` : `unknown key; did you mean "${guess}"?` };
    });
  }
  return [{ path, message: issue.message }];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Levenshtein distance, two rows. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

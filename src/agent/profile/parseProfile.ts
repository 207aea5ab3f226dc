import { isNode, isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { AgentProfile } from './profile.js';
import { ProfileError, type ProfileProblem } from './profileError.js';
import { checkProfile, pathString, type SchemaProblem } from './resolveProfile.js';

/**
 * Parses a YAML profile and applies the defaults. Throws one ProfileError (code CONFIG) naming
 * every problem as `file:line:col: path: message`: YAML syntax errors at their position, or else
 * each schema problem at the node it concerns (the key itself for an unknown key, the nearest
 * enclosing node for a missing one).
 */
export function parseProfile(text: string, fileName: string): AgentProfile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  if (doc.errors.length > 0) {
    // The tree of a broken document is a guess: schema problems found in it would mislead.
    throw new ProfileError(
      fileName,
      doc.errors.map((e) => ({ file: fileName, ...at(e.pos[0]), path: '(yaml)', message: e.message })),
    );
  }
  const r = checkProfile(doc.toJS());
  if (r.ok) return r.profile;
  const problems: ProfileProblem[] = r.problems.map((p) => ({
    file: fileName,
    ...at(offsetOf(doc, p)),
    path: pathString(p.path),
    message: p.message,
  }));
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
  throw new ProfileError(fileName, problems);
}

/**
 * Start offset of what a problem is about: the key that holds the offending value (an unknown key,
 * a bad value), or the nearest existing ancestor of a missing one.
 */
function offsetOf(doc: Document, problem: SchemaProblem): number {
  const path = problem.path;
  for (let n = path.length - 1; n >= 0; n--) {
    const parent: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isMap(parent)) {
      const key = path[n];
      const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === key);
      if (pair !== undefined && isNode(pair.key) && pair.key.range) return pair.key.range[0];
    }
    if (isNode(parent) && parent.range && n < path.length - 1) return parent.range[0];
  }
  return isNode(doc.contents) && doc.contents.range ? doc.contents.range[0] : 0;
}

import { LineCounter, parseDocument } from 'yaml';
import { pathString, sortProblems } from '../../config/configProblem.js';
import { offsetOfPath, yamlSyntaxProblems } from '../../config/yamlPosition.js';
import type { AgentProfile } from './profile.js';
import { ProfileError, type ProfileProblem } from './profileError.js';
import { checkProfile } from './resolveProfile.js';

/**
 * Parses a YAML profile and applies the defaults. Throws one ProfileError (code CONFIG) naming
 * every problem as `file:line:col: path: message`: YAML syntax errors at their position, or else
 * each schema problem at the node it concerns (the key itself for an unknown key, the nearest
 * enclosing node for a missing one).
 */
export function parseProfile(text: string, fileName: string): AgentProfile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    // The tree of a broken document is a guess: schema problems found in it would mislead.
    throw new ProfileError(fileName, yamlSyntaxProblems(doc, fileName, lineCounter));
  }
  const r = checkProfile(doc.toJS());
  if (r.ok) return r.profile;
  const problems: ProfileProblem[] = r.problems.map((p) => ({
    file: fileName,
    ...lineCounter.linePos(offsetOfPath(doc, p.path)),
    path: pathString(p.path),
    message: p.message,
  }));
  throw new ProfileError(fileName, sortProblems(problems));
}

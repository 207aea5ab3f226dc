import { pathString } from '../../config/configProblem.js';
import { zodProblems, type SchemaProblem } from '../../config/zodProblems.js';
import type { AgentProfile } from './profile.js';
import { ProfileError } from './profileError.js';
import { agentProfileSchema, knownKeysAt } from './profileSchema.js';

export type { SchemaProblem } from '../../config/zodProblems.js';
export { pathString } from '../../config/configProblem.js';

export type SchemaResult = { ok: true; profile: AgentProfile } | { ok: false; problems: SchemaProblem[] };

/** Validates a plain value against the profile schema and applies the defaults; never throws. */
export function checkProfile(value: unknown): SchemaResult {
  const r = agentProfileSchema.safeParse(value);
  if (r.success) return { ok: true, profile: r.data };
  return { ok: false, problems: zodProblems(r.error.issues, knownKeysAt) };
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

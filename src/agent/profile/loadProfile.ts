import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VoiceloadError } from '../../core/errors.js';
import { parseProfile } from './parseProfile.js';
import type { AgentProfile } from './profile.js';

/** Profiles shipped in the package's `profiles/` folder. */
export const BUILTIN_PROFILES = ['healthy', 'llm-bound', 'worker-bound', 'trunk-bound'] as const;
export type BuiltinProfileName = (typeof BUILTIN_PROFILES)[number];

/** Absolute path of a shipped profile; the same from src/agent/profile and dist/agent/profile. */
export function builtinProfilePath(name: BuiltinProfileName): string {
  return fileURLToPath(new URL(`../../../profiles/${name}.yaml`, import.meta.url));
}

function isBuiltin(name: string): name is BuiltinProfileName {
  return (BUILTIN_PROFILES as readonly string[]).includes(name);
}

/**
 * Loads a profile: a bare built-in name (`healthy`) from the package, anything else as a file path.
 * Throws ProfileError (CONFIG) for an invalid profile, VoiceloadError CONFIG for a missing file.
 */
export function loadProfile(pathOrBuiltinName: string): AgentProfile {
  const path = isBuiltin(pathOrBuiltinName) ? builtinProfilePath(pathOrBuiltinName) : pathOrBuiltinName;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new VoiceloadError('CONFIG', `cannot read agent profile ${path}: ${(e as Error).message}`, {
      hint: `give a YAML file or one of the built-in profiles: ${BUILTIN_PROFILES.join(', ')}`,
      cause: e,
    });
  }
  return parseProfile(text, path);
}

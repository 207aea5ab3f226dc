import type { AgentProfile } from './profile.js';
import { resolveProfile } from './resolveProfile.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Every default applied (frozen: copy before changing, e.g. `structuredClone(DEFAULT_PROFILE)`). */
export const DEFAULT_PROFILE: AgentProfile = deepFreeze(resolveProfile({ name: 'default' }));

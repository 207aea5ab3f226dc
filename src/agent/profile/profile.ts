import type { z } from 'zod';
import type { agentProfileSchema } from './profileSchema.js';

/**
 * A fully resolved profile of the simulated agent: every default applied. Only
 * `signalling.auth`, a stage's `rateLimit` and `queueLimit` may be absent.
 */
export type AgentProfile = z.output<typeof agentProfileSchema>;
/** What a profile file may contain (everything but `name` optional). */
export type AgentProfileInput = z.input<typeof agentProfileSchema>;
export type StageName = 'stt' | 'llm' | 'tts';
export type StageProfile = AgentProfile['stages'][StageName];
/** A latency as the profile gives it: median and 95th percentile in milliseconds. */
export type LatencyParams = StageProfile['latencyMs'];

export const STAGE_NAMES: readonly StageName[] = ['stt', 'llm', 'tts'];

export { BUILTIN_PROFILES, loadProfile, builtinProfilePath, type BuiltinProfileName } from './loadProfile.js';
export { parseProfile } from './parseProfile.js';
export { ProfileError, type ProfileProblem } from './profileError.js';
export { DEFAULT_PROFILE } from './defaultProfile.js';
export { resolveProfile } from './resolveProfile.js';

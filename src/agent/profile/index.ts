// The simulated agent's profiles: schema, defaults, YAML parsing with positioned errors, shipped profiles.
export * from './profile.js';
export { formatProblem } from './profileError.js';
export { checkProfile, type SchemaProblem, type SchemaResult } from './resolveProfile.js';
export { agentProfileSchema } from './profileSchema.js';

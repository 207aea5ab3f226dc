/**
 * Environment variables that carry secrets. Secrets never come from argv or files under version
 * control, and never appear in results, reports or logs.
 */
/** Digest password of the caller (`voiceload call --auth-user`, a scenario's `auth_user`). */
export const SIP_PASSWORD_ENV = 'VOICELOAD_SIP_PASSWORD';
/** Digest password of the LiveKit SIP inbound trunk that `voiceload livekit setup --auth-user` creates. */
export const LIVEKIT_SIP_PASSWORD_ENV = 'VOICELOAD_LIVEKIT_SIP_PASSWORD';

import { VoiceloadError } from '../core/errors.js';

/** The LiveKit convention: the server SDKs and the `lk` CLI read the same three variables. */
export const LIVEKIT_URL_ENV = 'LIVEKIT_URL';
export const LIVEKIT_API_KEY_ENV = 'LIVEKIT_API_KEY';
export const LIVEKIT_API_SECRET_ENV = 'LIVEKIT_API_SECRET';

export interface LivekitCredentials {
  /** As given, e.g. `wss://my-project.livekit.cloud` (the SDK turns ws(s) into http(s)). */
  url: string;
  /** Normalised origin without credentials, e.g. `https://my-project.livekit.cloud`: safe to print and store. */
  origin: string;
  apiKey: string;
  /** Never printed, logged or stored. */
  apiSecret: string;
}

/**
 * Normalises a LiveKit URL to the http(s) origin its API answers on. ws→http and wss→https, as
 * the server SDK does; returns undefined for anything else.
 */
export function livekitOrigin(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const scheme = { 'ws:': 'http:', 'http:': 'http:', 'wss:': 'https:', 'https:': 'https:' }[parsed.protocol];
  if (scheme === undefined || parsed.hostname === '') return undefined;
  return `${scheme}//${parsed.host}`;
}

/**
 * Pure: environment → LiveKit credentials, from the environment only (never argv, never files).
 * Every missing or malformed variable is named in one CLI_USAGE error; values are never echoed,
 * except a malformed URL (not a secret).
 */
export function readLivekitCredentials(env: Record<string, string | undefined>): LivekitCredentials {
  const problems: string[] = [];
  const get = (name: string): string => {
    const value = env[name]?.trim() ?? '';
    if (value === '') problems.push(`${name} is not set`);
    return value;
  };
  const url = get(LIVEKIT_URL_ENV);
  const apiKey = get(LIVEKIT_API_KEY_ENV);
  const apiSecret = get(LIVEKIT_API_SECRET_ENV);
  const origin = url === '' ? undefined : livekitOrigin(url);
  if (url !== '' && origin === undefined) problems.push(`${LIVEKIT_URL_ENV} "${url}" is not a ws://, wss://, http:// or https:// URL`);
  if (problems.length > 0 || origin === undefined) {
    throw new VoiceloadError('CLI_USAGE', `LiveKit credentials: ${problems.join('; ')}`, {
      hint: `export ${LIVEKIT_URL_ENV}=wss://<project>.livekit.cloud ${LIVEKIT_API_KEY_ENV}=... ${LIVEKIT_API_SECRET_ENV}=... (the values of your LiveKit project's API key)`,
    });
  }
  return { url, origin, apiKey, apiSecret };
}

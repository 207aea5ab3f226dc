/** Placeholder printed when the SIP host is unknown: LIVEKIT_URL does not tell it in general. */
export const SIP_HOST_PLACEHOLDER = '<your LiveKit SIP host>';

/**
 * Pure: the URI a run dials to reach the trunk. LiveKit matches the dialled number against the
 * trunk's numbers, so the user part is the number itself.
 */
export function sipTargetUri(number: string, sipHost: string | undefined): string {
  return `sip:${number}@${sipHost ?? SIP_HOST_PLACEHOLDER}`;
}

import { VoiceloadError } from '../core/errors.js';

/** RFC 4733 §3.2 event codes 0–15, by index: 0–9, `*` (10), `#` (11), A–D (12–15). */
const DTMF_KEYS = '0123456789*#ABCD';

/**
 * The RFC 4733 event codes of a key sequence (`"1#"` → `[1, 11]`). Letters A–D in either case.
 * Anything else is refused with every bad character named, so a scenario typo reads clearly.
 */
export function dtmfEventCodes(digits: string): number[] {
  const codes: number[] = [];
  const bad: string[] = [];
  for (const ch of digits) {
    const code = DTMF_KEYS.indexOf(ch.toUpperCase());
    if (code < 0 || ch.length !== 1) bad.push(JSON.stringify(ch));
    else codes.push(code);
  }
  if (bad.length > 0) {
    throw new VoiceloadError('CONFIG', `not DTMF keys: ${bad.join(', ')} in "${digits}"`, {
      hint: 'DTMF keys are 0-9, *, # and A-D (RFC 4733 §3.2)',
    });
  }
  return codes;
}

/** The key of an RFC 4733 event code 0–15; undefined for other events (e.g. 16, flash). */
export function dtmfKeyOf(event: number): string | undefined {
  return Number.isInteger(event) && event >= 0 && event < DTMF_KEYS.length ? DTMF_KEYS[event] : undefined;
}

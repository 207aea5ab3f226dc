export const REDACTED = '[redacted]';

/**
 * Pure: `text` with every occurrence of each secret replaced. Applied to anything voiceload prints
 * that could echo a server's or library's words (error messages), as a second line of defence
 * behind never passing secrets to output in the first place. Longest secrets first, so one that
 * contains another is removed whole.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  const present = [...new Set(secrets.filter((s): s is string => s !== undefined && s !== ''))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of present) out = out.split(s).join(REDACTED);
  return out;
}

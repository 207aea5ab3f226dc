/**
 * Pure: is `value` an E.164-style number as LiveKit trunks expect (`+15550100`; the `+` is
 * optional because some carriers send national numbers)? Returns a problem sentence or undefined.
 * Separators are refused rather than stripped: LiveKit compares numbers as strings.
 */
export function phoneNumberProblem(value: string): string | undefined {
  if (/^\+?[0-9]{3,15}$/.test(value)) return undefined;
  return `--number "${value}" is not an E.164 number: digits only with an optional leading +, 3 to 15 digits (e.g. +15550100)`;
}

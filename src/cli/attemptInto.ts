/**
 * For option builders that report every problem at once: `attempt(fn)` runs a parser and, when it
 * throws, adds its message to `problems` and gives undefined.
 */
export function attemptInto(problems: string[]): <T>(fn: () => T) => T | undefined {
  return <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
      return undefined;
    }
  };
}

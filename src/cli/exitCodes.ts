/** Process exit codes: stable, documented in the README. */
export const ExitCode = {
  ok: 0,
  /** The call (or run) did not complete: the reason is printed. */
  callFailed: 1,
  /** Bad command line or configuration. */
  usage: 2,
  /** voiceload itself failed (a bug or the environment, e.g. no free port). */
  internal: 3,
  /** A run's thresholds (--threshold, or the scenario's) were not met: the failing ones are printed. */
  thresholdsFailed: 99,
  /** Stopped by Ctrl-C / SIGTERM; partial results were written. */
  aborted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

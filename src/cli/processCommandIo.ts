import { ExitCode } from './exitCodes.js';
import type { CommandIo } from './progressPrinter.js';

/**
 * The CommandIo of a load command run from the terminal: stdout/stderr, and SIGINT/SIGTERM in three
 * stages — the first aborts `signal` (end active calls with BYE), the second aborts `forceSignal`
 * (stop at once, still writing results), the third exits 130.
 */
export function processCommandIo(messages: { stopping: string; stoppingNow?: string }): CommandIo {
  const controller = new AbortController();
  const force = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(`\nvoiceload: ${messages.stopping} (Ctrl-C again to stop at once)\n`);
      controller.abort();
    } else if (interrupts === 2) {
      if (messages.stoppingNow !== undefined) process.stderr.write(`\nvoiceload: ${messages.stoppingNow}\n`);
      force.abort();
    } else process.exit(ExitCode.aborted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    signal: controller.signal,
    forceSignal: force.signal,
    stderrIsTty: process.stderr.isTTY,
  };
}

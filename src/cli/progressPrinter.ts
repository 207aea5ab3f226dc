/** Where commands write: the process's streams in production, buffers in tests. */
export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** First Ctrl-C: stop new calls, end the active ones. */
  signal?: AbortSignal;
  /** Second Ctrl-C: stop at once, still writing what there is. */
  forceSignal?: AbortSignal;
  stderrIsTty?: boolean;
  /** Where -trace_stat writes `<scenario>_<pid>_.csv` without --out (SIPp: the working directory). Default process.cwd(). */
  cwd?: string;
}

export interface ProgressPrinter {
  /** The live line: rewritten in place on a terminal, one line per call otherwise. */
  update(s: string): void;
  /** A line of its own (a warning, a call), keeping the live line below it on a terminal. */
  line(s: string): void;
  done(): void;
}

/** Progress on stderr: rewritten in place on a terminal, one line per interval otherwise. */
export function progressPrinter(io: CommandIo): ProgressPrinter {
  const tty = io.stderrIsTty === true;
  let shown = false;
  return {
    update: (s) => {
      if (tty) {
        io.stderr(`\r\x1b[2K${s}`);
        shown = true;
      } else io.stderr(`${s}\n`);
    },
    line: (s) => {
      if (tty && shown) io.stderr('\r\x1b[2K');
      io.stderr(`${s}\n`);
      shown = false;
    },
    done: () => {
      if (tty && shown) io.stderr('\n');
      shown = false;
    },
  };
}

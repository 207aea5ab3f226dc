export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger is passed in options; nothing logs through a global. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Writes one line per entry to stderr, at or above `level`. */
export function createStderrLogger(level: LogLevel = 'info'): Logger {
  const write = (l: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[l] < ORDER[level]) return;
    const extra = fields === undefined ? '' : ' ' + JSON.stringify(fields);
    process.stderr.write(`[${l}] ${msg}${extra}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

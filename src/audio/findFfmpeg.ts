import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

export type FfmpegSource = 'option' | 'FFMPEG_PATH' | 'ffmpeg-static' | 'PATH';

/** Which ffmpeg binary will be used, and why (for `--verbose`). */
export interface FfmpegLocation {
  path: string;
  source: FfmpegSource;
}

export interface FindFfmpegOptions {
  /** An explicit binary (e.g. from the command line): used as given, even if it does not exist. */
  ffmpegPath?: string;
  /** Default process.env (FFMPEG_PATH, PATH). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Resolves the optional `ffmpeg-static` package's binary path; undefined/null when the package is
   * absent. Injected in tests; default loads the package.
   */
  ffmpegStatic?: () => string | null | undefined;
}

/**
 * Finds ffmpeg, in order: the option, `FFMPEG_PATH`, the optional `ffmpeg-static` package when it is
 * installed *and* its binary exists (its installer downloads the binary and may have failed), then
 * `ffmpeg` on PATH. Undefined when there is none.
 */
export function findFfmpeg(options: FindFfmpegOptions = {}): FfmpegLocation | undefined {
  const env = options.env ?? process.env;
  if (options.ffmpegPath !== undefined && options.ffmpegPath !== '') return { path: options.ffmpegPath, source: 'option' };
  const fromEnv = env['FFMPEG_PATH'];
  if (fromEnv !== undefined && fromEnv !== '') return { path: fromEnv, source: 'FFMPEG_PATH' };
  const staticPath = (options.ffmpegStatic ?? resolveFfmpegStatic)();
  if (typeof staticPath === 'string' && isFile(staticPath)) return { path: staticPath, source: 'ffmpeg-static' };
  const onPath = searchPath('ffmpeg', env['PATH'] ?? '');
  return onPath === undefined ? undefined : { path: onPath, source: 'PATH' };
}

/** The `ffmpeg-static` package exports its binary's path (or null on unsupported platforms). */
function resolveFfmpegStatic(): string | null | undefined {
  try {
    const required: unknown = createRequire(import.meta.url)('ffmpeg-static');
    return typeof required === 'string' ? required : undefined;
  } catch {
    return undefined; // not installed: it is an optional dependency
  }
}

function searchPath(name: string, pathVar: string): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (!isFile(candidate)) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not executable: keep looking
    }
  }
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

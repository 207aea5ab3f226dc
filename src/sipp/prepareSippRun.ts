import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { VoiceloadError } from '../core/errors.js';
import { parseInjectionFile, type InjectionFile } from './injectionFile.js';
import { parseSippScenario } from './parseSippScenario.js';
import { loadSippMediaFiles, type SippMediaFiles } from './sippMedia.js';
import type { ResolvedSippRunOptions } from './sippRunOptions.js';
import type { SippScenario } from './sippScenario.js';

/** What a SIPp run reads before its first call: the scenario, the -inf file and the media files. */
export interface PreparedSippRun {
  scenario: SippScenario;
  injection: InjectionFile | undefined;
  files: SippMediaFiles;
  /** The scenario advertises a media port or plays media: each call needs an RTP pair. */
  needsMedia: boolean;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new VoiceloadError('CONFIG', `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
}

/**
 * Reads and checks everything a run of `file` needs, so a bad scenario, injection file or media file
 * is one clear error (CONFIG, or AUDIO_FILE) before any call. Media paths resolve beside the scenario.
 */
export function prepareSippRun(file: string, options: Pick<ResolvedSippRunOptions, 'injectionFile'>): PreparedSippRun {
  const scenario = parseSippScenario(readText(file, 'scenario'), file);
  const injection = options.injectionFile === undefined ? undefined : parseInjectionFile(readText(options.injectionFile, 'injection file'), options.injectionFile);
  const files = loadSippMediaFiles(scenario, dirname(file));
  const needsMedia = scenario.usesMediaPort || scenario.commands.some((c) => c.kind === 'nop' && c.media.length > 0);
  return { scenario, injection, files, needsMedia };
}

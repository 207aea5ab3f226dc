import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { VoiceloadError } from '../core/errors.js';
import { formatLivekitState, parseLivekitState, type LivekitState } from './livekitState.js';

/** Reads and parses the state file; undefined when it does not exist. */
export async function readLivekitStateFile(path: string): Promise<LivekitState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new VoiceloadError('CONFIG', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseLivekitState(text, path);
}

/** Writes the state file whole or not at all (temporary file + rename), readable by its owner only. */
export async function writeLivekitStateFile(path: string, state: LivekitState): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, formatLivekitState(state), { mode: 0o600 });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new VoiceloadError('RESULTS_WRITE', `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

export async function removeLivekitStateFile(path: string): Promise<void> {
  await unlink(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw new VoiceloadError('RESULTS_WRITE', `cannot remove ${path}: ${e.message}`, { cause: e });
  });
}

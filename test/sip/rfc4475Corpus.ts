import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The RFC 4475 torture messages are not part of the repository. They are looked for in
 * $VOICELOAD_RFC4475_DIR, then next to the repository (../shared/interop/rfc4475), then in the
 * workspace's shared folder (/work/shared/interop/rfc4475), where a CI clone elsewhere still finds them.
 */
const CANDIDATES = [
  process.env['VOICELOAD_RFC4475_DIR'],
  fileURLToPath(new URL('../../../shared/interop/rfc4475/', import.meta.url)),
  '/work/shared/interop/rfc4475/',
].filter((d): d is string => d !== undefined && d !== '');
const DIR = (CANDIDATES.find((d) => existsSync(`${d.replace(/\/?$/, '/')}manifest.tsv`)) ?? CANDIDATES[1] ?? '').replace(/\/?$/, '/');

export const tortureAvailable = existsSync(DIR + 'manifest.tsv');
export const tortureSkipNote = tortureAvailable ? false : `RFC 4475 corpus not found (looked in ${CANDIDATES.join(', ')})`;

export function tortureFiles(folder: 'valid' | 'invalid'): string[] {
  return tortureAvailable ? readdirSync(DIR + folder).filter((f) => f.endsWith('.dat')).sort() : [];
}

export function readTorture(folder: 'valid' | 'invalid', file: string): Buffer {
  return readFileSync(DIR + folder + '/' + file);
}

export interface ManifestRow {
  file: string;
  folder: string;
  section: string;
  mustAccept: string;
}

export function readManifest(): ManifestRow[] {
  const lines = readFileSync(DIR + 'manifest.tsv', 'utf8').split('\n').slice(1).filter((l) => l.trim().length > 0);
  return lines.map((l) => {
    const [file = '', folder = '', section = '', , , mustAccept = ''] = l.split('\t');
    return { file, folder, section, mustAccept };
  });
}

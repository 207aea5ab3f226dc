import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The RFC 4475 torture messages shared next to the repository (../shared/interop/rfc4475), if present. */
const DIR = fileURLToPath(new URL('../../../shared/interop/rfc4475/', import.meta.url));

export const tortureAvailable = existsSync(DIR + 'manifest.tsv');
export const tortureSkipNote = tortureAvailable ? false : `RFC 4475 corpus not found at ${DIR}`;

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

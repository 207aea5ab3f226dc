import { readFileSync } from 'node:fs';
import type { FixtureManifest, FixtureManifestEntry } from '../../../src/audio/fixtureManifest.js';
import { FIXTURES_DIR } from './sipp.js';

/** The generated manifest entry of an audio fixture: its speech offsets are the ground truth. */
export function fixture(file: string): FixtureManifestEntry & { path: string } {
  const manifest = JSON.parse(readFileSync(FIXTURES_DIR + 'manifest.json', 'utf8')) as FixtureManifest;
  const entry = manifest.fixtures.find((f) => f.file === file);
  if (entry === undefined) throw new Error(`${file} is not in audio-fixtures/manifest.json`);
  return { ...entry, path: FIXTURES_DIR + file };
}

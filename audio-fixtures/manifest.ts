// Writes audio-fixtures/manifest.json from the fixture files themselves (run by generate.sh):
//   node --import tsx audio-fixtures/manifest.ts "file.wav|caller|text" ...
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFixture, type FixtureManifest, type FixtureRole } from '../src/audio/fixtureManifest.js';

const here = dirname(fileURLToPath(import.meta.url));
const specs = process.argv.slice(2);
if (specs.length === 0) {
  console.error('usage: manifest.ts "file.wav|caller|agent|text" ...');
  process.exit(2);
}

const manifest: FixtureManifest = {
  generatedBy: 'audio-fixtures/generate.sh (espeak-ng + sox); offsets from findSpeechBounds, at the file rate and on the 8 kHz audio as sent',
  fixtures: specs.map((spec) => {
    const [file, role, ...text] = spec.split('|');
    if (file === undefined || (role !== 'caller' && role !== 'agent') || text.length === 0) {
      throw new Error(`bad fixture spec: ${spec}`);
    }
    return describeFixture(join(here, file), text.join('|'), role as FixtureRole);
  }),
};
writeFileSync(join(here, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`wrote ${join(here, 'manifest.json')} (${manifest.fixtures.length} fixtures)`);

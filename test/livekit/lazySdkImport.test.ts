import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Every module the CLI entry loads at start-up: static, non-type imports followed transitively. */
function staticGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (graph.has(file)) return;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)].map((m) => m[1] ?? '');
    graph.set(file, specifiers);
    for (const s of specifiers) {
      if (!s.startsWith('.')) continue;
      const ts = join(dirname(file), s).replace(/\.js$/, '.ts');
      if (existsSync(ts)) visit(ts);
    }
  };
  visit(entry);
  return graph;
}

// `voiceload run` (any command) must not pay for livekit-server-sdk and its protobuf runtime: the
// livekit commands load it with import() when they run.
test('the CLI entry does not load livekit-server-sdk statically, only the livekit commands import() it', () => {
  const graph = staticGraph(join(SRC, 'cli/main.ts'));
  assert.ok(graph.has(join(SRC, 'cli/livekitCommand.ts')), 'the livekit command is registered from main.ts');
  const offenders = [...graph].filter(([, specifiers]) => specifiers.includes('livekit-server-sdk')).map(([file]) => relative(SRC, file));
  assert.deepEqual(offenders, []);
  assert.ok(!graph.has(join(SRC, 'livekit/sdkSipApi.ts')), 'sdkSipApi.ts is loaded lazily');
  assert.match(readFileSync(join(SRC, 'livekit/sdkSipApi.ts'), 'utf8'), /await import\('livekit-server-sdk'\)/);
});

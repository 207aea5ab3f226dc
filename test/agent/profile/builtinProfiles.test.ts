import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BUILTIN_PROFILES, builtinProfilePath, loadProfile } from '../../../src/agent/profile/profile.js';
import { estimateCapacity } from '../../../src/agent/model/capacityEstimate.js';

/** The `# expected: k=v ...` line each shipped profile carries under its Little's-law derivation. */
function expectedLine(text: string): Map<string, string> {
  const line = text.split('\n').find((l) => l.startsWith('# expected:'));
  assert.ok(line !== undefined, 'profile has no "# expected:" line');
  return new Map(
    line
      .slice('# expected:'.length)
      .trim()
      .split(/\s+/)
      .map((kv) => kv.split('=') as [string, string]),
  );
}

for (const name of BUILTIN_PROFILES) {
  test(`built-in profile ${name} loads by bare name and by path, and is named after itself`, () => {
    const byName = loadProfile(name);
    assert.equal(byName.name, name);
    assert.deepEqual(loadProfile(builtinProfilePath(name)), byName);
  });

  test(`built-in profile ${name}: its commented capacity matches the analytic estimate`, () => {
    const text = readFileSync(builtinProfilePath(name), 'utf8');
    const expected = expectedLine(text);
    const est = estimateCapacity(loadProfile(name));
    assert.equal(expected.get('binding'), est.binding);
    assert.equal(Number(expected.get('maxConcurrentCalls')), Math.round(est.maxConcurrentCalls * 10) / 10);
    assert.equal(Number(expected.get('lowLoadTtfaMs')), est.lowLoadTtfaMs);
    assert.equal(Number(expected.get('greetingTtfaMs')), est.greetingTtfaMs);
    assert.equal(Number(expected.get('inviteToAnswerMs')), est.inviteToAnswerMs);
  });
}

test('each bound profile is bound by what its name says, at a load a 2-core test can exceed', () => {
  const bindings = Object.fromEntries(BUILTIN_PROFILES.map((n) => [n, estimateCapacity(loadProfile(n))]));
  assert.equal(bindings['llm-bound']!.binding, 'llm');
  assert.equal(bindings['worker-bound']!.binding, 'workers');
  assert.equal(bindings['trunk-bound']!.binding, 'trunk');
  for (const n of ['llm-bound', 'worker-bound', 'trunk-bound']) {
    const max = bindings[n]!.maxConcurrentCalls;
    assert.ok(max >= 2 && max < 25, `${n}: ${max}`);
  }
  // healthy carries the 1,000-call benchmark.
  assert.ok(bindings.healthy!.maxConcurrentCalls >= 1000);
});

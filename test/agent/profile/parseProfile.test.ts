import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isVoiceloadError } from '../../../src/core/errors.js';
import {
  DEFAULT_PROFILE,
  ProfileError,
  parseProfile,
  resolveProfile,
  type ProfileProblem,
} from '../../../src/agent/profile/profile.js';
import { agentProfileSchema } from '../../../src/agent/profile/profileSchema.js';
import { parse as parseYaml } from 'yaml';

const fixture = (name: string): { path: string; text: string } => {
  const path = fileURLToPath(new URL(`../../fixtures/profiles/${name}`, import.meta.url));
  return { path, text: readFileSync(path, 'utf8') };
};

/** 1-based line of the first line containing `needle` (ground truth for positions). */
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

function problemsOf(fn: () => unknown): readonly ProfileProblem[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProfileError, String(e));
    assert.ok(isVoiceloadError(e) && e.code === 'CONFIG');
    assert.ok(e.hint !== undefined && e.hint.length > 0);
    return e.problems;
  }
  assert.fail('expected a ProfileError');
}

test('a profile with only a name gets every default', () => {
  const { path, text } = fixture('minimal.yaml');
  const p = parseProfile(text, path);
  assert.deepEqual(p, { ...structuredClone(DEFAULT_PROFILE), name: 'tiny' });
  // The defaults are the ones documented in the schema file's shape.
  assert.equal(p.trunk.channels, 200);
  assert.equal(p.workers.count * p.workers.jobsPerWorker, 50);
  assert.equal(p.signalling.auth, undefined);
  assert.equal(p.stages.llm.rateLimit, undefined);
  assert.equal(p.stages.llm.queueLimit, undefined);
  assert.ok(Object.isFrozen(DEFAULT_PROFILE.stages.llm.latencyMs));
});

test('a full profile is read exactly as written', () => {
  const { path, text } = fixture('full.yaml');
  const p = parseProfile(text, path);
  // With every field given, the resolved profile is the document itself.
  assert.deepEqual(p, parseYaml(text));
});

test('a lone median keeps the default spread; explicit fields are kept', () => {
  const p = resolveProfile({ name: 'x', stages: { llm: { latencyMs: { median: 900 } } } });
  const d = DEFAULT_PROFILE.stages.llm.latencyMs;
  assert.deepEqual(p.stages.llm.latencyMs, { median: 900, p95: 900 * (d.p95 / d.median) });
  assert.deepEqual(p.stages.stt, DEFAULT_PROFILE.stages.stt);
  const auth = resolveProfile({ name: 'x', signalling: { auth: {} } }).signalling.auth;
  assert.deepEqual(auth, { realm: 'voiceload', username: 'voiceload' });
  const rl = resolveProfile({ name: 'x', stages: { llm: { rateLimit: { requests: 5 } } } }).stages.llm.rateLimit;
  assert.deepEqual(rl, { requests: 5, perSeconds: 1, retryAfterMs: 1000 });
});

test('two mistakes are both reported, each at its own line', () => {
  const { path, text } = fixture('two-mistakes.yaml');
  const problems = problemsOf(() => parseProfile(text, path));
  assert.equal(problems.length, 2);
  const [typo, order] = problems;
  assert.equal(typo!.path, 'stages.llm.concurency');
  assert.equal(typo!.line, lineOf(text, 'concurency'));
  assert.equal(typo!.col, text.split('\n')[typo!.line! - 1]!.indexOf('concurency') + 1);
  assert.match(typo!.message, /unknown key; did you mean "concurrency"/);
  assert.equal(order!.path, 'stages.llm.latencyMs.p95');
  assert.equal(order!.line, lineOf(text, 'p95: 400'));
  assert.match(order!.message, /p95 \(400\) must be ≥ median \(800\)/);
  // The message names file, line, column and path for each, as `file:line:col: path: message`.
  try {
    parseProfile(text, path);
  } catch (e) {
    const message = (e as Error).message;
    assert.ok(message.includes(`${path}:${typo!.line}:${typo!.col}: stages.llm.concurency: `), message);
    assert.ok(message.includes(`${path}:${order!.line}:`), message);
  }
});

test('a YAML syntax error is reported with its line', () => {
  const { path, text } = fixture('syntax-error.yaml');
  const problems = problemsOf(() => parseProfile(text, path));
  assert.ok(problems.length >= 1);
  assert.equal(problems[0]!.path, '(yaml)');
  // The unclosed flow map opens on the trunk line; YAML notices at the next line at the latest.
  const opened = lineOf(text, 'trunk: {');
  assert.ok(problems[0]!.line! >= opened && problems[0]!.line! <= opened + 1, `line ${problems[0]!.line}`);
});

test('unknown keys, wrong types and out-of-range values are all errors, at their keys', () => {
  const text = [
    'name: x',
    'seeed: 3',
    'trunk:',
    '  channels: many',
    '  overflowStatus: 404',
    'workers: { count: 0, jobsPerWorker: 2.5 }',
    'conversation: { greeting: "yes" }',
    'stages: { llm: { rateLimit: { perSeconds: 1 } }, asr: {} }',
    '',
  ].join('\n');
  const problems = problemsOf(() => parseProfile(text, 'inline.yaml'));
  const byPath = new Map(problems.map((p) => [p.path, p]));
  const expectAt = (path: string, needle: string): void => {
    const p = byPath.get(path);
    assert.ok(p !== undefined, `no problem for ${path}: ${[...byPath.keys()].join(', ')}`);
    assert.equal(p.line, lineOf(text, needle), path);
  };
  expectAt('seeed', 'seeed');
  expectAt('trunk.channels', 'channels: many');
  expectAt('trunk.overflowStatus', '404');
  expectAt('workers.count', 'count: 0');
  expectAt('workers.jobsPerWorker', 'jobsPerWorker');
  expectAt('conversation.greeting', 'greeting');
  expectAt('stages.llm.rateLimit.requests', 'rateLimit'); // missing: reported at its parent key
  expectAt('stages.asr', 'asr');
  assert.equal(problems.length, 8);
  assert.match(byPath.get('seeed')!.message, /did you mean "seed"/);
  assert.match(byPath.get('stages.asr')!.message, /allowed here: stt, llm, tts|did you mean/);
  // Sorted by position.
  const lines = problems.map((p) => p.line!);
  assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
});

test('an empty file or a missing name is an error at the top', () => {
  assert.equal(problemsOf(() => parseProfile('', 'empty.yaml'))[0]!.line, 1);
  const missing = problemsOf(() => parseProfile('# comment\ndescription: no name\n', 'noname.yaml'));
  assert.equal(missing.length, 1);
  assert.equal(missing[0]!.path, 'name');
  assert.equal(missing[0]!.line, 2);
});

test('resolveProfile reports problems by path without positions', () => {
  const problems = problemsOf(() => resolveProfile({ name: 'x', trunk: { channels: -1 } }, 'code'));
  assert.deepEqual(
    problems.map((p) => [p.file, p.line, p.path]),
    [['code', undefined, 'trunk.channels']],
  );
});

test('the schema accepts what DEFAULT_PROFILE is, unchanged (defaults are a fixed point)', () => {
  assert.deepEqual(agentProfileSchema.parse(structuredClone(DEFAULT_PROFILE)), DEFAULT_PROFILE);
});

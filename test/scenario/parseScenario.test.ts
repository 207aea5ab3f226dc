import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isVoiceloadError } from '../../src/core/errors.js';
import { loadScenario } from '../../src/scenario/loadScenario.js';
import { lintScenario } from '../../src/scenario/lintScenario.js';
import { parseScenario } from '../../src/scenario/parseScenario.js';
import { ScenarioError, type ScenarioProblem } from '../../src/scenario/scenarioError.js';
import { renderTemplate } from '../../src/scenario/template.js';

const fixtureDir = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));
const fixture = (name: string): { path: string; text: string } => {
  const path = resolve(fixtureDir, name);
  return { path, text: readFileSync(path, 'utf8') };
};
const shipped = fileURLToPath(new URL('../../scenarios/order-status.yaml', import.meta.url));

/** 1-based line and column of the first occurrence of `needle` (ground truth for positions). */
function posOf(text: string, needle: string): { line: number; col: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `fixture lacks ${needle}`);
  return { line: line + 1, col: lines[line]!.indexOf(needle) + 1 };
}

function problemsOf(fn: () => unknown): readonly ScenarioProblem[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ScenarioError, String(e));
    assert.ok(isVoiceloadError(e) && e.code === 'CONFIG' && e.hint !== undefined);
    for (const p of e.problems) assert.ok(e.message.includes(p.message));
    return e.problems;
  }
  assert.fail('expected a ScenarioError');
}

/** Parses text as if it were a file in the fixture folder (so relative paths resolve there). */
const parseHere = (text: string): ReturnType<typeof parseScenario> => parseScenario(text, resolve(fixtureDir, 'inline.yaml'));

test('the shipped order-status scenario validates into typed steps', () => {
  const s = loadScenario(shipped);
  const yaml = readFileSync(shipped, 'utf8');
  assert.deepEqual(
    s.steps.map((st) => st.kind),
    [...yaml.matchAll(/^ {2}- (\w+):/gm)].map((m) => m[1]),
  );
  const audio = s.steps.flatMap((st) => (st.kind === 'say' || st.kind === 'barge_in' ? st.utterance.choices : [])).filter((c) => c.kind === 'audio');
  assert.ok(audio.length >= 3);
  for (const c of audio) assert.equal(c.path, resolve(dirname(shipped), '../audio-fixtures', c.path.split('/').pop()!));
  const csv = readFileSync(resolve(dirname(shipped), 'order-status-data.csv'), 'utf8').trim().split('\n');
  assert.equal(s.data?.rows.length, csv.length - 1);
  assert.deepEqual(s.data?.columns, csv[0]!.split(','));
  const barge = s.steps.find((st) => st.kind === 'barge_in');
  assert.equal(barge?.kind === 'barge_in' && barge.afterMs, 800);
  assert.equal(barge?.at.line, posOf(yaml, '- barge_in').line);
  assert.deepEqual(lintScenario(s), []);
});

test('three mistakes are all reported at their line and column', () => {
  const { path, text } = fixture('three-mistakes.yaml');
  const problems = problemsOf(() => parseScenario(text, path));
  assert.equal(problems.length, 3, problems.map((p) => p.message).join('\n'));
  const [step, duration, template] = problems;
  assert.deepEqual({ line: step!.line, col: step!.col }, posOf(text, 'wait_greting'));
  assert.match(step!.message, /did you mean "wait_greeting"/);
  assert.deepEqual({ line: duration!.line, col: duration!.col }, posOf(text, 'reply_timeout'));
  assert.match(duration!.message, /invalid duration "10 seconds"/);
  assert.deepEqual({ line: template!.line, col: template!.col }, posOf(text, '{{order_numbr}}'));
  assert.match(template!.message, /unknown template name "order_numbr"; did you mean "order_number"/);
  for (const p of problems) assert.equal(p.file, path);
});

test('a YAML syntax error is reported at its position, alone', () => {
  const { path, text } = fixture('syntax-error.yaml');
  const problems = problemsOf(() => parseScenario(text, path));
  assert.ok(problems.length >= 1);
  assert.ok(problems.every((p) => p.path === '(yaml)'));
  const first = problems[0]!;
  // The flow mapping opened on line 3 is never closed: the parser notices at or after that line.
  assert.ok(first.line !== undefined && first.line >= posOf(text, '{ text').line, JSON.stringify(first));
});

test('durations resolve to milliseconds; numbers and bad units are refused', () => {
  const s = parseHere('steps:\n  - wait_greeting: {}\n  - silence: 1.5s\n  - silence: { min: 800ms, max: 2m }\n  - wait_hangup: { timeout: 1h }\n');
  assert.deepEqual(
    s.steps.map((st) => (st.kind === 'silence' ? [st.minMs, st.maxMs] : st.kind === 'wait_greeting' || st.kind === 'wait_hangup' ? st.timeoutMs : null)),
    [10_000, [1500, 1500], [800, 120_000], 3_600_000],
  );
  const text = 'steps:\n  - silence: 2\n  - silence: { min: 3s, max: 1s }\n  - dtmf: { digits: "12", gap: 5x }\n';
  const problems = problemsOf(() => parseHere(text));
  assert.deepEqual(
    problems.map((p) => [p.line, p.path]),
    [
      [2, 'steps.0.silence'],
      [3, 'steps.1.silence.min'],
      [4, 'steps.2.dtmf.gap'],
    ],
  );
  assert.match(problems[0]!.message, /duration string/);
});

test('templates: built-in names everywhere, CSV columns only with data, typos at their column', () => {
  const ok = parseHere('data: { file: callers.csv, order: random }\nfrom: "{{caller}}"\nheaders:\n  X-Lk-Test-Id: "{{run_id}}-{{ call_number }}"\nsteps:\n  - say: { text: "order {{order_number}}" }\n');
  assert.equal(ok.data?.order, 'random');
  const row = ok.data!.rows[1]!;
  assert.equal(row['order_number'], '47,12'); // quoted CSV field with a comma
  assert.equal(renderTemplate(ok.headers[0]!.value, { run_id: 'r1', call_number: '7' }), 'r1-7');
  const say = ok.steps[0]!;
  assert.ok(say.kind === 'say' && say.utterance.choices[0]?.kind === 'text');
  assert.equal(renderTemplate(say.utterance.choices[0].text, row), 'order 47,12');

  const text = 'from: "{{caller}}"\nheaders:\n  X-A: "x {{run_idd}} {{oops"\nsteps:\n  - hangup: {}\n';
  const problems = problemsOf(() => parseHere(text));
  const messages = problems.map((p) => p.message).join('\n');
  assert.match(messages, /unknown template name "caller"/);
  assert.match(messages, /unknown template name "run_idd"; did you mean "run_id"/);
  assert.match(messages, /unclosed "\{\{"/);
  const runIdd = problems.find((p) => p.message.includes('run_idd'))!;
  assert.deepEqual({ line: runIdd.line, col: runIdd.col }, posOf(text, '{{run_idd}}'));
  assert.match(problems.find((p) => p.message.includes('"caller"'))!.hint ?? '', /declare data/);
});

test('semantic problems: barge_in placement, steps after the end, missing files, passwords', () => {
  const text = [
    'password: secret',
    'data: { file: missing.csv }',
    'steps:',
    '  - say: { audio: nowhere.wav, expect_reply: false }',
    '  - barge_in: { text: hi, after: 800ms }',
    '  - wait_hangup: {}',
    '  - say: { text: late }',
    '',
  ].join('\n');
  const problems = problemsOf(() => parseHere(text));
  const find = (re: RegExp): ScenarioProblem => {
    const p = problems.find((x) => re.test(x.message));
    assert.ok(p !== undefined, `no problem matching ${re}: ${problems.map((x) => x.message).join(' | ')}`);
    return p;
  };
  assert.equal(find(/password does not belong/).line, 1);
  assert.match(find(/password does not belong/).hint ?? '', /VOICELOAD_SIP_PASSWORD/);
  assert.equal(find(/cannot read CSV data file .*missing\.csv/).line, 2);
  assert.equal(find(/audio file not found: .*nowhere\.wav/).line, 4);
  assert.equal(find(/barge_in interrupts/).line, 5);
  assert.equal(find(/no step can follow wait_hangup/).line, 7);
  assert.equal(problems.length, 5);
});

test('lint: a scenario that does not end the call explicitly gets a warning at its last step', () => {
  const s = parseHere('steps:\n  - wait_greeting: {}\n  - say: { text: hello }\n');
  const warnings = lintScenario(s);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /inline\.yaml:3:5: the last step is say: voiceload hangs up right after it/);
  assert.deepEqual(lintScenario(parseHere('steps:\n  - say: { text: hello }\n  - wait_hangup: { timeout: 5s }\n')), []);
});

test('text is synthesised before the run: a per-call placeholder in it is refused at its own column', () => {
  const text = 'steps:\n  - say: { text: "call {{call_number}} here" }\n';
  const problems = problemsOf(() => parseHere(text));
  assert.equal(problems.length, 1);
  assert.match(problems[0]?.message ?? '', /changes with every call/);
  assert.deepEqual({ line: problems[0]?.line, col: problems[0]?.col }, posOf(text, '{{call_number}}'));
});

test('tts voice and speaking rate default to en-us at 160 words per minute and can be set', () => {
  assert.deepEqual(parseHere('steps:\n  - hangup: {}\n').tts, { voice: 'en-us', rateWpm: 160 });
  assert.deepEqual(parseHere('tts: { voice: en-gb, rate_wpm: 200 }\nsteps:\n  - hangup: {}\n').tts, { voice: 'en-gb', rateWpm: 200 });
  const problems = problemsOf(() => parseHere('tts: { rate_wpm: 20 }\nsteps:\n  - hangup: {}\n'));
  assert.match(problems[0]?.message ?? '', /words per minute/);
});

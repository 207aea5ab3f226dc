import { existsSync } from 'node:fs';
import { SIP_PASSWORD_ENV } from '../core/secretEnv.js';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { sortProblems } from '../config/configProblem.js';
import { closestWord } from '../config/closestWord.js';
import { yamlSyntaxProblems } from '../config/yamlPosition.js';
import { zodProblems } from '../config/zodProblems.js';
import { checkStepOrder } from './checkStepOrder.js';
import { loadScenarioData } from './loadScenarioData.js';
import { STEP_KINDS, type Scenario, type ScenarioData, type ScenarioStep, type StepKind, type Utterance } from './scenario.js';
import { ScenarioError } from './scenarioError.js';
import { knownScenarioKeysAt, scenarioSchema, stepSchema, type RawStep, type RawUtterance } from './scenarioSchema.js';
import { ScenarioSource } from './scenarioSource.js';
import { isVoiceloadError } from '../core/errors.js';
import { parseThreshold } from '../results/parseThreshold.js';
import { BUILTIN_TEMPLATE_NAMES, parseTemplate, templateNames, type Template } from './template.js';

/** Where the digest password comes from; never from the scenario file. */
/** The caller's digest password comes only from this environment variable. */
export const SCENARIO_PASSWORD_ENV = SIP_PASSWORD_ENV;

/**
 * Parses and validates a YAML scenario; relative paths (audio, CSV data) are resolved against the
 * directory of `fileName`, and the files they name must exist. Throws one ScenarioError (CONFIG)
 * listing every problem as `file:line:col: path: message`: YAML syntax, schema, then
 * semantics (step order, templates, files), in file order.
 */
export function parseScenario(text: string, fileName: string): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    // The tree of a broken document is a guess: schema problems found in it would mislead.
    throw new ScenarioError(fileName, yamlSyntaxProblems(doc, fileName, lineCounter));
  }
  const src = new ScenarioSource(fileName, text, doc, lineCounter);
  const scenario = readScenario(src, doc.toJS() as unknown, dirname(resolve(fileName)));
  if (src.problems.length > 0 || scenario === undefined) throw new ScenarioError(fileName, sortProblems(src.problems));
  return scenario;
}

function readScenario(src: ScenarioSource, value: unknown, baseDir: string): Scenario | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    src.problem([], 'a scenario is a mapping with at least `steps:`');
    return undefined;
  }
  const input: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if ('password' in input) {
    src.problem(['password'], 'a password does not belong in a scenario file (it would end up in version control)', `set ${SCENARIO_PASSWORD_ENV} in the environment and give only auth_user here`);
    delete input['password'];
  }
  const r = scenarioSchema.safeParse(input);
  const rawSteps = Array.isArray(input['steps']) ? (input['steps'] as unknown[]) : [];
  const steps = rawSteps.map((s, i) => readStep(src, s, i));
  if (!r.success) {
    for (const p of zodProblems(r.error.issues, knownScenarioKeysAt)) src.problem(p.path, p.message, p.hint);
    return undefined;
  }
  const raw = r.data;
  const data = raw.data === undefined ? undefined : loadScenarioData(src, baseDir, raw.data);
  // With data that failed to load, column names cannot be checked: only the built-in ones are.
  const names = { builtin: [...BUILTIN_TEMPLATE_NAMES] as string[], columns: data?.columns, dataDeclared: raw.data !== undefined };
  const tpl = (path: PropertyKey[], s: string): Template => readTemplate(src, path, s, names);
  const resolved: ScenarioStep[] = [];
  steps.forEach((step, i) => {
    if (step !== undefined) resolved.push(resolveStep(src, step, i, tpl, baseDir));
  });
  if (resolved.length === steps.length) checkStepOrder(src, resolved);
  const scenario: Scenario = {
    file: src.file,
    ...(raw.name === undefined ? {} : { name: raw.name }),
    ...(raw.description === undefined ? {} : { description: raw.description }),
    ...(raw.target === undefined ? {} : { target: raw.target }),
    from: tpl(['from'], raw.from),
    ...(raw.to === undefined ? {} : { to: tpl(['to'], raw.to) }),
    transport: raw.transport,
    codecs: [...new Set(raw.codecs)],
    headers: Object.entries(raw.headers).map(([name, v]) => ({ name, value: tpl(['headers', name], v) })),
    ...(raw.auth_user === undefined ? {} : { authUser: tpl(['auth_user'], raw.auth_user) }),
    ...(data === undefined ? {} : { data: data satisfies ScenarioData }),
    tts: { voice: raw.tts.voice, rateWpm: raw.tts.rate_wpm },
    thresholds: raw.thresholds.flatMap((text, i) => {
      try {
        return [parseThreshold(text)];
      } catch (e) {
        src.problem(['thresholds', i], e instanceof Error ? e.message : String(e), isVoiceloadError(e) ? e.hint : undefined);
        return [];
      }
    }),
    steps: resolved,
  };
  for (const h of scenario.headers) {
    if (MANAGED_HEADERS.has(h.name.toLowerCase())) src.problem(['headers', h.name], `${h.name} is set by voiceload for each call`, 'extra headers add to the INVITE; they cannot replace its own');
  }
  return scenario;
}

/** Headers the SIP stack writes itself (RFC 3261 §8.1.1 and the SDP body's). */
const MANAGED_HEADERS = new Set(['via', 'from', 'to', 'call-id', 'cseq', 'contact', 'max-forwards', 'content-length', 'content-type', 'authorization', 'proxy-authorization']);

/** A step is a mapping with one key, the step's name; its value is checked by that step's schema. */
function readStep(src: ScenarioSource, item: unknown, i: number): RawStep | undefined {
  const path = ['steps', i];
  if (typeof item === 'string' && (STEP_KINDS as readonly string[]).includes(item)) item = { [item]: {} };
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    src.problem(path, `a step is a mapping with one key, the step's name (${STEP_KINDS.join(', ')})`, 'e.g. `- say: { audio: caller.wav }`');
    return undefined;
  }
  const keys = Object.keys(item);
  if (keys.length !== 1) {
    src.problem(path, `a step has exactly one key, the step's name; found ${keys.length === 0 ? 'none' : keys.join(', ')}`, 'indent the step\'s settings under its name, or start each step with "- "');
    return undefined;
  }
  const name = keys[0]!;
  if (!(STEP_KINDS as readonly string[]).includes(name)) {
    const guess = closestWord(name, STEP_KINDS);
    src.problem([...path, name], guess === undefined ? `unknown step "${name}"` : `unknown step "${name}"; did you mean "${guess}"?`, `steps are ${STEP_KINDS.join(', ')}`);
    return undefined;
  }
  const kind = name as StepKind;
  const value = (item as Record<string, unknown>)[name] ?? {};
  const r = stepSchema(kind, value).safeParse(value);
  if (!r.success) {
    for (const p of zodProblems(r.error.issues, (sub) => knownScenarioKeysAt([...path, kind, ...sub]))) {
      src.problem([...path, kind, ...p.path], p.message, p.hint);
    }
    return undefined;
  }
  const step = { kind, value: r.data } as RawStep;
  if (step.kind === 'say' || step.kind === 'barge_in') {
    const given = (['text', 'audio', 'one_of'] as const).filter((k) => step.value[k] !== undefined);
    if (given.length !== 1) {
      src.problem([...path, kind], given.length === 0 ? `${kind} needs what to say: text, audio or one_of` : `${kind} takes one of text, audio, one_of; found ${given.join(' and ')}`);
      return undefined;
    }
    let ok = true;
    step.value.one_of?.forEach((c, j) => {
      if ((c.text === undefined) === (c.audio === undefined)) {
        src.problem([...path, kind, 'one_of', j], 'each choice has exactly one of text or audio');
        ok = false;
      }
    });
    if (!ok) return undefined;
  }
  if (step.kind === 'silence' && step.value.min > step.value.max) {
    src.problem([...path, kind, 'min'], `min (${step.value.min} ms) is above max (${step.value.max} ms)`);
    return undefined;
  }
  return step;
}

function resolveStep(src: ScenarioSource, step: RawStep, i: number, tpl: (path: PropertyKey[], s: string) => Template, baseDir: string): ScenarioStep {
  const path = ['steps', i, step.kind];
  const at = src.at(['steps', i]);
  const utterance = (u: RawUtterance): Utterance => {
    const choice = (c: { text?: string | undefined; audio?: string | undefined }, p: PropertyKey[]): Utterance['choices'][number] => {
      if (c.text !== undefined) {
        const text = tpl([...p, 'text'], c.text);
        // Speech is synthesised once before the run, for every CSV row: per-call values cannot be spoken.
        const seen = new Map<string, number>();
        templateNames(text).forEach(({ name }) => {
          const nth = seen.get(name) ?? 0;
          seen.set(name, nth + 1);
          if ((BUILTIN_TEMPLATE_NAMES as readonly string[]).includes(name)) {
            src.problemInValue([...p, 'text'], name, nth, `{{${name}}} changes with every call, but text is synthesised once before the run`, 'text may use CSV columns; put per-call values in headers');
          }
        });
        return { kind: 'text', text };
      }
      const file = resolve(baseDir, c.audio ?? '');
      if (!existsSync(file)) src.problem([...p, 'audio'], `audio file not found: ${file}`, 'the path is relative to the scenario file');
      return { kind: 'audio', path: file };
    };
    if (u.one_of !== undefined) return { choices: u.one_of.map((c, j) => choice(c, [...path, 'one_of', j])) };
    return { choices: [choice(u, path)] };
  };
  switch (step.kind) {
    case 'wait_greeting':
      return { kind: 'wait_greeting', at, timeoutMs: step.value.timeout };
    case 'say':
      return { kind: 'say', at, utterance: utterance(step.value), replyTimeoutMs: step.value.reply_timeout, expectReply: step.value.expect_reply };
    case 'barge_in':
      return { kind: 'barge_in', at, utterance: utterance(step.value), afterMs: step.value.after, replyTimeoutMs: step.value.reply_timeout };
    case 'silence':
      return { kind: 'silence', at, minMs: step.value.min, maxMs: step.value.max };
    case 'dtmf':
      return { kind: 'dtmf', at, digits: step.value.digits, durationMs: step.value.duration, gapMs: step.value.gap };
    case 'hangup':
      return { kind: 'hangup', at };
    case 'wait_hangup':
      return { kind: 'wait_hangup', at, timeoutMs: step.value.timeout };
  }
}

interface KnownNames {
  builtin: string[];
  /** Undefined when no data is declared or it failed to load. */
  columns: string[] | undefined;
  dataDeclared: boolean;
}

/** Parses a templated value and checks every placeholder names a known value, at its own position. */
function readTemplate(src: ScenarioSource, path: PropertyKey[], s: string, names: KnownNames): Template {
  const { template, errors } = parseTemplate(s);
  for (const e of errors) src.problem(path, e.message);
  if (names.dataDeclared && names.columns === undefined) {
    return template; // the CSV's own problem is reported; its column names are unknown
  }
  const known = [...names.builtin, ...(names.columns ?? [])];
  const count = new Map<string, number>();
  for (const { name } of templateNames(template)) {
    const nth = count.get(name) ?? 0;
    count.set(name, nth + 1);
    if (known.includes(name)) continue;
    const guess = closestWord(name, known);
    const hint = names.columns === undefined ? `built-in names are ${names.builtin.join(', ')}; declare data: { file: x.csv } to use CSV columns` : `names are ${known.join(', ')}`;
    src.problemInValue(path, name, nth, `unknown template name "${name}"${guess === undefined ? '' : `; did you mean "${guess}"?`}`, hint);
  }
  return template;
}


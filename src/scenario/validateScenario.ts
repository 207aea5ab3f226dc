import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isVoiceloadError } from '../core/errors.js';
import { lintScenario } from './lintScenario.js';
import { loadScenario } from './loadScenario.js';
import type { Scenario } from './scenario.js';
import { ScenarioError, type ScenarioProblem } from './scenarioError.js';

export interface ScenarioValidation {
  /** Present when the file itself is valid (there may still be environment problems). */
  scenario?: Scenario;
  problems: ScenarioProblem[];
  warnings: string[];
}

/** The text-to-speech engine `text:` utterances need (issue 4: espeak-ng from Debian). */
export const TTS_COMMAND = 'espeak-ng';

/**
 * Everything `voiceload validate` checks without placing a call: the file (see parseScenario) and
 * that this machine can synthesise its `text:` utterances. Never throws for an invalid scenario.
 */
export function validateScenario(path: string, env: NodeJS.ProcessEnv = process.env): ScenarioValidation {
  let scenario: Scenario;
  try {
    scenario = loadScenario(path);
  } catch (e) {
    if (e instanceof ScenarioError) return { problems: [...e.problems], warnings: [] };
    if (isVoiceloadError(e)) return { problems: [{ file: path, path: '(file)', message: e.message, ...(e.hint === undefined ? {} : { hint: e.hint }) }], warnings: [] };
    throw e;
  }
  const problems: ScenarioProblem[] = [];
  const firstText = scenario.steps.find((s) => (s.kind === 'say' || s.kind === 'barge_in') && s.utterance.choices.some((c) => c.kind === 'text'));
  if (firstText !== undefined && findExecutable(TTS_COMMAND, env) === undefined) {
    problems.push({
      file: scenario.file,
      ...firstText.at,
      path: `steps.${scenario.steps.indexOf(firstText)}`,
      message: `text: utterances are synthesised with ${TTS_COMMAND}, which is not on PATH`,
      hint: `install it (Debian/Ubuntu: apt-get install espeak-ng) or use audio: files instead`,
    });
  }
  return { scenario, problems, warnings: lintScenario(scenario) };
}

/** The first executable file named `name` in the PATH directories, like `command -v`. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

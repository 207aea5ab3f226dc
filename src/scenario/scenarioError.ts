import { formatProblem, type ConfigProblem } from '../config/configProblem.js';
import { VoiceloadError } from '../core/errors.js';

export type ScenarioProblem = ConfigProblem;

/** An invalid scenario: code CONFIG, with every problem listed in the message and in `problems`. */
export class ScenarioError extends VoiceloadError {
  readonly problems: readonly ScenarioProblem[];

  constructor(file: string, problems: readonly ScenarioProblem[]) {
    const n = problems.length;
    super('CONFIG', `invalid scenario ${file} (${n} problem${n === 1 ? '' : 's'}):\n${problems.map((p) => '  ' + formatProblem(p)).join('\n')}`, {
      hint: 'unknown keys and step names are errors; scenarios/order-status.yaml shows every step',
    });
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

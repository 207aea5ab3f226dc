import type { ConfigProblem } from '../../config/configProblem.js';
import { formatProblem } from '../../config/configProblem.js';
import { VoiceloadError } from '../../core/errors.js';

export { formatProblem } from '../../config/configProblem.js';

/** One thing wrong with a profile, where it is. */
export type ProfileProblem = ConfigProblem;

/** An invalid profile: code CONFIG, with every problem listed in the message and in `problems`. */
export class ProfileError extends VoiceloadError {
  readonly problems: readonly ProfileProblem[];

  constructor(file: string, problems: readonly ProfileProblem[]) {
    const n = problems.length;
    super('CONFIG', `invalid agent profile ${file} (${n} problem${n === 1 ? '' : 's'}):\n${problems.map((p) => '  ' + formatProblem(p)).join('\n')}`, {
      hint: 'every field except name has a default and unknown keys are errors; profiles/healthy.yaml shows the full shape',
    });
    this.name = 'ProfileError';
    this.problems = problems;
  }
}

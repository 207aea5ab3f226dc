import { VoiceloadError } from '../../core/errors.js';

/** One thing wrong with a profile, where it is. */
export interface ProfileProblem {
  file: string;
  /** 1-based; absent when the profile did not come from text (an object given in code). */
  line?: number;
  col?: number;
  /** Dotted key path, e.g. `stages.llm.concurrency`; `(root)` for the document itself, `(yaml)` for syntax. */
  path: string;
  message: string;
}

export function formatProblem(p: ProfileProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
  return `${where}: ${p.path}: ${p.message}`;
}

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

/** One thing wrong with a configuration file (agent profile, scenario), where it is. */
export interface ConfigProblem {
  file: string;
  /** 1-based; absent when the configuration did not come from text (an object given in code). */
  line?: number;
  col?: number;
  /** Dotted key path, e.g. `stages.llm.concurrency`; `(root)` for the document itself, `(yaml)` for syntax. */
  path: string;
  message: string;
  /** What to do about it, when the message alone does not say. */
  hint?: string;
}

/** `file:line:col: path: message`, the form editors and CI annotations jump to. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
  return `${where}: ${p.path}: ${p.message}${p.hint === undefined ? '' : ` (hint: ${p.hint})`}`;
}

export function pathString(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** File order: problems read top to bottom like the file; unpositioned ones last. */
export function sortProblems<T extends ConfigProblem>(problems: T[]): T[] {
  const big = Number.MAX_SAFE_INTEGER;
  return problems.sort((a, b) => (a.line ?? big) - (b.line ?? big) || (a.col ?? 0) - (b.col ?? 0));
}

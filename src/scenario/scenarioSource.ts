import { isScalar, type Document, type LineCounter } from 'yaml';
import { pathString } from '../config/configProblem.js';
import { offsetOfPath } from '../config/yamlPosition.js';
import type { SourcePosition } from './scenario.js';
import type { ScenarioProblem } from './scenarioError.js';

/** The parsed YAML of one scenario file and the problems found in it so far, each placed in the file. */
export class ScenarioSource {
  readonly problems: ScenarioProblem[] = [];

  constructor(
    readonly file: string,
    readonly text: string,
    readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Line and column of what a key path is about (see offsetOfPath). */
  at(path: readonly PropertyKey[]): SourcePosition {
    return this.lineCounter.linePos(offsetOfPath(this.doc, path));
  }

  problem(path: readonly PropertyKey[], message: string, hint?: string): void {
    this.problems.push({ file: this.file, ...this.at(path), path: pathString(path), message, ...(hint === undefined ? {} : { hint }) });
  }

  /**
   * Reports a problem at a placeholder inside the string value at `path`: the `nth` (0-based)
   * `{{name}}` found in the value's source text, or the value itself when it cannot be found
   * (e.g. written with escapes).
   */
  problemInValue(path: readonly PropertyKey[], name: string, nth: number, message: string, hint?: string): void {
    const node = this.doc.getIn(path, true);
    if (isScalar(node) && node.range) {
      const source = this.text.slice(node.range[0], node.range[1]);
      const re = new RegExp(`\\{\\{\\s*${name.replace(/[^A-Za-z0-9_]/g, '\\$&')}\\s*\\}\\}`, 'g');
      const found = [...source.matchAll(re)][nth];
      if (found !== undefined) {
        const pos = this.lineCounter.linePos(node.range[0] + found.index);
        this.problems.push({ file: this.file, ...pos, path: pathString(path), message, ...(hint === undefined ? {} : { hint }) });
        return;
      }
    }
    this.problem(path, message, hint);
  }
}

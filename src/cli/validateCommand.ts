import type { Command } from 'commander';
import { formatProblem } from '../config/configProblem.js';
import { validateScenario } from '../scenario/validateScenario.js';
import { ExitCode } from './exitCodes.js';

/** `voiceload validate <scenario>`: checks a scenario without placing calls; exit 0 valid, 2 not. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a scenario file without placing calls (steps, templates, audio files, CSV data, espeak-ng)')
    .argument('<scenario>', 'YAML scenario file')
    .action((file: string) => {
      const v = validateScenario(file);
      for (const w of v.warnings) process.stderr.write(`warning: ${w}\n`);
      if (v.problems.length > 0 || v.scenario === undefined) {
        const n = v.problems.length;
        process.stderr.write(`voiceload: invalid scenario ${file} (${n} problem${n === 1 ? '' : 's'}):\n`);
        for (const p of v.problems) process.stderr.write(`  ${formatProblem(p)}\n`);
        process.exitCode = ExitCode.usage;
        return;
      }
      const s = v.scenario;
      const rows = s.data === undefined ? 'no data file' : `${s.data.rows.length} calls' worth of data rows (${s.data.order}, from ${s.data.file})`;
      process.stdout.write(`ok: ${s.steps.length} step${s.steps.length === 1 ? '' : 's'}, ${rows}\n`);
    });
}

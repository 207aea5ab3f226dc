import { writeFileSync } from 'node:fs';
import { Option } from 'commander';
import type { Command } from 'commander';
import { VoiceloadError } from '../core/errors.js';
import { compareRuns } from '../compare/compareRuns.js';
import { formatCompareHtml } from '../compare/formatCompareHtml.js';
import { formatCompareJson } from '../compare/formatCompareJson.js';
import { formatCompareMarkdown } from '../compare/formatCompareMarkdown.js';
import { loadRunDir } from '../compare/loadRunDir.js';
import { parseGates } from '../compare/parseGate.js';
import { ExitCode } from './exitCodes.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface RawCompareOptions {
  maxRegression?: string[];
  format: 'md' | 'json' | 'html';
  out?: string;
  alpha: string;
  seed: string;
}

/**
 * `voiceload compare <baseline-dir> <candidate-dir>`: per-metric changes with Mann–Whitney
 * significance; exit 99 when a gated metric regressed beyond its limit and the change is significant.
 */
export function registerCompareCommand(program: Command, fail: (e: unknown) => never): void {
  program
    .command('compare')
    .description('compare two runs (--out directories), e.g. build A vs build B; exit 99 on a significant regression beyond a limit')
    .argument('<baseline-dir>', 'results directory of the baseline run')
    .argument('<candidate-dir>', 'results directory of the candidate run')
    .option('--max-regression <gate>', "METRIC.STAT=LIMIT, e.g. 'ttfa_ms.p95=10%', 'invite_to_answer_ms.p99=50ms', 'failure_rate.rate=0.01' (repeatable)", collect)
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'json', 'html']).default('md'))
    .option('--out <file>', 'write the output here instead of stdout')
    .option('--alpha <p>', 'significance level: a change is significant when p < alpha', '0.05')
    .option('--seed <n>', 'seed of the bootstrap confidence intervals (same seed, same output)', '1')
    .action(async (baselineDir: string, candidateDir: string, opts: RawCompareOptions) => {
      let code: number;
      try {
        const alpha = Number(opts.alpha);
        if (!(alpha > 0 && alpha < 1)) throw new VoiceloadError('CLI_USAGE', `--alpha ${opts.alpha}: not a probability between 0 and 1`, { hint: 'e.g. --alpha 0.05' });
        const seed = Number(opts.seed);
        if (!Number.isSafeInteger(seed)) throw new VoiceloadError('CLI_USAGE', `--seed ${opts.seed}: not an integer`, { hint: 'e.g. --seed 1' });
        const gates = parseGates(opts.maxRegression ?? []);
        const [baseline, candidate] = [await loadRunDir(baselineDir), await loadRunDir(candidateDir)];
        const comparison = compareRuns(baseline, candidate, gates, { alpha, seed });
        const text = opts.format === 'json' ? formatCompareJson(comparison) : opts.format === 'html' ? formatCompareHtml(comparison) : formatCompareMarkdown(comparison);
        if (opts.out === undefined) await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
        else {
          try {
            writeFileSync(opts.out, text);
          } catch (cause) {
            throw new VoiceloadError('RESULTS_WRITE', `cannot write ${opts.out}: ${(cause as Error).message}`, { cause });
          }
        }
        for (const g of comparison.gates) {
          if (g.status === 'fail') process.stderr.write(`voiceload: ${g.source}: ${g.note}\n`);
        }
        code = comparison.passed ? ExitCode.ok : ExitCode.thresholdsFailed;
      } catch (e) {
        fail(e);
      }
      process.exitCode = code;
    });
}

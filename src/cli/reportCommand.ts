import type { Command } from 'commander';
import { writeHtmlReport } from '../report/html/writeHtmlReport.js';

/** `voiceload report <out-dir> [--output FILE]`: the self-contained HTML report of a run's results directory. */
export function registerReportCommand(program: Command, fail: (e: unknown) => never): void {
  program
    .command('report')
    .description('write the HTML report (one self-contained file, no network) of a `run --out` directory')
    .argument('<out-dir>', 'results directory of a run (summary.json, timeline.csv, histograms.json, calls.ndjson)')
    .option('--output <file>', 'where to write the report (default <out-dir>/report.html)')
    .action(async (dir: string, opts: { output?: string }) => {
      let path: string;
      try {
        path = await writeHtmlReport(dir, opts.output);
      } catch (e) {
        fail(e);
      }
      process.stderr.write(`wrote ${path}\n`);
    });
}

import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VoiceloadError } from '../../core/errors.js';
import { loadReportDir } from './loadReportDir.js';
import { buildReportModel } from './reportModel.js';
import { renderReportHtml } from './renderReportHtml.js';
import { readUplotAssets } from './uplotAssets.js';

export const REPORT_FILE = 'report.html';

/** Reads a results directory and writes its HTML report (default `<dir>/report.html`); returns the path. */
export async function writeHtmlReport(dir: string, output: string = join(dir, REPORT_FILE)): Promise<string> {
  const html = renderReportHtml(buildReportModel(await loadReportDir(dir)), readUplotAssets());
  const tmp = `${output}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, html);
    renameSync(tmp, output);
  } catch (cause) {
    throw new VoiceloadError('RESULTS_WRITE', `cannot write ${output}: ${(cause as Error).message}`, { cause, hint: 'check that the directory is writable' });
  }
  return output;
}

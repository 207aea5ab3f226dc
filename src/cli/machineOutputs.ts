import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatJunitXml } from '../report/formatJunitXml.js';
import { formatOpenMetrics, PROMETHEUS_CONTENT_TYPE } from '../report/formatOpenMetrics.js';
import { pushGatewayUrl, pushMetrics } from '../report/pushGateway.js';
import type { RunSummaryDoc } from '../results/runSummaryDoc.js';
import type { CommandIo } from './progressPrinter.js';
import type { RunConfig } from './runOptions.js';

export interface MachineOutputsResult {
  /** Files written (for the `wrote …` lines). */
  files: string[];
  /** A requested file could not be written (the message is already on stderr). */
  writeFailed: boolean;
}

/** The labels on every OpenMetrics sample: run_id, scenario, then the tags. */
export function metricsLabelsOf(config: RunConfig, scenario: string): Record<string, string> {
  return { run_id: config.runId, scenario, ...config.tags };
}

/**
 * After a run (also an interrupted one: what was measured): --junit, --openmetrics (--out
 * openmetrics=FILE) and --push-gateway. A file that cannot be written is an error on stderr; a push
 * that fails is a warning and changes nothing else.
 */
export async function writeMachineOutputs(
  config: RunConfig,
  summary: RunSummaryDoc,
  run: { scenario: string; stoppedBy?: string },
  io: CommandIo,
  push: typeof pushMetrics = pushMetrics,
): Promise<MachineOutputsResult> {
  const files: string[] = [];
  let writeFailed = false;
  const write = (file: string, text: string): void => {
    const tmp = `${file}.tmp-${process.pid}`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(tmp, text);
      renameSync(tmp, file);
      files.push(file);
    } catch (e) {
      writeFailed = true;
      io.stderr(`voiceload: cannot write ${file}: ${e instanceof Error ? e.message : String(e)}\nhint: check that the directory is writable and the disk is not full\n`);
    }
  };
  // Stopped early (Ctrl-C, --abort-on-fail): the report says so, and holds what was measured.
  const interrupted = run.stoppedBy === undefined ? {} : { stoppedBy: run.stoppedBy };
  if (config.junitFile !== undefined) {
    write(config.junitFile, formatJunitXml(summary, { scenario: run.scenario, runId: config.runId, maxFailureRate: config.maxFailureRate, ...interrupted }));
  }
  const labels = metricsLabelsOf(config, run.scenario);
  if (config.openMetricsFile !== undefined) write(config.openMetricsFile, formatOpenMetrics(summary, { labels }));
  if (config.pushGatewayUrl !== undefined) {
    const url = pushGatewayUrl(config.pushGatewayUrl, 'voiceload', config.tags);
    try {
      await push(url, formatOpenMetrics(summary, { labels, variant: 'prometheus' }), { contentType: PROMETHEUS_CONTENT_TYPE });
      io.stderr(`pushed the summary to the Pushgateway (job voiceload${Object.keys(config.tags).length === 0 ? '' : `, ${Object.keys(config.tags).join(', ')}`})\n`);
    } catch (e) {
      io.stderr(`warning: --push-gateway: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  return { files, writeFailed };
}

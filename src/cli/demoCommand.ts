import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { estimateCapacity } from '../agent/model/capacityEstimate.js';
import { BUILTIN_PROFILES, loadProfile } from '../agent/profile/loadProfile.js';
import { startAgent } from '../agent/simulatedAgent.js';
import { parseCapacityFile } from '../capacity/capacityFile.js';
import { VoiceloadError } from '../core/errors.js';
import { REPORT_FILE } from '../report/html/writeHtmlReport.js';
import { buildCapacityConfig } from './capacityOptions.js';
import { runCapacitySearch } from './capacityCommand.js';
import { processCommandIo } from './processCommandIo.js';
import type { CommandIo } from './progressPrinter.js';

/** The bundled conversation: greeting, one caller line and its reply (scenarios/demo.yaml). */
export const DEMO_SCENARIO = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));

export interface DemoOptions {
  /** A built-in profile name or a YAML file; its analytic capacity is printed beside the result. */
  profile: string;
  /** Results directory; default ./voiceload-demo/<run id>. */
  out?: string;
  /** Worker threads of the load (default 1: the agent runs in this process too). */
  workers: number;
  seed: number;
}

/** The demo's search: short steps that still hold each level for several call lengths' worth of calls. */
export const DEMO_SEARCH = {
  slos: ['failure_rate: rate<0.02', 'ttfa_ms: p(95)<4000'],
  start: 6,
  step: 3,
  max: 24,
  warmup: '3s',
  stepDuration: '6s',
} as const;

/** `voiceload demo` (`npm start`): the simulated agent on loopback and a one-minute capacity search against it. */
export function registerDemoCommand(program: Command, version: string, fail: (e: unknown) => never): void {
  program
    .command('demo')
    .description('start the simulated agent on 127.0.0.1 and run a short capacity search against it (about a minute); prints the result and the HTML report path')
    .option('--profile <name|file>', `agent profile with a known limit (built in: ${BUILTIN_PROFILES.join(', ')})`, 'worker-bound')
    .option('--out <dir>', 'results directory (default ./voiceload-demo/<run id>)')
    .option('--workers <n>', 'worker threads of the load', '1')
    .option('--seed <n>', 'seed of the run', '1')
    .action(async (raw: { profile: string; out?: string; workers: string; seed: string }) => {
      let code: number;
      try {
        const workers = Number(raw.workers);
        const seed = Number(raw.seed);
        if (!Number.isInteger(workers) || workers < 0) throw new VoiceloadError('CLI_USAGE', `--workers must be an integer ≥ 0, not "${raw.workers}"`);
        if (!Number.isSafeInteger(seed)) throw new VoiceloadError('CLI_USAGE', `--seed must be an integer, not "${raw.seed}"`);
        const io = processCommandIo({ stopping: 'stopping the demo: ending the current step with BYE' });
        code = await runDemo({ profile: raw.profile, ...(raw.out === undefined ? {} : { out: raw.out }), workers, seed }, version, io);
      } catch (e) {
        fail(e);
      }
      process.stdout.write('', () => process.exit(code));
    });
}

/**
 * Starts the simulated agent in this process, runs `voiceload capacity` with the bundled scenario
 * against it, and says how the capacity found compares with the profile's analytic one. Returns the
 * capacity search's exit code (0 found, 1 none, 130 interrupted).
 */
export async function runDemo(o: DemoOptions, version: string, io: CommandIo): Promise<number> {
  const profile = loadProfile(o.profile);
  const analytic = estimateCapacity(profile);
  const agent = await startAgent({ port: 0, profile, metricsPort: 0 });
  try {
    const runId = `demo-${Date.now().toString(36)}`;
    const out = resolve(o.out ?? join('voiceload-demo', runId));
    io.stderr(
      `voiceload demo: simulated agent "${profile.name}" on ${agent.uri} (metrics http://127.0.0.1:${agent.metricsPort}/metrics)\n` +
        `  its known limit: ${fmt(analytic.maxConcurrentCalls)} concurrent calls (${analytic.binding})\n`,
    );
    const config = buildCapacityConfig(
      DEMO_SCENARIO,
      undefined,
      {
        target: agent.uri,
        slo: [...DEMO_SEARCH.slos],
        start: String(DEMO_SEARCH.start),
        step: String(DEMO_SEARCH.step),
        max: String(DEMO_SEARCH.max),
        resolution: '1',
        warmup: DEMO_SEARCH.warmup,
        stepDuration: DEMO_SEARCH.stepDuration,
        out,
        workers: String(o.workers),
        seed: String(o.seed),
        runId,
        scrape: [`http://127.0.0.1:${agent.metricsPort}/metrics`],
      },
      {},
    );
    const code = await runCapacitySearch(config, version, io);
    const capacityPath = join(out, 'capacity.json');
    if (existsSync(capacityPath)) {
      const doc = parseCapacityFile(readFileSync(capacityPath, 'utf8'), capacityPath);
      const found = doc.effectiveCapacity === null ? 'none (even the first level broke an SLO)' : `${doc.effectiveCapacity} concurrent calls`;
      io.stdout(`\nthe simulated agent's known limit: ${fmt(analytic.maxConcurrentCalls)} concurrent calls (${analytic.binding}); the search found: ${found}\n`);
    }
    const report = join(out, REPORT_FILE);
    if (existsSync(report)) io.stdout(`HTML report: ${report}\n`);
    io.stdout(`next: point it at your agent: voiceload capacity ${DEMO_SCENARIO} <host:port> --slo 'ttfa_ms: p(95)<1500' --slo 'failure_rate: rate<0.01' --out results\n`);
    return code;
  } finally {
    await agent.stop();
  }
}

const fmt = (n: number): string => String(Math.round(n * 10) / 10);

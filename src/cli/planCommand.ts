import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isVoiceloadError, VoiceloadError } from '../core/errors.js';
import { parseCapacityFile } from '../capacity/capacityFile.js';
import type { CapacityDoc } from '../capacity/capacityFile.js';
import { formatPlan } from '../capacity/formatPlan.js';
import { componentsFromCapacity, DEFAULT_TARGET_UTILIZATION, mergeComponents, parseUnitCapacity, planCapacity } from '../capacity/planCapacity.js';
import { ExitCode } from './exitCodes.js';

/** What `voiceload plan` touches outside itself; tests pass fakes. */
export interface PlanIo {
  readFile(path: string): string;
  out(text: string): void;
  err(text: string): void;
  /** Ends the command with a non-zero code (commander usage errors end here too). */
  exit(code: number): never;
}

const processIo: PlanIo = {
  readFile: (path) => readFileSync(path, 'utf8'),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  exit: (code) => process.exit(code),
};

export interface RawPlanOptions {
  capacity?: string;
  peak: string;
  targetUtilization: string;
  unitCapacity?: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function parseNumber(flag: string, text: string): number {
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n)) throw new VoiceloadError('CLI_USAGE', `${flag} '${text}' is not a number`);
  return n;
}

/** `0.7` or `70%`. */
function parseUtilization(text: string): number {
  const t = text.trim();
  return t.endsWith('%') ? parseNumber('--target-utilization', t.slice(0, -1)) / 100 : parseNumber('--target-utilization', t);
}

function readCapacity(path: string, io: PlanIo): CapacityDoc {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VoiceloadError('CONFIG', `--capacity ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? (e as Error).message})`}`, {
      hint: 'pass the capacity.json a capacity search wrote (voiceload capacity … --out DIR writes DIR/capacity.json)',
      cause: e,
    });
  }
  return parseCapacityFile(text, path);
}

/** The command's work: returns the exit code; output through io. */
export function runPlan(opts: RawPlanOptions, io: PlanIo): number {
  try {
    const peak = parseNumber('--peak', opts.peak);
    const targetUtilization = parseUtilization(opts.targetUtilization);
    const given = (opts.unitCapacity ?? []).map(parseUnitCapacity);
    const capacity = opts.capacity === undefined ? undefined : readCapacity(opts.capacity, io);
    const fromCapacity = capacity === undefined || opts.capacity === undefined ? [] : componentsFromCapacity(capacity, opts.capacity);
    const plan = planCapacity({ by: capacity?.by ?? 'concurrency', peak, targetUtilization, components: mergeComponents(fromCapacity, given) });
    if (opts.json === true) {
      const json = { schema: 'voiceload.plan/1', ...plan, ...(capacity === undefined ? {} : { capacity: { file: opts.capacity, effectiveCapacity: capacity.effectiveCapacity, hint: capacity.hint } }) };
      io.out(JSON.stringify(json, null, 2) + '\n');
    } else {
      io.out(formatPlan(plan, capacity));
    }
    return ExitCode.ok;
  } catch (e) {
    if (!isVoiceloadError(e)) throw e;
    io.err(`voiceload: ${e.message}\n`);
    if (e.hint !== undefined) io.err(`hint: ${e.hint}\n`);
    return e.code === 'CLI_USAGE' || e.code === 'CONFIG' ? ExitCode.usage : ExitCode.internal;
  }
}

/** `voiceload plan --capacity capacity.json --peak 500 [--target-utilization 0.7] [--unit-capacity NAME=N …] [--json]`. */
export function registerPlanCommand(program: Command, io: PlanIo = processIo): void {
  program
    .command('plan')
    .description('instances needed per component to carry a peak load with headroom, from a capacity search or known per-instance capacities')
    .option('--capacity <file>', 'capacity.json written by a capacity search')
    .requiredOption('--peak <n>', 'peak load to plan for (concurrent calls, or calls/s for a search by rate)')
    .option('--target-utilization <ratio>', 'share of capacity in use at peak, in (0, 1] (e.g. 0.7 or 70%)', String(DEFAULT_TARGET_UTILIZATION))
    .option('--unit-capacity <name=n>', "calls one instance of a component carries, e.g. 'agent-worker=10' (repeatable)", collect)
    .option('--json', 'print one JSON object instead of the table')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    // Unknown flags and missing values are usage errors: exit 2, not commander's 1.
    .exitOverride((err) => io.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage))
    .action((opts: RawPlanOptions) => {
      const code = runPlan(opts, io);
      if (code !== ExitCode.ok) io.exit(code);
    });
}

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs `voiceload <args>` from source in a child process, killed after `deadlineMs`. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; deadlineMs?: number; onSpawn?: (kill: (signal: NodeJS.Signals) => void, output: () => string) => void } = {},
): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = setTimeout(() => child.kill('SIGKILL'), options.deadlineMs ?? 30_000);
  options.onSpawn?.((signal) => child.kill(signal), () => stdout + stderr);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(deadline);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

import { spawn, type ChildProcess } from 'node:child_process';

export interface PeerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A third-party peer (SIPp, baresip) run in the foreground as a child process, bounded by a
 * deadline after which it is killed, and stopped by PID (never daemonised: `-bg` would escape).
 */
export class PeerProcess {
  readonly exited: Promise<PeerExit>;
  private readonly child: ChildProcess;
  private stdout = '';
  private stderr = '';

  constructor(command: string, args: string[], options: { cwd?: string; deadlineMs: number }) {
    this.child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => {
      this.stdout += d.toString('latin1');
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString('latin1');
    });
    const deadline = setTimeout(() => this.child.kill('SIGKILL'), options.deadlineMs);
    this.exited = new Promise<PeerExit>((resolve, reject) => {
      this.child.once('error', (e) => {
        clearTimeout(deadline);
        reject(new Error(`cannot start ${command}: ${e.message} (is it installed? see README "Tests")`));
      });
      this.child.once('exit', (code, signal) => {
        clearTimeout(deadline);
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  /** Resolves once `pattern` has appeared in the output (or rejects after `timeoutMs`). */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    const started = Date.now();
    while (!pattern.test(this.output)) {
      if (Date.now() - started > timeoutMs) throw new Error(`peer did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      if (this.child.exitCode !== null) throw new Error(`peer exited (${this.child.exitCode}) before printing ${pattern}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops the peer (SIGTERM, then SIGKILL after a grace period) and returns how it ended. */
  async stop(graceMs = 2000): Promise<PeerExit> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      const exit = await this.exited;
      clearTimeout(t);
      return exit;
    }
    return this.exited;
  }
}

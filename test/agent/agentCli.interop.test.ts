import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../interop/helpers/ports.js';
import { runCli } from '../interop/helpers/runCli.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

test('voiceload agent: serves calls and /metrics, writes the truth file, ends cleanly on SIGINT', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-agent-cli-'));
  const truthPath = join(dir, 'truth.ndjson');
  const [sipPort, metricsPort] = [await freePort(), await freePort()];
  const agent = spawn(process.execPath, ['--import', 'tsx', MAIN, 'agent', '--listen', `127.0.0.1:${sipPort}`, '--truth', truthPath, '--metrics-port', String(metricsPort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  agent.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => agent.once('exit', (code) => resolve(code)));
  const kill = setTimeout(() => agent.kill('SIGKILL'), 55_000);
  try {
    for (let i = 0; i < 200 && !stderr.includes('listening on'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(stderr, new RegExp(`listening on sip:agent@127\\.0\\.0\\.1:${sipPort} \\(profile healthy\\)`));
    const call = await runCli(['call', `sip:agent@127.0.0.1:${sipPort}`, '--json', '--header', 'X-Lk-Test-Id: cli-agent']);
    assert.equal(call.code, 0, call.stderr);
    const result = JSON.parse(call.stdout) as { callId: string; greetingTtfaMs: number };
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    assert.match(metrics, /voiceload_agent_calls_total\{outcome="completed"\} 1/);
    assert.match(metrics, /voiceload_agent_stage_service_seconds_count\{stage="tts"\} 1/);
    agent.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    const lines = readFileSync(truthPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; callId?: string; testId?: string; ttfaMs?: number });
    assert.deepEqual(lines.map((l) => l.type), ['agent_start', 'greeting', 'call']);
    const greeting = lines[1]!;
    assert.equal(greeting.callId, result.callId);
    assert.equal(greeting.testId, 'cli-agent');
    // Two processes, two clocks: the durations still agree.
    assert.ok(Math.abs((greeting.ttfaMs ?? NaN) - result.greetingTtfaMs) <= 20, `${greeting.ttfaMs} vs ${result.greetingTtfaMs}`);
  } finally {
    clearTimeout(kill);
    agent.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('voiceload agent refuses a profile with mistakes, naming file and line', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-profile-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'name: bad\nstages:\n  llm:\n    concurency: 5\n    latencyMs: { median: 900, p95: 300 }\n');
  try {
    const run = await runCli(['agent', '--listen', '127.0.0.1:0', '--profile', file]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}:4:\\d+: .*concurency`));
    assert.match(run.stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}:5:\\d+: .*p95`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

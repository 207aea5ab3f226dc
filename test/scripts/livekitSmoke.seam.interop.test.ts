import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgent } from '../../src/agent/simulatedAgent.js';
import { startLivekitStandIn } from '../interop/helpers/livekitTwirpStandIn.js';

// scripts/livekit-smoke.sh is for the user's own LiveKit project. Here it runs at the seam: LIVEKIT_URL
// is a local stand-in of LiveKit's SIP API (setup and teardown go through the real
// livekit-server-sdk), the "SIP host" is the simulated agent on 127.0.0.1, and there is no room
// service, so `--livekit` cannot observe any room: the run must go on, measure every call, say so
// once, and the script must still tear down exactly what it set up.

const SCRIPT = fileURLToPath(new URL('../../scripts/livekit-smoke.sh', import.meta.url));

test('livekit-smoke.sh at the seam: setup, a 3-call --livekit run that goes on without LiveKit rooms (said once), teardown of what setup made', { timeout: 120_000 }, async (t) => {
  const standIn = await startLivekitStandIn();
  const agent = await startAgent({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-lk-smoke-'));
  try {
    const out = join(dir, 'out');
    const scenario = join(dir, 'short.yaml');
    writeFileSync(scenario, ['name: short', 'steps:', '  - silence: 1s', '  - hangup: {}', ''].join('\n'));
    const env = {
      ...process.env,
      LIVEKIT_URL: standIn.url.replace(/^http/, 'ws'),
      LIVEKIT_API_KEY: 'APIsmoke',
      LIVEKIT_API_SECRET: 'smoke-secret-not-for-output',
      VL_NUMBER: '+15550100',
      VL_SIP_HOST: `127.0.0.1:${agent.port}`,
      VL_ALLOWED: '127.0.0.1/32',
      VL_CALLS: '3',
      VL_OUT: out,
      // A short conversation: the plumbing is what is checked here.
      VL_SCENARIO: scenario,
    };
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('bash', [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const deadline = setTimeout(() => child.kill('SIGKILL'), 110_000);
      child.on('close', (code) => {
        clearTimeout(deadline);
        resolve({ code, stdout, stderr });
      });
    });
    const all = run.stdout + run.stderr;
    assert.equal(run.code, 0, all.slice(-4000));
    const methods = standIn.requests.map((r) => r.method);
    assert.deepEqual(methods.filter((m) => m.startsWith('Create')), ['CreateSIPInboundTrunk', 'CreateSIPDispatchRule']);
    assert.deepEqual(methods.filter((m) => m.startsWith('Delete')).sort(), ['DeleteSIPDispatchRule', 'DeleteSIPTrunk']);
    assert.equal(standIn.trunks.size, 0, 'the trunk is gone');
    assert.equal(standIn.rules.size, 0, 'the rule is gone');
    // Every call measured, the report written, and no stage breakdown without rooms — said, once.
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { counters: { calls_completed: number } };
    assert.equal(summary.counters.calls_completed, 3, all.slice(-3000));
    assert.ok(existsSync(join(out, 'report.html')));
    assert.match(all, /livekit: observed 0 of 3 calls/);
    const warnings = all.split('\n').filter((l) => /^warning: .*livekit|LiveKit/i.test(l) && l.startsWith('warning:'));
    t.diagnostic(warnings.join(' | '));
    assert.ok(warnings.length >= 1 && warnings.length <= 2, warnings.join('\n'));
    assert.ok(!all.includes('smoke-secret-not-for-output'), 'the API secret never appears');
  } finally {
    await agent.stop();
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

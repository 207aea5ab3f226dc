import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The reference agent (examples/livekit-agent, its own package: @livekit/agents stays out of
// voiceload's dependencies) runs its own test: a real AgentSession with the framework's VAD,
// FakeSTT and FakeLLM and a tone TTS, driven without a LiveKit server, publishing through
// `voiceload/livekit-agent` into a recording room. .ci/run installs the example
// (ONNXRUNTIME_NODE_INSTALL=skip npm ci) and builds dist/, which the example imports.

const EXAMPLE = fileURLToPath(new URL('../../examples/livekit-agent/', import.meta.url));
const installed = existsSync(`${EXAMPLE}node_modules/@livekit/agents/package.json`);
const built = existsSync(fileURLToPath(new URL('../../dist/livekitAgent/index.js', import.meta.url)));
const skip = !installed ? 'examples/livekit-agent is not installed (cd examples/livekit-agent && ONNXRUNTIME_NODE_INSTALL=skip npm ci)' : !built ? 'dist/ is not built (npm run build)' : false;

test('the reference LiveKit agent: a framework AgentSession with fake STT/LLM/TTS publishes one turn_metrics record per reply (its own test, run here)', { skip, timeout: 120_000 }, async (t) => {
  const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', 'test/fakeSession.test.ts'], { cwd: EXAMPLE, env: envWithoutTestContext(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, out });
    });
  });
  t.diagnostic(run.out.split('\n').filter((l) => /^# (pass|fail)|measured|stt|llm|tts/i.test(l)).slice(0, 12).join(' | '));
  assert.equal(run.code, 0, run.out.slice(-4000));
  assert.match(run.out, /^# pass [1-9]/m);
  assert.match(run.out, /^# fail 0$/m);
});

/** This process's environment without node:test's marker, which would make the child skip its files as a nested run. */
function envWithoutTestContext(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  return env;
}

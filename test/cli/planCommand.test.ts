import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { buildCapacityDoc, formatCapacityFile } from '../../src/capacity/capacityFile.js';
import { registerPlanCommand } from '../../src/cli/planCommand.js';
import type { PlanIo } from '../../src/cli/planCommand.js';
import { PARTS, RESULT } from '../capacity/capacityFixture.js';

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Runs `voiceload plan <args>` through the registered command, files from `files`. */
async function plan(args: string[], files: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: PlanIo = {
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    exit: (code) => {
      throw new Exited(code);
    },
  };
  const program = new Command().name('voiceload').exitOverride();
  registerPlanCommand(program, io);
  try {
    await program.parseAsync(['plan', ...args], { from: 'user' });
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (e instanceof Exited) return { code: e.code, stdout, stderr };
    throw e;
  }
}

const FILE = formatCapacityFile(buildCapacityDoc(RESULT, { ...PARTS, deployment: { 'agent-worker': 4 } }));

test('plan --capacity --peak --json: instances per component, bottleneck and margin', async () => {
  const run = await plan(['--capacity', 'cap.json', '--peak', '500', '--unit-capacity', 'sip-trunk=250', '--json'], { 'cap.json': FILE });
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout) as { schema: string; targetUtilization: number; bottleneck: string; components: { name: string; instances: number; marginCalls: number }[]; capacity: { effectiveCapacity: number } };
  assert.equal(json.schema, 'voiceload.plan/1');
  assert.equal(json.targetUtilization, 0.7);
  assert.equal(json.bottleneck, 'agent-worker');
  assert.deepEqual(json.components.map((c) => [c.name, c.instances, c.marginCalls]), [['agent-worker', 72, 220], ['sip-trunk', 3, 250]]);
  assert.equal(json.capacity.effectiveCapacity, 40);
});

test('plan with --unit-capacity alone prints the table; 70% is read as 0.7', async () => {
  const run = await plan(['--peak', '100', '--unit-capacity', 'agent-worker=10', '--target-utilization', '80%']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^peak 100 concurrent calls at 80 % target utilisation \(20 % headroom\)$/m);
  assert.match(run.stdout, /^agent-worker \*\s+10\s+13\s+130\s+77 %/m);
});

test('plan errors exit 2 with a clear message: missing file, bad numbers, unknown flags, missing --peak', async () => {
  const missing = await plan(['--capacity', 'nope.json', '--peak', '500']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--capacity nope\.json: no such file/);
  assert.match(missing.stderr, /^hint: /m);

  const badPeak = await plan(['--peak', 'lots', '--unit-capacity', 'w=10']);
  assert.equal(badPeak.code, 2);
  assert.match(badPeak.stderr, /--peak 'lots' is not a number/);

  const full = await plan(['--peak', '50', '--unit-capacity', 'w=10', '--target-utilization', '1.5']);
  assert.equal(full.code, 2);
  assert.match(full.stderr, /--target-utilization must be in \(0, 1\]/);

  const badUnit = await plan(['--peak', '50', '--unit-capacity', 'w=many']);
  assert.equal(badUnit.code, 2);
  assert.match(badUnit.stderr, /--unit-capacity 'w=many'/);

  const notCapacity = await plan(['--capacity', 's.json', '--peak', '50'], { 's.json': '{"schema":"voiceload.summary/1"}' });
  assert.equal(notCapacity.code, 2);
  assert.match(notCapacity.stderr, /s\.json: not a capacity result/);

  const unknown = await plan(['--peak', '50', '--unit-capacity', 'w=10', '--frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option '--frobnicate'/);

  const noPeak = await plan(['--unit-capacity', 'w=10']);
  assert.equal(noPeak.code, 2);
  assert.match(noPeak.stderr, /--peak/);

  const nothing = await plan(['--peak', '50']);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /nothing to plan/);
});

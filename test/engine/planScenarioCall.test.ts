import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../src/core/rng.js';
import { DEFAULT_CALL_SETUP } from '../../src/engine/callConfig.js';
import { planScenarioCall, withUser, type CallContext } from '../../src/engine/planScenarioCall.js';
import { prepareScenario, type PreparedScenario } from '../../src/engine/prepareScenario.js';
import { loadScenario } from '../../src/scenario/loadScenario.js';
import { FIXTURES_DIR } from '../interop/helpers/sipp.js';

// Planning is pure: the same seed and call number give the same call, whatever else ran.

const base = { ...DEFAULT_CALL_SETUP, target: 'sip:agent@127.0.0.1:5060' };

async function prepare(yaml: string, csv?: string): Promise<{ prepared: PreparedScenario; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-plan-'));
  if (csv !== undefined) writeFileSync(join(dir, 'data.csv'), csv);
  writeFileSync(join(dir, 's.yaml'), yaml);
  const prepared = await prepareScenario(loadScenario(join(dir, 's.yaml')));
  return { prepared, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const ctx = (callNumber: number, seed: number): CallContext => ({
  runId: 'r1',
  callNumber,
  rng: createRng((seed ^ Math.imul(callNumber, 0x9e3779b1)) >>> 0),
  callId: `call-${callNumber}@127.0.0.1`,
});

const ONE_OF = `
steps:
  - say:
      one_of:
        - audio: ${FIXTURES_DIR}caller-order-status.wav
        - audio: ${FIXTURES_DIR}caller-order-number.wav
        - audio: ${FIXTURES_DIR}caller-goodbye.wav
  - silence: { min: 100ms, max: 900ms }
  - hangup: {}
`;

test('one_of with a seed picks reproducibly per call; another seed picks differently', async () => {
  const { prepared, cleanup } = await prepare(ONE_OF);
  try {
    const picks = (seed: number): string[] =>
      Array.from({ length: 30 }, (_, i) => {
        const steps = planScenarioCall(prepared, base, ctx(i + 1, seed)).steps;
        const say = steps[0];
        const silence = steps[1];
        return `${say?.kind === 'say' ? say.utterance.label : '?'}+${silence?.kind === 'silence' ? silence.durationMs : '?'}`;
      });
    const a = picks(42);
    assert.deepEqual(picks(42), a, 'the same seed gives the same choices and think times');
    assert.notDeepEqual(picks(43), a, 'another seed gives other choices');
    // Each call draws from its own stream: planning call 7 alone gives call 7's choice.
    const alone = planScenarioCall(prepared, base, ctx(7, 42)).steps[0];
    assert.equal(alone?.kind === 'say' ? alone.utterance.label : '', a[6]?.split('+')[0]);
    // Over 30 calls every choice is drawn and think times stay in [100, 900].
    const labels = new Set(a.map((p) => p.split('+')[0]));
    assert.equal(labels.size, 3, [...labels].join(', '));
    for (const p of a) {
      const ms = Number(p.split('+')[1]);
      assert.ok(ms >= 100 && ms <= 900, p);
    }
  } finally {
    cleanup();
  }
});

test('CSV rows fill templates: sequential rows in call order, wrapping around; built-ins per call', async () => {
  const yaml = `
from: "{{caller}}"
to: "{{queue}}"
headers:
  X-Lk-Test-Id: "{{run_id}}-{{call_number}}"
  X-Customer: "{{name}}"
  X-Call: "{{call_id}}"
data:
  file: data.csv
steps:
  - say: { audio: ${FIXTURES_DIR}caller-goodbye.wav, expect_reply: false }
  - hangup: {}
`;
  const { prepared, cleanup } = await prepare(yaml, 'caller,name,queue\n+15550101,Ada,sales\n+15550102,Grace,support\n');
  try {
    const calls = [1, 2, 3].map((n) => planScenarioCall(prepared, base, ctx(n, 1)));
    assert.deepEqual(
      calls.map((c) => [c.dataRow, c.setup.fromUser, c.setup.target, c.setup.callId]),
      [
        [1, '+15550101', 'sip:sales@127.0.0.1:5060', 'call-1@127.0.0.1'],
        [2, '+15550102', 'sip:support@127.0.0.1:5060', 'call-2@127.0.0.1'],
        [1, '+15550101', 'sip:sales@127.0.0.1:5060', 'call-3@127.0.0.1'],
      ],
    );
    assert.deepEqual(calls[1]?.setup.headers, [
      { name: 'X-Lk-Test-Id', value: 'r1-2' },
      { name: 'X-Customer', value: 'Grace' },
      { name: 'X-Call', value: 'call-2@127.0.0.1' },
    ]);
  } finally {
    cleanup();
  }
});

test("random CSV rows: drawn from each call's seeded stream, reproducibly", async () => {
  const yaml = `
data:
  file: data.csv
  order: random
steps:
  - say: { audio: ${FIXTURES_DIR}caller-goodbye.wav, expect_reply: false }
`;
  const { prepared, cleanup } = await prepare(yaml, 'n\n1\n2\n3\n4\n5\n');
  try {
    const rows = (seed: number): (number | undefined)[] => Array.from({ length: 20 }, (_, i) => planScenarioCall(prepared, base, ctx(i + 1, seed)).dataRow);
    assert.deepEqual(rows(5), rows(5));
    assert.ok(new Set(rows(5)).size > 1, 'random order uses more than one row');
    for (const r of rows(5)) assert.ok(r !== undefined && r >= 1 && r <= 5);
  } finally {
    cleanup();
  }
});

test('the scenario `to` replaces the target URI user', () => {
  assert.equal(withUser('sip:agent@127.0.0.1:5060', 'sales'), 'sip:sales@127.0.0.1:5060');
  assert.equal(withUser('sip:127.0.0.1:5070;transport=tcp', '+15550100'), 'sip:+15550100@127.0.0.1:5070;transport=tcp');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from '../interop/helpers/runCli.js';
import { findExecutable } from '../../src/scenario/validateScenario.js';

const shipped = fileURLToPath(new URL('../../scenarios/order-status.yaml', import.meta.url));
const bad = fileURLToPath(new URL('../fixtures/scenarios/three-mistakes.yaml', import.meta.url));

test('voiceload validate: the shipped scenario is ok with its step and row counts', async (t) => {
  if (findExecutable('espeak-ng', process.env) === undefined) return t.skip('espeak-ng not installed: its absence is a problem');
  const r = await runCli(['validate', shipped], { deadlineMs: 20_000 });
  assert.equal(r.code, 0, r.stderr);
  const steps = [...readFileSync(shipped, 'utf8').matchAll(/^ {2}- \w+:/gm)].length;
  assert.match(r.stdout, new RegExp(`^ok: ${steps} steps, 3 calls' worth of data rows`));
});

test('voiceload validate: every problem with file:line:col, exit 2', async () => {
  const r = await runCli(['validate', bad], { deadlineMs: 20_000 });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const lines = readFileSync(bad, 'utf8').split('\n');
  for (const needle of ['wait_greting', 'reply_timeout', '{{order_numbr}}']) {
    const line = lines.findIndex((l) => l.includes(needle));
    assert.ok(r.stderr.includes(`${bad}:${line + 1}:${lines[line]!.indexOf(needle) + 1}: `), `${needle} not positioned in:\n${r.stderr}`);
  }
  assert.match(r.stderr, /3 problems/);
});

test('voiceload validate: no espeak-ng on PATH is a problem with an install hint when text is spoken', async () => {
  const r = await runCli(['validate', shipped], { env: { PATH: '/nonexistent' }, deadlineMs: 20_000 });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /espeak-ng, which is not on PATH \(hint: install it \(Debian\/Ubuntu: apt-get install espeak-ng\) or use audio:/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isVoiceloadError } from '../../src/core/errors.js';
import { buildCapacityConfig } from '../../src/cli/capacityOptions.js';

const SLO = ['ttfa_ms: p(95)<1200', 'failure_rate: rate<0.01'];

test('defaults: by concurrency from 10 in steps of 10 to 2000, 10 s warmup + 60 s steps', () => {
  const c = buildCapacityConfig('s.yaml', '127.0.0.1:5060', { slo: SLO }, {});
  assert.deepEqual(c.settings, { by: 'concurrency', start: 10, ramp: { kind: 'step', step: 10 }, max: 2000, resolution: 1 });
  assert.equal(c.warmupMs, 10_000);
  assert.equal(c.stepMs, 60_000);
  assert.equal(c.remote, '127.0.0.1:5060');
  assert.deepEqual(c.slos.map((s) => s.source), SLO);
  assert.equal(c.json, false);
  assert.equal(c.probe, true);
});

test('--by rate with --factor, durations, tags, --target and the password from the environment', () => {
  const c = buildCapacityConfig(
    's.yaml',
    undefined,
    { slo: [SLO[0]!], by: 'rate', start: '2.5', factor: '1.5', max: '40', resolution: '0.5', stepDuration: '30s', warmup: '5s', target: 'sip:agent@10.0.0.1', tag: ['build=abc'], workers: '0', json: true, out: 'res' },
    { VOICELOAD_SIP_PASSWORD: 'pw' },
  );
  assert.deepEqual(c.settings, { by: 'rate', start: 2.5, ramp: { kind: 'factor', factor: 1.5 }, max: 40, resolution: 0.5 });
  assert.equal(c.stepMs, 30_000);
  assert.equal(c.warmupMs, 5000);
  assert.equal(c.remote, 'sip:agent@10.0.0.1');
  assert.deepEqual(c.tags, { build: 'abc' });
  assert.equal(c.workers, 0);
  assert.equal(c.outDir, 'res');
  assert.equal(c.password, 'pw');
  assert.equal(c.json, true);
});

test('every problem at once, as a usage error with a hint: no SLO, --step with --factor, bad numbers and durations', () => {
  try {
    buildCapacityConfig(undefined, 'h:5060', { step: '5', factor: '2', start: 'x', stepDuration: 'soon', by: 'load', target: 'sip:a@b', tag: ['nope'] }, {});
    assert.fail('expected a usage error');
  } catch (e) {
    assert.ok(isVoiceloadError(e) && e.code === 'CLI_USAGE');
    assert.ok(e.hint !== undefined && e.hint.includes('--slo'));
    for (const needle of ['no scenario', 'at least one --slo', 'exclude each other', '--start must be a number', '--step-duration', '--by must be', 'target is given twice', '--tag "nope"']) {
      assert.ok(e.message.includes(needle), `${needle} missing from:\n${e.message}`);
    }
  }
});

test('an SLO in bad threshold syntax, a start above max and a fractional concurrency are refused', () => {
  try {
    buildCapacityConfig('s.yaml', undefined, { slo: ['ttfa: p(95)<1200'], start: '50', max: '20' }, {});
    assert.fail('expected a usage error');
  } catch (e) {
    assert.ok(isVoiceloadError(e) && e.code === 'CLI_USAGE');
    assert.match(e.message, /--slo: threshold "ttfa: p\(95\)<1200"/);
    assert.match(e.message, /--start 50 is above --max 20/);
  }
  assert.throws(() => buildCapacityConfig('s.yaml', undefined, { slo: SLO, start: '2.5' }, {}), /whole number of concurrent calls/);
  assert.throws(() => buildCapacityConfig('s.xml', undefined, { slo: SLO }, {}), /YAML conversation scenarios/);
});

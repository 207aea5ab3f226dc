import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGate, parseGates } from '../../src/compare/parseGate.js';
import { VoiceloadError } from '../../src/core/errors.js';

test('relative, absolute ms/s, bare-number and rate limits', () => {
  assert.deepEqual(parseGate('ttfa_ms.p95=10%'), { source: 'ttfa_ms.p95=10%', metric: 'ttfa_ms', stat: 'p95', limit: { kind: 'relative', fraction: 0.1 } });
  assert.deepEqual(parseGate(' invite_to_answer_ms.p99 = 50ms ').limit, { kind: 'absolute', value: 50 });
  assert.deepEqual(parseGate('agent_reply_ms.mean=1.5s').limit, { kind: 'absolute', value: 1500 });
  assert.deepEqual(parseGate('greeting_ttfa_ms.max=250').limit, { kind: 'absolute', value: 250 });
  assert.deepEqual(parseGate('failure_rate.rate=0.01'), { source: 'failure_rate.rate=0.01', metric: 'failure_rate', stat: 'rate', limit: { kind: 'absolute', value: 0.01 } });
  assert.deepEqual(parseGate('rtp_loss_pct.p90=0.5').limit, { kind: 'absolute', value: 0.5 });
  assert.equal(parseGate('ttfa_ms.p50=2.5%').limit.kind, 'relative');
});

function rejects(source: string, message: RegExp, hint?: RegExp): void {
  assert.throws(
    () => parseGate(source),
    (e: unknown) => {
      assert.ok(e instanceof VoiceloadError);
      assert.equal(e.code, 'CLI_USAGE');
      assert.match(e.message, message);
      assert.ok(e.hint !== undefined && e.hint.length > 0, 'has a hint');
      if (hint !== undefined) assert.match(e.hint, hint);
      return true;
    },
  );
}

test('bad gates are CLI_USAGE errors with a hint', () => {
  rejects('ttfa_ms.p95', /expected METRIC\.STAT=LIMIT/, /ttfa_ms\.p95=10%/);
  rejects('ttfa_ms=10%', /expected METRIC\.STAT=LIMIT/);
  rejects('ttfa.p95=10%', /unknown metric "ttfa"/);
  rejects('ttfb_ms.p95=10%', /unknown metric/, /did you mean ttfa_ms/);
  rejects('ttfa_ms.p42=10%', /unknown statistic "p42"/, /p50, p90, p95, p99, mean, max/);
  rejects('ttfa_ms.rate=10%', /unknown statistic "rate"/);
  rejects('failure_rate.p95=0.01', /failure_rate takes the statistic "rate"/);
  rejects('ttfa_ms.p95=ten', /bad limit "ten"/);
  rejects('ttfa_ms.p95=-5%', /bad limit/);
  rejects('ttfa_ms.p95=', /bad limit/);
  rejects('failure_rate.rate=5ms', /is a time but failure_rate/);
});

test('parseGates reports every bad gate at once', () => {
  assert.equal(parseGates(['ttfa_ms.p95=10%', 'failure_rate.rate=0.01']).length, 2);
  assert.throws(
    () => parseGates(['ttfa_ms.p95=10%', 'nope.p95=1%', 'ttfa_ms.p95=x']),
    (e: unknown) => e instanceof VoiceloadError && e.code === 'CLI_USAGE' && e.message.includes('nope') && e.message.includes('"x"'),
  );
});

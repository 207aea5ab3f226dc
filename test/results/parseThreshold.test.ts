import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseThreshold, parseThresholdConditions } from '../../src/results/parseThreshold.js';
import { formatThreshold } from '../../src/results/threshold.js';
import { VoiceloadError } from '../../src/core/errors.js';

test('parses k6 thresholds: percentiles, named stats, every operator, several conditions', () => {
  const t = parseThreshold('ttfa_ms: p(95)<1200, p(99.9) <= 2500 ,avg<800');
  assert.equal(t.metric, 'ttfa_ms');
  assert.deepEqual(
    t.conditions.map((c) => [c.source, c.stat, c.op, c.limit]),
    [
      ['p(95)<1200', { kind: 'p', percentile: 95 }, '<', 1200],
      ['p(99.9) <= 2500', { kind: 'p', percentile: 99.9 }, '<=', 2500],
      ['avg<800', { kind: 'avg' }, '<', 800],
    ],
  );
  const text = 'ttfa_ms: p(95)<1200, p(99.9) <= 2500 ,avg<800';
  assert.deepEqual(t.conditions.map((c) => c.column), [text.indexOf('p(95)') + 1, text.indexOf('p(99.9)') + 1, text.indexOf('avg') + 1]);
  for (const op of ['<', '<=', '>', '>=', '=='] as const) assert.equal(parseThreshold(`invite_to_answer_ms: med${op}2000`).conditions[0]!.op, op);
  assert.deepEqual(parseThreshold('failure_rate: rate<0.01').conditions[0]!.stat, { kind: 'rate' });
  assert.deepEqual(parseThreshold('calls_dropped: count==0').conditions[0]!.limit, 0);
  assert.equal(parseThreshold('rtp_loss_pct: max<1e1').conditions[0]!.limit, 10);
});

test('format → parse round trip', () => {
  for (const text of ['ttfa_ms: p(95)<1200, p(99)<2000', 'failure_rate: rate<=0.05', 'barge_in_stop_ms: min>=0, max<500, count>3', 'answer_seizure_ratio: rate>0.99']) {
    const t = parseThreshold(text);
    const again = parseThreshold(formatThreshold(t));
    assert.equal(again.metric, t.metric);
    assert.deepEqual(again.conditions.map((c) => [c.stat, c.op, c.limit]), t.conditions.map((c) => [c.stat, c.op, c.limit]));
  }
});

/** Asserts a CLI_USAGE error at the column of `marker`'s first occurrence in `text` ('$': just past the end). */
function assertProblemAt(text: string, marker: string, message: RegExp, hint?: RegExp): void {
  const column = marker === '$' ? text.length + 1 : text.indexOf(marker) + 1;
  assert.ok(column > 0, `marker ${marker} not in ${text}`);
  assert.throws(
    () => parseThreshold(text),
    (e: unknown) => {
      assert.ok(e instanceof VoiceloadError);
      assert.equal(e.code, 'CLI_USAGE');
      assert.match(e.message, new RegExp(`column ${column}: `), e.message);
      assert.match(e.message, message);
      assert.match(e.hint ?? '', hint ?? /ttfa_ms: p\(95\)<1200/);
      return true;
    },
  );
}

test('syntax errors name the column and give an example', () => {
  assertProblemAt('ttfa_ms: p(95)<<1200', '<1200', /expected a number/);
  assertProblemAt('ttfa_ms: p95<1200', '95', /expected "\("/);
  assertProblemAt('ttfa_ms: p(95<1200', '<', /expected "\)"/);
  assertProblemAt('ttfa_ms: p(0)<1200', '0)', /outside \(0, 100\]/);
  assertProblemAt('ttfa_ms: p(95)=1200', '=', /use "=="/);
  assertProblemAt('ttfa_ms: p(95)<1200 p(99)<2000', 'p(99)', /separate conditions with ","/);
  assertProblemAt('ttfa_ms: p(95)<1200,', '$', /expected a condition after ","/);
  assertProblemAt('ttfa_ms: ', '$', /expected a condition such as/);
  assertProblemAt('ttfa_ms: avgg<10', 'avgg', /unknown stat "avgg"/, /did you mean "avg"/);
  assertProblemAt('ttfa_ms: rate<0.1', 'rate', /"rate" applies to failure_rate/, /ttfa_ms: p\(95\)<1200/);
  assertProblemAt('failure_rate: p(95)<1', 'p(95)', /failure_rate is a rate/);
  assertProblemAt('calls_dropped: rate<1', 'rate', /calls_dropped is a counter/);
  assert.throws(() => parseThreshold('ttfa_ms p(95)<1200'), /expected ":"/);
});

test('an unknown metric gets a did-you-mean', () => {
  assertProblemAt('  ttfa: p(95)<1200', 'ttfa', /unknown metric "ttfa"/, /did you mean "ttfa_ms"\?/);
  assertProblemAt('zzzz: p(95)<1200', 'zzzz', /unknown metric/, /metrics: .*failure_rate/);
});

test('scenario-file form: origin and column offsets are reported as given', () => {
  const t = parseThresholdConditions('ttfa_ms', 'p(95)<1200', { origin: 'agent.yaml:12:14', column: 14 });
  assert.equal(t.source, 'ttfa_ms: p(95)<1200');
  assert.equal(t.conditions[0]!.column, 14);
  assert.throws(() => parseThresholdConditions('ttfa_ms', 'p(95)<x', { origin: 'agent.yaml:12:14', column: 14 }), (e: unknown) => {
    assert.ok(e instanceof VoiceloadError);
    assert.match(e.message, /^agent\.yaml:12:14: .*column 20: expected a number/);
    return true;
  });
  assert.throws(() => parseThresholdConditions('ttfs_ms', 'p(95)<1'), /did you mean|unknown metric "ttfs_ms"/);
});

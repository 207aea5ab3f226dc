import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCapacityDoc, formatCapacityFile, parseCapacityFile } from '../../src/capacity/capacityFile.js';
import { PARTS, RESULT } from './capacityFixture.js';
import { componentsFromCapacity, mergeComponents, parseUnitCapacity, planCapacity, WHOLE_STACK } from '../../src/capacity/planCapacity.js';
import { formatPlan } from '../../src/capacity/formatPlan.js';

test('capacity.json round-trips through format and parse', () => {
  const doc = buildCapacityDoc(RESULT, { ...PARTS, deployment: { 'agent-worker': 4 } });
  assert.equal(doc.schema, 'voiceload.capacity/1');
  assert.deepEqual(parseCapacityFile(formatCapacityFile(doc), 'capacity.json'), doc);
  assert.equal(formatCapacityFile(parseCapacityFile(formatCapacityFile(doc), 'x')), formatCapacityFile(doc));
});

test('parseCapacityFile names the file and every problem', () => {
  assert.throws(() => parseCapacityFile('{', 'cap.json'), (e: Error & { code: string }) => e.code === 'CONFIG' && /^cap\.json: not JSON/.test(e.message));
  assert.throws(
    () => parseCapacityFile(JSON.stringify({ schema: 'voiceload.summary/1', by: 'calls', effectiveCapacity: -1, levels: 3, deployment: { w: 0 } }), 'cap.json'),
    (e: Error & { code: string }) =>
      e.code === 'CONFIG' && ['cap.json', 'schema', 'by must', 'effectiveCapacity', 'levels', 'deployment.w'].every((w) => e.message.includes(w)),
  );
});

test('instances = ceil(peak / (unit capacity × utilisation)); exact fits stay exact; margin and bottleneck', () => {
  const plan = planCapacity({
    by: 'concurrency',
    peak: 500,
    targetUtilization: 0.7,
    components: [parseUnitCapacity('agent-worker=10'), parseUnitCapacity('sip-trunk=250'), parseUnitCapacity('llm = 35.5')],
  });
  const byName = Object.fromEntries(plan.components.map((c) => [c.name, c]));
  assert.equal(byName['agent-worker']!.instances, 72); // 500 / 7 = 71.4
  assert.equal(byName['sip-trunk']!.instances, 3); // 500 / 175 = 2.86
  assert.equal(byName['llm']!.instances, 21); // 500 / 24.85 = 20.1
  assert.equal(byName['agent-worker']!.plannedCapacity, 720);
  assert.equal(byName['agent-worker']!.marginCalls, 220);
  assert.ok(Math.abs(byName['agent-worker']!.marginRatio - 0.44) < 1e-9);
  assert.ok(plan.components.every((c) => c.utilizationAtPeak <= 0.7 + 1e-9));
  assert.equal(plan.bottleneck, 'agent-worker');
  const exact = planCapacity({ by: 'concurrency', peak: 70, targetUtilization: 0.7, components: [parseUnitCapacity('w=10')] });
  assert.equal(exact.components[0]!.instances, 10);
  const full = planCapacity({ by: 'concurrency', peak: 70, targetUtilization: 1, components: [parseUnitCapacity('w=10')] });
  assert.equal(full.components[0]!.instances, 7);
});

test('components from a capacity result: per deployment instance, or the whole stack; --unit-capacity overrides by name', () => {
  const whole = componentsFromCapacity(buildCapacityDoc(RESULT, PARTS), 'c.json');
  assert.deepEqual(whole, [{ name: WHOLE_STACK, unitCapacity: 40, source: 'capacity' }]);
  const split = componentsFromCapacity(buildCapacityDoc(RESULT, { ...PARTS, deployment: { 'agent-worker': 4, 'sip-trunk': 1 } }), 'c.json');
  assert.deepEqual(split.map((c) => [c.name, c.unitCapacity]), [['agent-worker', 10], ['sip-trunk', 40]]);
  const merged = mergeComponents(split, [parseUnitCapacity('sip-trunk=200'), parseUnitCapacity('tts=30')]);
  assert.deepEqual(merged.map((c) => [c.name, c.unitCapacity, c.source]), [['agent-worker', 10, 'capacity'], ['sip-trunk', 200, 'unit-capacity'], ['tts', 30, 'unit-capacity']]);
  assert.throws(() => componentsFromCapacity(buildCapacityDoc({ ...RESULT, effectiveCapacity: null }, PARTS), 'c.json'), /c\.json: the capacity search found no level/);
});

test('bad plan input is a usage error listing every problem', () => {
  assert.throws(
    () => planCapacity({ by: 'concurrency', peak: -5, targetUtilization: 1.2, components: [] }),
    (e: Error & { code: string }) => e.code === 'CLI_USAGE' && /--peak/.test(e.message) && /--target-utilization/.test(e.message) && /nothing to plan/.test(e.message),
  );
  assert.throws(() => planCapacity({ by: 'concurrency', peak: 5, targetUtilization: 0, components: [parseUnitCapacity('w=1')] }), /\(0, 1\]/);
  for (const bad of ['agent-worker', '=10', 'w=', 'w=0', 'w=-3', 'w=ten']) {
    assert.throws(() => parseUnitCapacity(bad), (e: Error & { code: string }) => e.code === 'CLI_USAGE' && e.message.includes(`'${bad}'`), bad);
  }
});

test('the text table marks the bottleneck and shows the search it came from', () => {
  const doc = buildCapacityDoc(RESULT, { ...PARTS, deployment: { 'agent-worker': 4 } });
  const plan = planCapacity({ by: 'concurrency', peak: 500, targetUtilization: 0.7, components: mergeComponents(componentsFromCapacity(doc, 'c'), [parseUnitCapacity('sip-trunk=250')]) });
  const text = formatPlan(plan, doc);
  assert.match(text, /^capacity search: 40 concurrent calls met every SLO \(broke at 45 on ttfa_ms: p\(95\)<1200\)$/m);
  assert.match(text, /^bottleneck hint: STT\/LLM\/TTS queueing: ttfa_ms p95 rose 2\.3x/m);
  assert.match(text, /^peak 500 concurrent calls at 70 % target utilisation \(30 % headroom\)$/m);
  assert.match(text, /^agent-worker \*\s+10\s+72\s+720\s+69 %\s+\+220 \(\+44 %\)$/m);
  assert.match(text, /^sip-trunk\s+250\s+3\s+750\s+67 %\s+\+250 \(\+50 %\)$/m);
  assert.match(text, /^\* bottleneck: agent-worker \(10 concurrent calls per instance, 72 instances at peak\)$/m);
});

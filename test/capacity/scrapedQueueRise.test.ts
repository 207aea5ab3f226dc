import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bottleneckHint } from '../../src/capacity/bottleneckHint.js';
import { buildCapacityDoc, formatCapacityFile, parseCapacityFile } from '../../src/capacity/capacityFile.js';
import type { CapacityStepResult } from '../../src/capacity/capacityTypes.js';
import { formatCapacity } from '../../src/capacity/formatCapacity.js';
import { queueComponent, scrapedQueueRise } from '../../src/capacity/scrapedQueueRise.js';
import type { SeriesMean } from '../../src/scrape/seriesMeans.js';
import { PARTS, RESULT } from './capacityFixture.js';

const AGENT = 'http://127.0.0.1:9464/metrics';
const LLM_QUEUE = 'voiceload_agent_stage_queue_depth{stage="llm"}';

type Means = Record<string, number>;

/** A step with flat SIP-side metrics (unless `ttfaP95` says otherwise) and these scraped means. */
function step(level: number, scraped: Means, o: { ttfaP95?: number; types?: Record<string, SeriesMean['type']>; target?: string } = {}): CapacityStepResult {
  return {
    level,
    slos: [],
    failureRate: 0,
    callsAttempted: 100,
    metrics: { ttfa_ms: { p50: null, p95: o.ttfaP95 ?? 800 }, invite_to_answer_ms: { p50: null, p95: 60 } },
    rejected503: 0,
    rejected486: 0,
    scraped: Object.entries(scraped).map(([series, mean]) => ({ target: o.target ?? AGENT, series, type: o.types?.[series] ?? 'gauge', mean, samples: 10 })),
  };
}

test('no SIP-side signal degraded but the LLM queue rose: the hint rests on the scraped queue', () => {
  const steps = [
    step(10, { [LLM_QUEUE]: 0, 'voiceload_agent_stage_active{stage="llm"}': 2 }),
    step(16, { [LLM_QUEUE]: 3.2, 'voiceload_agent_stage_active{stage="llm"}': 8 }),
    step(24, { [LLM_QUEUE]: 5.14, 'voiceload_agent_stage_active{stage="llm"}': 8 }),
  ];
  assert.deepEqual(bottleneckHint(steps, null), {
    component: 'STT/LLM/TTS queueing',
    signal: LLM_QUEUE,
    fromLevel: 16,
    evidence: `${LLM_QUEUE} rose from 0.0 at level 10 to 3.2 at level 16, 5.1 at level 24 (mean per step)`,
  });
});

test('a SIP-side signal degraded too: it stays the hint and the queue is its target evidence', () => {
  const steps = [step(10, { [LLM_QUEUE]: 0.1 }), step(20, { [LLM_QUEUE]: 0.3 }, { ttfaP95: 1600 }), step(30, { [LLM_QUEUE]: 2.5 }, { ttfaP95: 2400 })];
  const hint = bottleneckHint(steps, null);
  assert.equal(hint?.signal, 'ttfa_ms');
  assert.equal(hint.fromLevel, 20);
  assert.equal(hint.targetEvidence, `${LLM_QUEUE} rose from 0.1 at level 10 to 2.5 at level 30 (mean per step)`);
  // Without scraped series the hint is as before: no targetEvidence key at all.
  const plain = bottleneckHint(steps.map(({ scraped: _s, ...rest }) => rest), null);
  assert.equal(plain?.signal, 'ttfa_ms');
  assert.equal('targetEvidence' in plain, false);
});

test('what does not count: below 1, not well above the base, cumulative series, names that are not queues, steps past the break', () => {
  const none = (steps: CapacityStepResult[], breaking: number | null = null): void => assert.equal(scrapedQueueRise(steps.filter((s) => breaking === null || s.level <= breaking)), undefined);
  none([step(10, { [LLM_QUEUE]: 0 }), step(20, { [LLM_QUEUE]: 0.9 })]);
  none([step(10, { [LLM_QUEUE]: 2 }), step(20, { [LLM_QUEUE]: 3.5 })], null); // less than twice the base
  none([step(10, { [LLM_QUEUE]: 0.6 }), step(20, { [LLM_QUEUE]: 1.4 })]); // less than 1 above it
  const cumulative = { 'voiceload_agent_stage_queue_wait_seconds_sum{stage="llm"}': 'histogram', queue_events_total: 'counter' } as const;
  none([step(10, { 'voiceload_agent_stage_queue_wait_seconds_sum{stage="llm"}': 1, queue_events_total: 1 }, { types: cumulative }), step(20, { 'voiceload_agent_stage_queue_wait_seconds_sum{stage="llm"}': 90, queue_events_total: 500 }, { types: cumulative })]);
  none([step(10, { 'voiceload_agent_stage_active{stage="llm"}': 1 }), step(20, { 'voiceload_agent_stage_active{stage="llm"}': 9 })]);
  none([step(10, { [LLM_QUEUE]: 0 }), step(20, { [LLM_QUEUE]: 0.2 }), step(40, { [LLM_QUEUE]: 6 })], 20);
  none([step(10, {})]);
  assert.equal(bottleneckHint([step(10, { [LLM_QUEUE]: 0 }), step(20, { [LLM_QUEUE]: 0.2 }), step(40, { [LLM_QUEUE]: 6 })], 20), null);
});

test('the first queue to rise wins; at one level the one that rose most; a series missing at the base counts from 0', () => {
  const steps = [
    step(10, { voiceload_agent_worker_queue: 0 }),
    step(20, { voiceload_agent_worker_queue: 1.5, [LLM_QUEUE]: 4 }),
    step(30, { voiceload_agent_worker_queue: 9, [LLM_QUEUE]: 4 }),
  ];
  const rise = scrapedQueueRise(steps);
  assert.equal(rise?.series, LLM_QUEUE);
  assert.equal(rise.fromLevel, 20);
  assert.equal(rise.evidence, `${LLM_QUEUE} rose from 0.0 at level 10 to 4.0 at level 20, 4.0 at level 30 (mean per step)`);
  const worker = scrapedQueueRise([step(10, { voiceload_agent_worker_queue: 0 }), step(20, { voiceload_agent_worker_queue: 2 })]);
  assert.equal(worker?.component, 'signalling or agent dispatch');
});

test('several targets: the evidence names the one whose queue rose', () => {
  const other = 'http://127.0.0.1:9465/metrics';
  const steps = [step(10, { pending_requests: 0 }), step(20, { pending_requests: 0 })];
  steps[0]!.scraped = [...steps[0]!.scraped!, { target: other, series: 'pending_requests', type: 'untyped', mean: 0, samples: 5 }];
  steps[1]!.scraped = [...steps[1]!.scraped!, { target: other, series: 'pending_requests', type: 'untyped', mean: 7, samples: 5 }];
  const rise = scrapedQueueRise(steps);
  assert.equal(rise?.target, other);
  assert.equal(rise.component, 'target queueing');
  assert.equal(rise.evidence, `pending_requests (${other}) rose from 0.0 at level 10 to 7.0 at level 20 (mean per step)`);
});

test('which part a queue names', () => {
  assert.equal(queueComponent('voiceload_agent_stage_queue_depth{stage="tts"}'), 'STT/LLM/TTS queueing');
  assert.equal(queueComponent('llm_requests_pending'), 'STT/LLM/TTS queueing');
  assert.equal(queueComponent('voiceload_agent_worker_queue'), 'signalling or agent dispatch');
  assert.equal(queueComponent('lk_agents_pending_jobs'), 'signalling or agent dispatch');
  assert.equal(queueComponent('sip_trunk_calls_waiting'), 'trunk or worker limits');
  assert.equal(queueComponent('http_backlog'), 'target queueing');
});

test('capacity.json stays voiceload.capacity/1: targetEvidence is optional, old files still read, the text shows it', () => {
  const withEvidence = { ...RESULT, hint: { ...RESULT.hint!, targetEvidence: `${LLM_QUEUE} rose from 0.0 at level 10 to 3.2 at level 40 (mean per step)` } };
  const doc = buildCapacityDoc(withEvidence, PARTS);
  const read = parseCapacityFile(formatCapacityFile(doc), 'capacity.json');
  assert.equal(read.schema, 'voiceload.capacity/1');
  assert.equal(read.hint?.targetEvidence, withEvidence.hint.targetEvidence);
  assert.equal(parseCapacityFile(formatCapacityFile(buildCapacityDoc(RESULT, PARTS)), 'old.json').hint?.targetEvidence, undefined);
  assert.match(formatCapacity(doc, []), /\ntarget metrics: voiceload_agent_stage_queue_depth\{stage="llm"\} rose from 0\.0 at level 10 to 3\.2 at level 40/);
  assert.doesNotMatch(formatCapacity(buildCapacityDoc(RESULT, PARTS), []), /target metrics/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentMetrics } from '../../src/agent/agentMetrics.js';
import { formatPrometheusText, formatSeriesKey } from '../../src/scrape/formatPrometheusText.js';
import { parsePrometheusText, parseSeriesKey } from '../../src/scrape/parsePrometheusText.js';
import type { PromParseResult, PromText } from '../../src/scrape/promText.js';

const textOf = (p: PromParseResult): PromText => ({ types: p.types, help: p.help, samples: p.samples });

/** The simulated agent's real /metrics bytes (prom-client), with some calls and stage timings in. */
async function agentExposition(): Promise<string> {
  const metrics = new AgentMetrics({
    activeCalls: () => 7,
    busyWorkerSlots: () => 6,
    totalWorkerSlots: () => 9,
    workersWaiting: () => 1,
    trunkChannelsInUse: () => 7,
    stageQueueDepth: (s) => (s === 'llm' ? 3 : 0),
    stageActive: (s) => (s === 'llm' ? 4 : 1),
  });
  metrics.callEnded('completed');
  metrics.callEnded('sip_503');
  metrics.stageDone('llm', 120, 480);
  metrics.turnAnswered(900);
  return metrics.registry.metrics();
}

test('prom-client output of the simulated agent: every line read, types and help kept, gauges as served', async () => {
  const text = await agentExposition();
  const p = parsePrometheusText(text);
  assert.equal(p.malformed, 0, JSON.stringify(p.problems));
  assert.equal(p.types.get('voiceload_agent_stage_queue_depth'), 'gauge');
  assert.equal(p.types.get('voiceload_agent_stage_queue_wait_seconds'), 'histogram');
  assert.equal(p.types.get('voiceload_agent_calls_total'), 'counter');
  assert.equal(p.help.get('voiceload_agent_stage_queue_depth'), 'Requests waiting per stage');
  const value = (key: string): number | undefined => p.samples.find((s) => formatSeriesKey(s.name, s.labels) === key)?.value;
  assert.equal(value('voiceload_agent_stage_queue_depth{stage="llm"}'), 3);
  assert.equal(value('voiceload_agent_stage_active{stage="llm"}'), 4);
  assert.equal(value('voiceload_agent_active_calls'), 7);
  assert.equal(value('voiceload_agent_calls_total{outcome="sip_503"}'), 1);
  assert.equal(value('voiceload_agent_stage_queue_wait_seconds_sum{stage="llm"}'), 0.12);
  assert.equal(value('voiceload_agent_stage_queue_wait_seconds_bucket{le="+Inf",stage="llm"}'), 1);
});

test('round trip on real bytes: parse(format(parse(text))) is parse(text)', async () => {
  const first = parsePrometheusText(await agentExposition());
  const again = parsePrometheusText(formatPrometheusText(textOf(first)));
  assert.deepEqual(textOf(again), textOf(first));
  assert.equal(again.malformed, 0);
});

test('odd but valid input: escapes, NaN, ±Inf, timestamps, blank lines, CRLF, trailing comma, spaces, exemplars, # EOF', () => {
  const text = [
    '# A plain comment',
    '',
    '# HELP odd Help with a backslash \\\\ and a\\nnewline',
    '# TYPE odd gauge',
    'odd{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",tab="a\\tb",} 1.5e3 1700000000000\r',
    'odd{path="x"} NaN',
    'odd { path = "y" } +Inf',
    '   odd{path="z"}\t-Inf',
    'bare 42',
    'empty{} -0.25',
    'weird:name_total 3 # {trace_id="abc"} 1 1700000000.1',
    '',
    '# EOF',
    '',
  ].join('\n');
  const p = parsePrometheusText(text);
  assert.deepEqual(p.problems, []);
  assert.equal(p.eof, true);
  assert.equal(p.help.get('odd'), 'Help with a backslash \\ and a\nnewline');
  const [first, nan, inf, ninf, bare, empty, weird] = p.samples;
  assert.deepEqual(first, {
    name: 'odd',
    labels: [
      { name: 'path', value: 'C:\\dir' },
      { name: 'quote', value: 'say "hi"' },
      { name: 'nl', value: 'a\nb' },
      // An unknown escape is kept as written (as Prometheus does).
      { name: 'tab', value: 'a\\tb' },
    ],
    value: 1500,
    timestamp: 1700000000000,
  });
  assert.ok(Number.isNaN(nan!.value));
  assert.equal(inf!.value, Infinity);
  assert.deepEqual(inf!.labels, [{ name: 'path', value: 'y' }]);
  assert.equal(ninf!.value, -Infinity);
  assert.deepEqual(bare, { name: 'bare', labels: [], value: 42 });
  assert.deepEqual(empty, { name: 'empty', labels: [], value: -0.25 });
  assert.deepEqual(weird, { name: 'weird:name_total', labels: [], value: 3 });
  // And it survives its own round trip.
  assert.deepEqual(textOf(parsePrometheusText(formatPrometheusText(textOf(p)))), textOf(p));
});

test('malformed lines are counted and skipped with their line numbers; the good ones are kept', () => {
  const text = [
    'good 1', // 1
    '1bad 2', // 2: name starts with a digit
    'nolabelend{a="x" 3', // 3
    'unterminated{a="x} 4', // 4
    'novalue{a="x"}', // 5
    'word{a="x"} abc', // 6
    'twice{a="1",a="2"} 1', // 7
    'unquoted{a=x} 1', // 8
    'toomany 1 2 3', // 9
    '# TYPE good gauge', // 10
    '# TYPE good counter', // 11: a second TYPE
    '# TYPE other flavour', // 12: unknown type
    'badts 1 soon', // 13
    'good2 2', // 14
    '# EOF', // 15
    'after 1', // 16: after EOF
  ].join('\n');
  const p = parsePrometheusText(text);
  assert.deepEqual(
    p.samples.map((s) => s.name),
    ['good', 'good2'],
  );
  assert.deepEqual(
    p.problems.map((x) => x.line),
    [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16],
  );
  assert.equal(p.malformed, 12);
  assert.equal(p.types.get('good'), 'gauge', 'the first TYPE stands');
  assert.match(p.problems.find((x) => x.line === 7)!.message, /label a given twice/);
});

test('never throws on junk: random bytes and cut-off expositions', async () => {
  const real = await agentExposition();
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const alphabet = 'ab_{}="\\,\n #0.9e+-InfNaN\t:';
  for (let i = 0; i < 500; i++) {
    const junk = Array.from({ length: Math.floor(rand() * 200) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    const p = parsePrometheusText(junk);
    assert.ok(p.malformed >= 0 && p.problems.length <= 20);
    const cut = real.slice(0, Math.floor(rand() * real.length));
    const q = parsePrometheusText(cut);
    assert.ok(q.malformed <= 1, `a cut-off exposition loses at most its last line (${q.malformed})`);
  }
});

test('series keys: formatted as exposition syntax and read back', () => {
  const labels = [
    { name: 'stage', value: 'llm' },
    { name: 'odd', value: 'a "b" \\ c\nd' },
  ];
  const key = formatSeriesKey('voiceload_agent_stage_queue_depth', labels);
  assert.equal(key, 'voiceload_agent_stage_queue_depth{stage="llm",odd="a \\"b\\" \\\\ c\\nd"}');
  assert.deepEqual(parseSeriesKey(key), { name: 'voiceload_agent_stage_queue_depth', labels });
  assert.deepEqual(parseSeriesKey('plain'), { name: 'plain', labels: [] });
  assert.equal(parseSeriesKey('plain 1'), undefined);
  assert.equal(parseSeriesKey('x{a="1"'), undefined);
});

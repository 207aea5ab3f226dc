import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeLabelValue, formatOpenMetrics, formatValue, sanitizeLabelName } from '../../src/report/formatOpenMetrics.js';
import { summaryDocFixture } from './summaryDocFixture.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Reads the text back: metadata per family, samples with unescaped labels; throws on a malformed line. */
function parseMetricsText(text: string): { types: Map<string, string>; units: Map<string, string>; helps: Set<string>; samples: Sample[]; eof: boolean } {
  const types = new Map<string, string>();
  const units = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  let eof = false;
  assert.ok(text.endsWith('\n'), 'ends with a line feed');
  for (const line of text.slice(0, -1).split('\n')) {
    assert.ok(!eof, 'nothing after # EOF');
    if (line === '# EOF') {
      eof = true;
      continue;
    }
    const meta = /^# (TYPE|UNIT|HELP) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta !== null) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (kind === 'TYPE') {
        assert.ok(!types.has(name), `TYPE ${name} twice`);
        assert.match(rest, /^(counter|gauge|summary|histogram|info|stateset|unknown|untyped)$/);
        types.set(name, rest);
      } else if (kind === 'UNIT') units.set(name, rest);
      else helps.add(name);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (\S+)$/.exec(line);
    assert.ok(m !== null, `malformed line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      const name = l[1] as string;
      assert.ok(!(name in labels), `label ${name} twice in: ${line}`);
      labels[name] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const raw = m[3] as string;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    assert.ok(raw === 'NaN' || !Number.isNaN(value), `bad value in: ${line}`);
    samples.push({ name: m[1] as string, labels, value });
  }
  return { types, units, helps, samples, eof };
}

const labels = { run_id: 'r1', scenario: 'order status', build: 'abc123' };
const find = (samples: Sample[], name: string, extra: Record<string, string> = {}): Sample | undefined =>
  samples.find((s) => s.name === name && Object.entries(extra).every(([k, v]) => s.labels[k] === v));

test('OpenMetrics: every family has TYPE and HELP before its samples, counters end in _total, text ends with # EOF', () => {
  const text = formatOpenMetrics(summaryDocFixture(), { labels });
  const parsed = parseMetricsText(text);
  assert.equal(parsed.eof, true);
  for (const [name] of parsed.types) assert.ok(parsed.helps.has(name), `HELP for ${name}`);
  for (const s of parsed.samples) {
    const family = [...parsed.types.keys()].find((f) => s.name === f || /^_(total|count|sum)$/.test(s.name.slice(f.length)) && s.name.startsWith(f));
    assert.ok(family !== undefined, `no family for ${s.name}`);
    assert.ok(text.indexOf(`# TYPE ${family} `) < text.indexOf(`\n${s.name}`), `TYPE of ${family} before its samples`);
    assert.deepEqual({ run_id: s.labels['run_id'], scenario: s.labels['scenario'], build: s.labels['build'] }, labels);
  }
  assert.equal(parsed.types.get('voiceload_calls_attempted'), 'counter');
  assert.equal(find(parsed.samples, 'voiceload_calls_attempted_total')?.value, 10);
  assert.equal(find(parsed.samples, 'voiceload_calls_dropped_total')?.value, 2);
  assert.equal(find(parsed.samples, 'voiceload_call_failures_total', { reason: 'sip_503' })?.value, 1);
  assert.equal(parsed.types.get('voiceload_failure_rate'), 'gauge');
  assert.equal(find(parsed.samples, 'voiceload_failure_rate')?.value, 0.1);
  assert.equal(find(parsed.samples, 'voiceload_answer_seizure_ratio')?.value, 0.9);
  assert.equal(find(parsed.samples, 'voiceload_thresholds_passed')?.value, 0);
  assert.equal(find(parsed.samples, 'voiceload_run_duration_seconds')?.value, 90.5);
  assert.ok(!text.includes('_created'));
});

test('OpenMetrics: histogram metrics are summaries in base units: *_ms in seconds, rtp_loss_pct as a ratio', () => {
  const doc = summaryDocFixture();
  const parsed = parseMetricsText(formatOpenMetrics(doc, { labels }));
  assert.equal(parsed.types.get('voiceload_ttfa_seconds'), 'summary');
  assert.equal(parsed.units.get('voiceload_ttfa_seconds'), 'seconds');
  assert.ok(!parsed.types.has('voiceload_ttfa_ms'));
  const ttfa = doc.metrics.ttfa_ms;
  for (const [q, key] of [['0.5', 'p50'], ['0.9', 'p90'], ['0.95', 'p95'], ['0.99', 'p99']] as const) {
    const s = find(parsed.samples, 'voiceload_ttfa_seconds', { quantile: q });
    assert.ok(s !== undefined, `quantile ${q}`);
    assert.ok(Math.abs(s.value - (ttfa[key] as number) / 1000) < 1e-9, `quantile ${q} in seconds`);
  }
  assert.equal(find(parsed.samples, 'voiceload_ttfa_seconds_count')?.value, 10);
  const sum = find(parsed.samples, 'voiceload_ttfa_seconds_sum')?.value as number;
  assert.ok(Math.abs(sum - ((ttfa.mean as number) * 10) / 1000) < 1e-9, `sum = mean × count in seconds: ${sum}`);
  assert.ok(Math.abs(sum - 5.5) < 0.01);
  assert.equal(parsed.units.get('voiceload_rtp_loss_ratio'), 'ratio');
  const loss = find(parsed.samples, 'voiceload_rtp_loss_ratio', { quantile: '0.99' })?.value as number;
  assert.ok(Math.abs(loss - 0.04) < 0.0001, `4 % as a ratio: ${loss}`);
  // A metric without samples: count and sum 0, no quantiles.
  assert.equal(find(parsed.samples, 'voiceload_barge_in_stop_seconds_count')?.value, 0);
  assert.equal(find(parsed.samples, 'voiceload_barge_in_stop_seconds', { quantile: '0.5' }), undefined);
});

test('OpenMetrics: label values are escaped and read back; label names are sanitised; per-sample names are not overridden', () => {
  const nasty = 'a "quoted" \\ back\nslash';
  const text = formatOpenMetrics(summaryDocFixture(), { labels: { run_id: 'r1', 'build.id': nasty, '9lives': 'x', quantile: 'no' } });
  assert.ok(text.includes('build_id="a \\"quoted\\" \\\\ back\\nslash"'));
  const parsed = parseMetricsText(text);
  const s = find(parsed.samples, 'voiceload_calls_failed_total');
  assert.equal(s?.labels['build_id'], nasty);
  assert.equal(s?.labels['_9lives'], 'x');
  assert.equal(find(parsed.samples, 'voiceload_ttfa_seconds', { quantile: '0.5' })?.labels['quantile'], '0.5');
  assert.equal(escapeLabelValue('x\\"\n'), 'x\\\\\\"\\n');
  assert.equal(sanitizeLabelName('a-b c'), 'a_b_c');
});

test('Prometheus 0.0.4 variant: no # EOF, no # UNIT, counters typed by their _total name', () => {
  const text = formatOpenMetrics(summaryDocFixture(), { labels, variant: 'prometheus' });
  assert.ok(!text.includes('# EOF'));
  assert.ok(!text.includes('# UNIT'));
  assert.ok(!text.includes('_created'));
  const parsed = parseMetricsText(text);
  assert.equal(parsed.types.get('voiceload_calls_attempted_total'), 'counter');
  assert.equal(parsed.types.get('voiceload_ttfa_seconds'), 'summary');
  assert.equal(find(parsed.samples, 'voiceload_calls_attempted_total')?.value, 10);
});

test('values: float noise dropped, NaN and infinities spelled as the format wants', () => {
  assert.equal(formatValue(0.1 + 0.2), '0.3');
  assert.equal(formatValue(NaN), 'NaN');
  assert.equal(formatValue(Infinity), '+Inf');
  assert.equal(formatValue(-Infinity), '-Inf');
  assert.equal(formatValue(12), '12');
});

test('OpenMetrics: the per-turn stage metrics (run --livekit) are summaries like the others; a run without them has none', () => {
  const doc = summaryDocFixture();
  const plain = parseMetricsText(formatOpenMetrics(doc, { labels }));
  assert.ok(![...plain.types.keys()].some((f) => f === 'voiceload_llm_ttft_seconds' || f === 'voiceload_eou_delay_seconds'));
  const llm = { unit: 'ms' as const, count: 4, min: 300, mean: 450, p50: 400, p90: 600, p95: 600, p99: 600, max: 600 };
  const parsed = parseMetricsText(formatOpenMetrics({ ...doc, metrics: { ...doc.metrics, llm_ttft_ms: llm } }, { labels }));
  assert.equal(parsed.types.get('voiceload_llm_ttft_seconds'), 'summary');
  assert.equal(find(parsed.samples, 'voiceload_llm_ttft_seconds', { quantile: '0.95' })?.value, 0.6);
  assert.equal(find(parsed.samples, 'voiceload_llm_ttft_seconds_count')?.value, 4);
  assert.ok(Math.abs((find(parsed.samples, 'voiceload_llm_ttft_seconds_sum')?.value ?? 0) - 1.8) < 1e-9);
});

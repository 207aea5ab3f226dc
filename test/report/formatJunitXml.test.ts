import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAILURE_RATE_CASE, formatJunitXml } from '../../src/report/formatJunitXml.js';
import { evaluateThresholds } from '../../src/results/evaluateThresholds.js';
import { parseThreshold } from '../../src/results/parseThreshold.js';
import { summaryDocFixture } from './summaryDocFixture.js';

/** A tiny XML reader for the test: elements, attributes (entities decoded), text; throws on bad nesting. */
interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const decode = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return named[e] as string;
  });

function parseXml(xml: string): El {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  assert.ok(!/&(?!(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);)/i.test(body), 'a bare & in the XML');
  const root: El = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = token.exec(body)) !== null) {
    pos = token.lastIndex;
    const top = stack[stack.length - 1] as El;
    if (m[1] !== undefined) {
      assert.equal(top.name, m[1], `closing </${m[1]}> inside <${top.name}>`);
      stack.pop();
    } else if (m[2] !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of (m[3] ?? '').matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1] as string] = decode(a[2] as string);
      const el: El = { name: m[2], attrs, children: [], text: '' };
      top.children.push(el);
      if (m[4] !== '/') stack.push(el);
    } else {
      assert.ok(!(m[5] ?? '').includes('>'), 'a bare > in character data');
      top.text += decode(m[5] ?? '');
    }
  }
  assert.equal(pos, body.length, `unparsed XML from: ${body.slice(pos, pos + 40)}`);
  assert.equal(stack.length, 1, 'unclosed elements');
  return root.children[0] as El;
}

const child = (el: El, name: string): El[] => el.children.filter((c) => c.name === name);

test('JUnit: one suite named after the scenario, a case per threshold condition and the failure-rate case', () => {
  const doc = summaryDocFixture();
  const root = parseXml(formatJunitXml(doc, { scenario: 'order status', runId: 'r1', maxFailureRate: 0.2 }));
  assert.equal(root.name, 'testsuites');
  const [suite] = child(root, 'testsuite');
  assert.ok(suite !== undefined);
  assert.equal(suite.attrs['name'], 'voiceload: order status');
  assert.equal(suite.attrs['tests'], '3');
  assert.equal(suite.attrs['failures'], '1');
  assert.equal(suite.attrs['time'], '90.500');
  assert.equal(suite.attrs['timestamp'], '2025-03-01T10:00:00.000Z');
  const props = Object.fromEntries(child(child(suite, 'properties')[0] as El, 'property').map((p) => [p.attrs['name'], p.attrs['value']]));
  assert.equal(props['run_id'], 'r1');
  assert.equal(props['tag.build'], 'abc123');
  assert.equal(props['scenario'], 'order status');
  const cases = child(suite, 'testcase');
  assert.deepEqual(cases.map((c) => [c.attrs['name'], c.attrs['classname']]), [
    ['ttfa_ms: p(95)<800', 'ttfa_ms'],
    ['calls_dropped: count<5', 'calls_dropped'],
    [FAILURE_RATE_CASE, 'failure_rate'],
  ]);
  const failure = child(cases[0] as El, 'failure')[0];
  assert.ok(failure !== undefined);
  // HDR buckets: within 0.1 % of 1000 ms.
  assert.match(failure.attrs['message'] ?? '', /^ttfa_ms p\(95\) = 1000(\.\d{1,3})? ms, limit < 800 ms$/);
  assert.equal(failure.text, failure.attrs['message']);
  assert.equal(child(cases[1] as El, 'failure').length, 0);
  assert.equal(child(cases[2] as El, 'failure').length, 0, '0.1 failed is within --max-failure-rate 0.2');
});

test('JUnit: the failure-rate case fails above --max-failure-rate; defaults come from summary.json config', () => {
  const root = parseXml(formatJunitXml(summaryDocFixture()));
  const suite = child(root, 'testsuite')[0] as El;
  assert.equal(suite.attrs['name'], 'voiceload: scenarios/order-status.yaml');
  assert.equal(suite.attrs['failures'], '2');
  const rateCase = child(suite, 'testcase').find((c) => c.attrs['name'] === FAILURE_RATE_CASE) as El;
  assert.equal(child(rateCase, 'failure')[0]?.attrs['message'], 'failure_rate = 0.1 (1 of 10 calls failed), max-failure-rate 0');
});

test('JUnit: <>&"\' and newlines in threshold text and tag values are escaped and read back unchanged', () => {
  const nasty = `a<b> & "c" 'd'\nnext`;
  const doc = summaryDocFixture({ build: nasty, [`we<ird"&`]: 'x' });
  const first = doc.thresholds.results[0];
  assert.ok(first !== undefined);
  doc.thresholds.results[0] = { ...first, source: `ttfa_ms: p(95)<800 & "quoted" <x>`, note: 'n' };
  const xml = formatJunitXml(doc, { scenario: `s&<"x">`, stoppedBy: 'interrupted' });
  const suite = child(parseXml(xml), 'testsuite')[0] as El;
  assert.equal(suite.attrs['name'], `voiceload: s&<"x">`);
  const props = Object.fromEntries(child(child(suite, 'properties')[0] as El, 'property').map((p) => [p.attrs['name'], p.attrs['value']]));
  assert.equal(props['tag.build'], nasty);
  assert.equal(props[`tag.we<ird"&`], 'x');
  assert.equal(props['stopped_by'], 'interrupted');
  assert.equal(child(suite, 'testcase')[0]?.attrs['name'], `ttfa_ms: p(95)<800 & "quoted" <x>`);
});

test('JUnit: characters XML cannot carry become U+FFFD', () => {
  const suite = child(parseXml(formatJunitXml(summaryDocFixture({ build: 'a\u0001b' }))), 'testsuite')[0] as El;
  const props = child(child(suite, 'properties')[0] as El, 'property');
  assert.equal(props.find((p) => p.attrs['name'] === 'tag.build')?.attrs['value'], 'a\uFFFDb');
});

test('JUnit: a threshold without a measured value fails with the reason', () => {
  const doc = summaryDocFixture();
  const first = doc.thresholds.results[0];
  assert.ok(first !== undefined);
  doc.thresholds.results[0] = { ...first, actual: null, note: 'ttfa_ms has no samples in this run' };
  const suite = child(parseXml(formatJunitXml(doc)), 'testsuite')[0] as El;
  const msg = child(child(suite, 'testcase')[0] as El, 'failure')[0]?.attrs['message'];
  assert.equal(msg, 'ttfa_ms p(95): no value (ttfa_ms has no samples in this run), limit < 800 ms');
});

test('JUnit: a threshold on a stage metric (llm_ttft_ms) is a test case like any other', () => {
  const doc = summaryDocFixture();
  const llm = { unit: 'ms' as const, count: 4, min: 300, mean: 450, p50: 400, p90: 600, p95: 600, p99: 600, max: 600 };
  const withStage = { ...doc, metrics: { ...doc.metrics, llm_ttft_ms: llm } };
  const results = evaluateThresholds([parseThreshold('llm_ttft_ms: p(95)<500')], withStage);
  const root = parseXml(formatJunitXml({ ...withStage, thresholds: { passed: false, results } }, { scenario: 's' }));
  const cases = child(child(root, 'testsuite')[0] as El, 'testcase');
  assert.deepEqual([cases[0]!.attrs['name'], cases[0]!.attrs['classname']], ['llm_ttft_ms: p(95)<500', 'llm_ttft_ms']);
  assert.equal(child(cases[0] as El, 'failure')[0]?.attrs['message'], 'llm_ttft_ms p(95) = 600 ms, limit < 500 ms');
});

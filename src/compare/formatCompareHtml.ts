import { escapeHtml as e } from '../report/html/escapeHtml.js';
import type { Comparison, MetricComparison, RunInfo, StatChange } from './comparison.js';
import { attributionText, changeText, num, runName, unitOf, signedPct } from './compareText.js';
import { formatP } from './compareRuns.js';
import { formatLimit } from './regressionGate.js';

/** The normal approximation of Mann–Whitney is good from about this many values per run (mannWhitney.ts). */
const FEW_SAMPLES = 8;

// No script, no external resource: the CSP forbids every fetch, so the page works as a CI artifact offline.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1300px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
.meta { color: #555; } .tag { display: inline-block; background: #eef; border-radius: 3px; padding: 0 6px; margin-right: 4px; }
.banner { border: 2px solid; border-radius: 6px; padding: 10px 14px; margin: 16px 0; }
.banner .v { font-size: 18px; font-weight: 700; } .banner ul { margin: 6px 0 0; }
.banner.pass { border-color: #2ca02c; background: #eef8ee; } .banner.pass .v { color: #1d7a1d; }
.banner.fail { border-color: #d62728; background: #fdeeee; } .banner.fail .v { color: #b11b1b; }
.banner.info { border-color: #999; background: #f6f6f6; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: right; } th { background: #f5f5f5; }
td.t, th.t { text-align: left; } tr.first td { border-top: 2px solid #bbb; }
tr.regressed td { background: #fdeeee; } tr.improved td { background: #eef8ee; }
.worse, .fail { color: #b11b1b; font-weight: 600; } .better, .pass { color: #1d7a1d; } .same, .nodata { color: #666; }
.bar { position: relative; display: inline-block; width: 180px; height: 14px; background: #f1f1f1; vertical-align: middle; }
.bar .axis { position: absolute; left: 50%; top: 0; bottom: 0; border-left: 1px solid #777; }
.bar .fill { position: absolute; top: 3px; height: 8px; background: #999; }
.bar .fill.worse { background: #d62728; } .bar .fill.better { background: #2ca02c; }
.bar .ci { position: absolute; top: 2px; height: 10px; box-sizing: border-box; border-left: 2px solid #222; border-right: 2px solid #222; }
.bar .ci::after { content: ''; position: absolute; left: 0; right: 0; top: 4px; border-top: 2px solid #222; }
.bar .limit { position: absolute; top: 0; bottom: 0; border-left: 2px dashed #b11b1b; }
.none { color: #777; font-style: italic; } code { background: #f3f3f3; padding: 0 3px; }
`;

type Direction = 'worse' | 'better' | 'same';

/**
 * Pure: the comparison as one self-contained HTML page (no script, no network) for a CI artifact:
 * the verdict, the two runs and their tags, the gates, every metric with bars of the relative
 * change (a gate's bar also shows the bootstrap interval and the limit), and notes. The same facts
 * as the markdown; colour is always doubled by text (FAIL, worse, better).
 */
export function formatCompareHtml(c: Comparison): string {
  const title = `voiceload compare: ${runName(c.candidate, 'candidate')} vs ${runName(c.baseline, 'baseline')}`;
  const scale = barScale(c);
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title>`,
    `<style>${PAGE_CSS}</style>`,
    '</head><body>',
    `<h1>${e(title)}</h1>`,
    `<div class="meta">candidate <code>${e(c.candidate.dir)}</code> vs baseline <code>${e(c.baseline.dir)}</code></div>`,
    verdict(c),
    attribution(c),
    runs(c),
    gates(c, scale),
    metrics(c, scale),
    notes(c),
    `<p class="meta">schema ${e(c.schema)} · α = ${c.alpha} · bootstrap seed ${c.seed} (the same seed gives the same page)</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

function verdict(c: Comparison): string {
  const failed = c.gates.filter((g) => g.status === 'fail');
  const noData = c.gates.filter((g) => g.status === 'no_data');
  const warn = noData.length === 0 ? '' : `<div class="nodata">⚠ ${noData.length} gate${noData.length === 1 ? '' : 's'} had no data: ${noData.map((g) => `<code>${e(g.source)}</code>`).join(', ')}</div>`;
  if (c.gates.length === 0) {
    return '<div class="banner info" id="verdict" data-status="ungated"><div class="v">No regression gates were given (<code>--max-regression</code>)</div>The tables below are for reading; nothing passed or failed.</div>';
  }
  if (failed.length === 0) {
    return `<div class="banner pass" id="verdict" data-status="passed"><div class="v">✅ PASSED: no significant regression beyond the limits</div>${c.gates.length} gate${c.gates.length === 1 ? '' : 's'}, α = ${c.alpha}.${warn}</div>`;
  }
  const items = failed.map((g) => `<li><code>${e(g.source)}</code>: ${e(g.note)}</li>`).join('');
  return `<div class="banner fail" id="verdict" data-status="regressed"><div class="v">❌ REGRESSED: ${failed.map((g) => `${e(g.metric)} ${e(g.stat)}`).join(', ')}</div>${failed.length} of ${c.gates.length} gates failed (α = ${c.alpha}):<ul>${items}</ul>${warn}</div>`;
}

function attribution(c: Comparison): string {
  const a = c.attribution;
  if (a === undefined) return '';
  return `<p id="attribution" data-direction="${a.direction}" data-stage="${e(a.stage?.metric ?? '')}"><b>Attributed to</b>: ${e(attributionText(a))}.</p>`;
}

function runs(c: Comparison): string {
  const row = (label: string, r: RunInfo): string => {
    const tags = Object.entries(r.tags).map(([k, v]) => `<span class="tag">${e(k)}=${e(v)}</span>`).join('');
    return `<tr><td class="t">${label}</td><td class="t"><code>${e(r.dir)}</code></td><td class="t">${tags === '' ? '—' : tags}</td><td>${r.callsAttempted}</td><td class="t">${e(r.startedAt)}</td><td>${Math.round(r.durationMs / 100) / 10} s</td></tr>`;
  };
  return `<h2>Runs</h2><table id="runs"><tr><th class="t"></th><th class="t">directory</th><th class="t">tags</th><th>calls</th><th class="t">started</th><th>duration</th></tr>${row('baseline', c.baseline)}${row('candidate', c.candidate)}</table>`;
}

function gates(c: Comparison, scale: number): string {
  if (c.gates.length === 0) return '';
  const rows = c.gates.map((g) => {
    const unit = unitOf(g.metric);
    const status = g.status === 'fail' ? '<span class="fail">❌ FAIL</span>' : g.status === 'no_data' ? '<span class="nodata">⚠ no data</span>' : '<span class="pass">✅ pass</span>';
    const ci = g.interval === null ? '—' : `[${num(g.interval.low)}, ${num(g.interval.high)}]${unit === '' ? '' : ` ${unit}`}`;
    const base = g.value.baseline;
    const rel = (v: number): number | null => (base === null || base === 0 ? null : v / base);
    const low = g.interval === null ? null : rel(g.interval.low);
    const high = g.interval === null ? null : rel(g.interval.high);
    const limitRel = g.limit.kind === 'relative' ? g.limit.fraction : rel(g.limit.value);
    const bar = changeBar(g.value.relativeChange, g.status === 'fail' ? 'worse' : 'same', scale, low === null || high === null ? null : [low, high], limitRel);
    return `<tr${classAttr(g.status === 'fail' ? 'regressed' : '')} data-gate="${e(g.source)}" data-status="${g.status}"><td class="t">${status}</td><td class="t"><code>${e(g.source)}</code></td><td>${num(base)}</td><td>${num(g.value.candidate)}</td><td>${changeText(g.value)}</td><td class="t">${bar}</td><td>${e(formatLimit(g.limit, unit))}</td><td>${g.pValue === null ? '—' : e(formatP(g.pValue))}</td><td>${ci}</td><td class="t">${e(g.note)}</td></tr>`;
  });
  return [
    '<h2>Gates</h2>',
    `<p>A gate fails when the candidate is worse by more than its limit <b>and</b> the change is significant (p &lt; ${c.alpha}; for a percentile, the bootstrap interval of the change lies above 0). Bar: relative change; black whisker: its confidence interval; dashed red line: the limit.</p>`,
    '<table id="gates"><tr><th class="t">verdict</th><th class="t">gate</th><th>baseline</th><th>candidate</th><th>change</th><th class="t">relative change</th><th>limit</th><th>p</th><th>CI of change</th><th class="t">why</th></tr>',
    ...rows,
    '</table>',
  ].join('\n');
}

function metrics(c: Comparison, scale: number): string {
  const rows = c.metrics.flatMap((m) => metricRows(m, c, scale));
  return [
    '<h2>Metrics</h2>',
    `<p>Changes are candidate − baseline (higher is worse for every metric); p is the two-sided Mann–Whitney U test on the per-sample values, significant when p &lt; ${c.alpha}. Bars span ±${pct(scale)}.</p>`,
    '<table id="metrics"><tr><th class="t">metric</th><th class="t">stat</th><th>baseline</th><th>candidate</th><th>change</th><th class="t">relative change</th><th>n (base / cand)</th><th>p</th><th class="t">significant</th><th class="t">gate</th></tr>',
    ...rows,
    '</table>',
  ].join('\n');
}

function metricRows(m: MetricComparison, c: Comparison, scale: number): string[] {
  const dir = direction(m);
  const cls = dir === 'worse' ? 'regressed' : dir === 'better' ? 'improved' : '';
  const sig = dir === 'worse' ? '<span class="worse">▲ yes, worse</span>' : dir === 'better' ? '<span class="better">▼ yes, better</span>' : '<span class="same">no</span>';
  const entries = Object.entries(m.stats) as [string, StatChange][];
  return entries.map(([stat, v], i) => {
    const first = i === 0;
    const gated = c.gates.filter((g) => g.metric === m.metric && g.stat === stat);
    const gate = gated.length === 0 ? '—' : gated.map((g) => (g.status === 'fail' ? '<span class="fail">❌ FAIL</span>' : g.status === 'no_data' ? '<span class="nodata">⚠ no data</span>' : '<span class="pass">✅ pass</span>') + ` ${e(formatLimit(g.limit, unitOf(g.metric)))}`).join('<br>');
    return `<tr${classAttr(first ? 'first' : '', cls)} data-metric="${e(m.metric)}" data-stat="${e(stat)}"><td class="t">${first ? `<code>${e(m.metric)}</code> (${m.unit})` : ''}</td><td class="t">${e(stat)}</td><td>${num(v.baseline)}</td><td>${num(v.candidate)}</td><td>${changeText(v)}</td><td class="t">${changeBar(v.relativeChange, dir, scale, null, null)}</td><td>${first ? `${m.baselineCount} / ${m.candidateCount}` : ''}</td><td>${first ? e(formatP(m.test.pValue)) : ''}</td><td class="t">${first ? sig : ''}</td><td class="t">${gate}</td></tr>`;
  });
}

function notes(c: Comparison): string {
  const out: string[] = [];
  if (c.gates.length === 0) out.push('No regression gates were given (<code>--max-regression</code>): the tables are for reading.');
  for (const m of c.metrics) {
    if (m.baselineCount < FEW_SAMPLES || m.candidateCount < FEW_SAMPLES) {
      out.push(`<code>${e(m.metric)}</code>: too few samples (${m.baselineCount} baseline / ${m.candidateCount} candidate); the Mann–Whitney test needs about ${FEW_SAMPLES} per run, so its p-value is only rough.`);
    }
  }
  for (const g of c.gates) if (g.status === 'no_data') out.push(`<code>${e(g.source)}</code>: ${e(g.note)}; the gate neither passed nor failed.`);
  for (const g of c.gates) if (g.status === 'pass' && g.overLimit) out.push(`<code>${e(g.source)}</code>: ${e(g.note)}.`);
  const body = out.length === 0 ? '<p class="none">Nothing to note.</p>' : `<ul id="notes">${out.map((n) => `<li>${n}</li>`).join('')}</ul>`;
  return `<h2>Notes</h2>\n${body}`;
}

/** Significant and which way: the sign of z says whether the candidate's values tend to be higher. */
function direction(m: MetricComparison): Direction {
  if (!m.significant) return 'same';
  return m.test.z > 0 ? 'worse' : m.test.z < 0 ? 'better' : 'same';
}

/**
 * A bar centred on 0 for a relative change (±scale spans the bar), with an optional interval
 * whisker and limit line; values beyond the scale are clipped to the edge. Text in aria-label/title.
 */
function changeBar(rel: number | null, dir: Direction, scale: number, ci: [number, number] | null, limit: number | null): string {
  if (rel === null) return '—';
  const pos = (v: number): number => Math.round((50 + Math.max(-1, Math.min(1, v / scale)) * 50) * 100) / 100;
  const [from, to] = [Math.min(pos(0), pos(rel)), Math.max(pos(0), pos(rel))];
  const label = [signedPct(rel), ci === null ? '' : `CI ${signedPct(ci[0])} to ${signedPct(ci[1])}`, limit === null ? '' : `limit ${signedPct(limit)}`].filter((s) => s !== '').join(', ');
  const parts = [
    '<span class="axis"></span>',
    `<span class="fill ${dir}" style="left:${from}%;width:${Math.round((to - from) * 100) / 100}%"></span>`,
    ci === null ? '' : `<span class="ci" style="left:${pos(ci[0])}%;width:${Math.round((pos(ci[1]) - pos(ci[0])) * 100) / 100}%"></span>`,
    limit === null ? '' : `<span class="limit" style="left:${pos(limit)}%"></span>`,
  ];
  return `<span class="bar" role="img" aria-label="${e(label)}" title="${e(label)}">${parts.join('')}</span>`;
}

/** Half-width of every bar: the largest relative change, interval end or limit on the page, within 10 %–100 %. */
function barScale(c: Comparison): number {
  const values: number[] = [];
  for (const m of c.metrics) for (const v of Object.values(m.stats)) if (v !== undefined && v.relativeChange !== null) values.push(Math.abs(v.relativeChange));
  for (const g of c.gates) {
    if (g.value.relativeChange !== null) values.push(Math.abs(g.value.relativeChange));
    if (g.limit.kind === 'relative') values.push(g.limit.fraction);
    const base = g.value.baseline;
    if (g.interval !== null && base !== null && base !== 0) values.push(Math.abs(g.interval.low / base), Math.abs(g.interval.high / base));
  }
  const max = Math.max(0, ...values.filter((v) => Number.isFinite(v))) * 1.1;
  return Math.min(1, Math.max(0.1, Math.ceil(max * 20) / 20));
}

/** ` class="a b"`, or nothing when every name is empty. */
function classAttr(...names: string[]): string {
  const list = names.filter((n) => n !== '');
  return list.length === 0 ? '' : ` class="${list.join(' ')}"`;
}

function pct(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}


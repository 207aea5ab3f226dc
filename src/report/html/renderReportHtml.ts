import { embedJson, escapeHtml, inlineRaw } from './escapeHtml.js';
import { REPORT_CLIENT_SCRIPT } from './reportClientScript.js';
import type { ReportModel } from './reportModel.js';
import { STAGE_CSS, stageSectionHtml } from './stageSectionHtml.js';
import type { ChartAssets } from './uplotAssets.js';

const e = escapeHtml;
const num = (v: number | null, unit = ''): string => (v === null ? '–' : `${Math.round(v * 1000) / 1000}${unit === '' ? '' : ` ${unit}`}`);

const PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1200px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
.meta { color: #555; } .tag { display: inline-block; background: #eef; border-radius: 3px; padding: 0 6px; margin-right: 4px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 14px; }
.card { border: 1px solid #ccc; border-radius: 6px; padding: 8px 12px; min-width: 130px; }
.card .v { font-size: 20px; font-weight: 600; } .card .l { color: #555; font-size: 12px; } .card .d { color: #777; font-size: 11px; }
.ok { border-color: #2ca02c; } .ok .v { color: #1d7a1d; } .bad { border-color: #d62728; } .bad .v { color: #b11b1b; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: right; } th { background: #f5f5f5; }
td.t, th.t { text-align: left; } .pass { color: #1d7a1d; } .fail { color: #b11b1b; font-weight: 600; }
.bar { background: #1f77b4; height: 10px; display: inline-block; vertical-align: middle; }
.chart { margin: 8px 0 16px; } .none { color: #777; font-style: italic; }
`;

/** Pure: the whole report page (one file: uPlot, styles, data and script inlined). */
export function renderReportHtml(model: ReportModel, assets: ChartAssets): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(model.title)}</title>`,
    `<style>${inlineRaw(assets.css, 'style')}</style>`,
    `<style>${PAGE_CSS}${model.stages === null ? '' : STAGE_CSS}</style>`,
    '</head><body>',
    header(model),
    thresholds(model),
    model.capacity === null ? '' : capacity(model),
    '<h2>Latency over time</h2>',
    model.charts.timeline === null ? '<p class="none">No timeline.csv in this directory.</p>' : '<p>Per interval: ttfa_ms and greeting_ttfa_ms percentiles (left axis) against calls up at the interval end (right axis).</p><div class="chart" id="chart-timeline"></div>',
    targetMetrics(model),
    '<h2>TTFA distribution</h2>',
    model.charts.ttfaCdf === null ? '<p class="none">No ttfa_ms samples.</p>' : '<p>Share of turns whose time to first agent audio was at most x (from the HDR histogram, within 0.1 %).</p><div class="chart" id="chart-ttfa-cdf"></div>',
    model.charts.greetingCdf === null ? '' : '<p>Greeting (greeting_ttfa_ms):</p><div class="chart" id="chart-greeting-cdf"></div>',
    stageSectionHtml(model.stages),
    outcomes(model),
    turns(model),
    rtp(model),
    recordings(model),
    `<script type="application/json" id="report-data">${embedJson({ charts: model.charts })}</script>`,
    `<script>${inlineRaw(assets.js, 'script')}</script>`,
    `<script>${inlineRaw(REPORT_CLIENT_SCRIPT, 'script')}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

function header(m: ReportModel): string {
  const cards = m.cards
    .map((c) => `<div class="card${c.status === undefined ? '' : ` ${c.status}`}"><div class="l">${e(c.label)}</div><div class="v">${e(c.value)}</div>${c.detail === undefined ? '' : `<div class="d">${e(c.detail)}</div>`}</div>`)
    .join('');
  const tags = m.tags.length === 0 ? '' : `<div class="meta">Tags: ${m.tags.map(([k, v]) => `<span class="tag">${e(k)}=${e(v)}</span>`).join('')}</div>`;
  return [
    `<h1>${e(m.title)}</h1>`,
    `<div class="meta">${e(m.dir)} · ${e(m.startedAt)} → ${e(m.endedAt)} (${Math.round(m.durationMs / 100) / 10} s) · voiceload ${e(m.voiceloadVersion)}</div>`,
    tags,
    m.runStep === null
      ? ''
      : `<p class="meta">Capacity search: the cards and SLO results are the measured window (after warmup) of the step at level ${e(String(m.runStep.level))} (${e(m.runStep.dir)}); the charts and tables below show that whole step, warmup included.</p>`,
    `<div class="cards">${cards}</div>`,
  ].join('\n');
}

function thresholds(m: ReportModel): string {
  if (m.thresholds.results.length === 0) return '<h2>Thresholds</h2><p class="none">No thresholds were set.</p>';
  const rows = m.thresholds.results
    .map((r) => `<tr><td class="t">${e(r.source)}</td><td>${e(r.actual)}</td><td class="t ${r.passed ? 'pass' : 'fail'}">${r.passed ? 'pass' : 'FAIL'}</td><td class="t">${e(r.note ?? '')}</td></tr>`)
    .join('');
  return `<h2>Thresholds: <span class="${m.thresholds.passed ? 'pass' : 'fail'}">${m.thresholds.passed ? 'passed' : 'failed'}</span></h2><table id="thresholds"><tr><th class="t">condition</th><th>measured</th><th class="t">result</th><th class="t">note</th></tr>${rows}</table>`;
}

function capacity(m: ReportModel): string {
  const c = m.capacity!;
  const lines = [
    `Effective capacity: <b>${c.effectiveCapacity ?? 'none'}</b>; breaks at ${c.breakingLevel ?? '–'}; search ended: ${e(c.stopReason)}.`,
    c.firstBrokenSlo === null ? '' : ` First SLO broken: ${e(c.firstBrokenSlo)}.`,
    c.hint === null ? '' : ` Bottleneck hint: ${e(c.hint)}.`,
  ].join('');
  return `<h2>Capacity</h2><p>${lines}</p><p>SLOs: ${c.slos.map((s) => `<code>${e(s)}</code>`).join(', ')}</p><div class="chart" id="chart-capacity"></div>`;
}

function targetMetrics(m: ReportModel): string {
  const t = m.charts.targetMetrics;
  if (t === null) return '';
  const omitted = t.omitted === 0 ? '' : ` ${t.omitted} more series (counters, histogram sums, flat or past the first ${t.series.length}) are in scrape.csv.`;
  return `<h2>Target metrics</h2><p>Scraped from the target (<code>--scrape</code>, scrape.csv) on the time axis above: queue and in-service gauges first.${e(omitted)}</p><div class="chart" id="chart-target-metrics"></div>`;
}

function outcomes(m: ReportModel): string {
  const max = Math.max(1, ...m.outcomes.map((o) => o.count), ...m.failureReasons.map((f) => f.count));
  const bar = (n: number): string => `<span class="bar" style="width:${Math.round((n / max) * 300)}px"></span>`;
  const rows = [
    ...m.outcomes.map((o) => `<tr><td class="t">${e(o.label)}</td><td>${o.count}</td><td class="t">${bar(o.count)}</td></tr>`),
    ...m.failureReasons.map((f) => `<tr><td class="t">failed: ${e(f.reason)}</td><td>${f.count}</td><td class="t">${bar(f.count)}</td></tr>`),
  ].join('');
  return `<h2>Outcomes and failure reasons</h2><table id="outcomes"><tr><th class="t">outcome</th><th>calls</th><th class="t"></th></tr>${rows}</table>`;
}

function turns(m: ReportModel): string {
  if (m.turns.length === 0) return '<h2>Per turn</h2><p class="none">No turns recorded in calls.ndjson.</p>';
  const rows = m.turns.map((t) => `<tr><td>${t.turn}</td><td>${t.count}</td><td>${t.noReply}</td><td>${num(t.p50Ms, 'ms')}</td><td>${num(t.p95Ms, 'ms')}</td></tr>`).join('');
  return `<h2>Per turn</h2><table id="turns"><tr><th>turn</th><th>replies</th><th>no reply</th><th>ttfa p50</th><th>ttfa p95</th></tr>${rows}</table>`;
}

function rtp(m: ReportModel): string {
  const rows = m.rtp.map((r) => `<tr><td class="t">${e(r.label)}</td><td>${r.count}</td><td>${num(r.p50, r.unit)}</td><td>${num(r.p95, r.unit)}</td><td>${num(r.p99, r.unit)}</td><td>${num(r.max, r.unit)}</td></tr>`).join('');
  return `<h2>RTP quality</h2><p>Per call, received audio (RFC 3550 interarrival jitter, packet loss).</p><table id="rtp"><tr><th class="t">metric</th><th>calls</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>${rows}</table>`;
}

function recordings(m: ReportModel): string {
  if (m.recordings === null) return '';
  if (m.recordings.length === 0) return '<h2>Recordings</h2><p class="none">recordings.json lists no recording.</p>';
  const rows = m.recordings.map((r) => `<tr><td>${r.callNumber}</td><td class="t"><a href="${e(r.file)}">${e(r.file)}</a></td><td class="t">${e(r.why)}</td></tr>`).join('');
  return `<h2>Recordings</h2><p>Agent audio of failed and slowest calls (relative links: keep the report in its results directory).</p><table id="recordings"><tr><th>call</th><th class="t">file</th><th class="t">why kept</th></tr>${rows}</table>`;
}

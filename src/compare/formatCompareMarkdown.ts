import type { Comparison, MetricComparison, RunInfo, StatChange } from './comparison.js';
import { attributionText, changeText, num, runName, unitOf } from './compareText.js';
import { formatP } from './compareRuns.js';
import { formatLimit } from './regressionGate.js';

/**
 * The comparison as GitHub-flavoured markdown, for a CI job summary or a pull-request comment:
 * a verdict, the two runs and their tags, one ✅/❌ row per gate, then a table of every metric.
 */
export function formatCompareMarkdown(c: Comparison): string {
  const out: string[] = [];
  const failed = c.gates.filter((g) => g.status === 'fail');
  out.push(`## voiceload compare: ${runName(c.candidate, 'candidate')} vs ${runName(c.baseline, 'baseline')}`);
  out.push('');
  if (c.gates.length === 0) out.push('No regression gates were given (`--max-regression`): the table below is for reading.');
  else if (failed.length === 0) out.push(`✅ **No significant regression** beyond the limits (${c.gates.length} gate${c.gates.length === 1 ? '' : 's'}, α = ${c.alpha}).`);
  else out.push(`❌ **Regression**: ${failed.map((g) => `\`${g.metric}\` ${g.stat}`).join(', ')} (α = ${c.alpha}).`);
  if (c.attribution !== undefined) out.push('', `**Attributed to**: ${attributionText(c.attribution)}.`);
  out.push('');
  out.push('| | run | tags | calls | started |');
  out.push('|---|---|---|---:|---|');
  out.push(runRow('baseline', c.baseline));
  out.push(runRow('candidate', c.candidate));
  if (c.gates.length > 0) {
    out.push('');
    out.push('### Gates');
    out.push('');
    out.push('| | gate | baseline | candidate | change | limit | p | CI of change | verdict |');
    out.push('|---|---|---:|---:|---:|---:|---:|---|---|');
    for (const g of c.gates) {
      const unit = unitOf(g.metric);
      const mark = g.status === 'fail' ? '❌' : g.status === 'no_data' ? '⚠️' : '✅';
      const ci = g.interval === null ? '' : `[${num(g.interval.low)}, ${num(g.interval.high)}] ${unit}`.trim();
      out.push(
        `| ${mark} | \`${cell(g.source)}\` | ${num(g.value.baseline)} | ${num(g.value.candidate)} | ${changeText(g.value)} | ${formatLimit(g.limit, unit)} | ${g.pValue === null ? '' : formatP(g.pValue)} | ${ci} | ${cell(g.note)} |`,
      );
    }
  }
  out.push('');
  out.push('### Metrics');
  out.push('');
  out.push('Changes are candidate − baseline; p is the two-sided Mann–Whitney U test on the per-sample values.');
  out.push('');
  out.push('| metric | stat | baseline | candidate | change | n (base / cand) | p | significant |');
  out.push('|---|---|---:|---:|---:|---:|---:|---|');
  for (const m of c.metrics) out.push(...metricRows(m, c.alpha));
  return `${out.join('\n')}\n`;
}

function metricRows(m: MetricComparison, alpha: number): string[] {
  const rows: string[] = [];
  const entries = Object.entries(m.stats) as [string, StatChange][];
  entries.forEach(([stat, v], i) => {
    const first = i === 0;
    const sig = m.significant ? `yes (p < ${alpha})` : 'no';
    rows.push(
      `| ${first ? `\`${m.metric}\` (${m.unit})` : ''} | ${stat} | ${num(v.baseline)} | ${num(v.candidate)} | ${changeText(v)} | ${first ? `${m.baselineCount} / ${m.candidateCount}` : ''} | ${first ? formatP(m.test.pValue) : ''} | ${first ? sig : ''} |`,
    );
  });
  return rows;
}

function runRow(label: string, r: RunInfo): string {
  const tags = Object.entries(r.tags).map(([k, v]) => `\`${cell(`${k}=${v}`)}\``).join(' ');
  return `| ${label} | \`${cell(r.dir)}\` | ${tags === '' ? '—' : tags} | ${r.callsAttempted} | ${cell(r.startedAt)} |`;
}

/** Keeps a table cell one cell: pipes escaped, no newlines. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

import { escapeHtml as e } from './escapeHtml.js';
import type { StageBar, StageSection } from './stageBreakdown.js';

/** Stage colours, shared by the bars and the legend (index = position in the stack). */
export const STAGE_CSS = `
.stack { position: relative; display: block; width: 640px; height: 22px; background: #f1f1f1; margin: 4px 0; }
.stack .seg { display: inline-block; height: 100%; vertical-align: top; box-sizing: border-box; border-right: 1px solid #fff; }
.stack .ttfa { position: absolute; top: -3px; bottom: -3px; border-left: 2px dashed #222; }
.seg0 { background: #9467bd; } .seg1 { background: #ff7f0e; } .seg2 { background: #2ca02c; } .seg3 { background: #7f7f7f; }
.swatch { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; vertical-align: middle; }
#stages { margin-top: 12px; } #stage-turns td { white-space: nowrap; }
`;

const ms = (v: number | null): string => (v === null ? '–' : `${Math.round(v * 10) / 10} ms`);

/** "Where the time goes": stacked bars (p50, p95), the stage table and the per-turn medians; nothing without stages. */
export function stageSectionHtml(s: StageSection | null): string {
  if (s === null) return '';
  const scale = Math.max(1, ...s.bars.flatMap((b) => [b.stackedMs, b.ttfaMs ?? 0]));
  const legend = s.bars[0]!.segments.map((seg, i) => `<span class="swatch seg${i}"></span>${e(seg.label)}`).join('') + '<span class="swatch" style="border-left:2px dashed #222"></span>ttfa_ms at the same percentile';
  const rows = s.rows.map((r) => `<tr data-stage="${e(r.metric)}"><td class="t"><code>${e(r.metric)}</code></td><td class="t">${e(r.label)}</td><td>${r.count}</td><td>${ms(r.p50)}</td><td>${ms(r.p95)}</td><td>${ms(r.p99)}</td></tr>`).join('');
  return [
    '<h2>Where the time goes</h2>',
    '<p>Each turn\'s time to first agent audio taken apart (<code>run --livekit</code>): the agent\'s end-of-utterance decision, LLM time to first token, TTS time to first byte, and the transport remainder (network, SIP bridge, buffers). Each stage is shown at its own percentile, so a stack is close to, not equal to, ttfa_ms at that percentile. STT and transcription run inside the end-of-utterance delay; they are in the table.</p>',
    `<p>${legend}</p>`,
    ...s.bars.map((b) => bar(b, scale)),
    `<table id="stages"><tr><th class="t">metric</th><th class="t">stage</th><th>turns</th><th>p50</th><th>p95</th><th>p99</th></tr>${rows}</table>`,
    turns(s),
  ].join('\n');
}

function bar(b: StageBar, scale: number): string {
  const pct = (v: number): number => Math.round((v / scale) * 10000) / 100;
  const segs = b.segments.map((seg, i) => (seg.ms === null ? '' : `<span class="seg seg${i}" data-stage="${e(seg.metric)}" style="width:${pct(seg.ms)}%" title="${e(seg.label)} ${ms(seg.ms)}"></span>`)).join('');
  const mark = b.ttfaMs === null ? '' : `<span class="ttfa" style="left:${pct(b.ttfaMs)}%" title="ttfa_ms ${b.percentile} ${ms(b.ttfaMs)}"></span>`;
  const text = `${b.segments.map((seg) => `${seg.label} ${ms(seg.ms)}`).join(' + ')} = ${ms(b.stackedMs)} (ttfa_ms ${b.percentile} ${ms(b.ttfaMs)})`;
  return `<div class="stage-bar" data-percentile="${b.percentile}"><b>${b.percentile}</b>: ${e(text)}<div class="stack" role="img" aria-label="${e(text)}">${segs}${mark}</div></div>`;
}

function turns(s: StageSection): string {
  if (s.turns.length === 0) return '';
  const metrics = s.rows.map((r) => r.metric);
  const head = metrics.map((m) => `<th>${e(s.rows.find((r) => r.metric === m)!.label)} p50</th>`).join('');
  const body = s.turns.map((t) => `<tr><td>${t.turn}</td><td>${t.count}</td>${metrics.map((m) => `<td>${ms(t.medians[m])}</td>`).join('')}</tr>`).join('');
  return `<p>Per turn: the median of each stage over the turns at that position.</p><table id="stage-turns"><tr><th>turn</th><th>turns</th>${head}</tr>${body}</table>`;
}

/**
 * The page's own script (plain browser JavaScript, no template literals so it sits in a TS string):
 * reads the embedded JSON and draws each chart with the inlined uPlot. Every chart container gets
 * `data-points` (the series length drawn) so a test can see the chart has data.
 */
export const REPORT_CLIENT_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = data.charts;
  var COLORS = ['#1f77b4', '#d62728', '#9467bd', '#2ca02c', '#ff7f0e', '#8c564b'];
  function width(el) { return Math.max(320, Math.min(1100, el.clientWidth || 900)); }
  function draw(id, opts, series) {
    var el = document.getElementById(id);
    if (!el) return;
    opts.width = width(el);
    opts.height = 320;
    el.setAttribute('data-points', String(series[0].length));
    new uPlot(opts, series, el);
  }
  function ms(u, vals) { return vals.map(function (v) { return v == null ? '' : v + ' ms'; }); }

  // The latency and target-metrics charts share one time axis: the same x range, the cursor in step.
  var tm = charts.targetMetrics;
  var xr = null;
  if (tm && charts.timeline) {
    var xs = charts.timeline.timeSec.concat(tm.timeSec);
    xr = [xs.reduce(function (a, b) { return Math.min(a, b); }, 0), xs.reduce(function (a, b) { return Math.max(a, b); }, 1)];
  }
  function timeScale() { return xr ? { time: false, range: xr } : { time: false }; }
  var SYNC = { key: 'run-time' };

  if (charts.timeline) {
    var t = charts.timeline;
    var s = [{ label: 'run time (s)' }];
    var d = [t.timeSec];
    t.latency.forEach(function (l, i) {
      s.push({ label: l.label, scale: 'ms', stroke: COLORS[i % COLORS.length], dash: i >= 3 ? [6, 4] : undefined, spanGaps: true, value: function (u, v) { return v == null ? '–' : v + ' ms'; } });
      d.push(l.valuesMs);
    });
    s.push({ label: 'active calls', scale: 'calls', stroke: '#777', fill: 'rgba(120,120,120,0.12)', width: 1 });
    d.push(t.activeCalls);
    draw('chart-timeline', {
      scales: { x: timeScale() },
      cursor: { sync: SYNC },
      series: s,
      axes: [{ label: 'seconds since start' }, { scale: 'ms', label: 'latency (ms)' }, { scale: 'calls', side: 1, label: 'active calls', grid: { show: false } }],
    }, d);
  }

  if (tm) {
    var ts = [{ label: 'run time (s)' }];
    var td = [tm.timeSec];
    tm.series.forEach(function (s, i) {
      ts.push({ label: s.label, stroke: COLORS[i % COLORS.length], dash: i >= COLORS.length ? [6, 4] : undefined, spanGaps: true });
      td.push(s.values);
    });
    draw('chart-target-metrics', {
      scales: { x: timeScale() },
      cursor: { sync: SYNC },
      series: ts,
      axes: [{ label: 'seconds since start' }, { label: 'value' }],
    }, td);
  }

  function cdf(id, c, label) {
    if (!c) return;
    draw(id, {
      scales: { x: { time: false }, y: { range: [0, 1] } },
      series: [{ label: label + ' (ms)' }, { label: 'share of samples ≤ x', stroke: COLORS[0], fill: 'rgba(31,119,180,0.08)' }],
      axes: [{ label: label + ' (ms)' }, { label: 'share ≤ x' }],
    }, [c.valuesMs, c.fraction]);
  }
  cdf('chart-ttfa-cdf', charts.ttfaCdf, 'ttfa_ms');
  cdf('chart-greeting-cdf', charts.greetingCdf, 'greeting_ttfa_ms');

  if (charts.capacity && charts.capacity.levels.length > 0) {
    var c = charts.capacity;
    var marks = [{ at: c.effectiveCapacity, color: '#2ca02c', text: 'capacity' }, { at: c.breakingLevel, color: '#d62728', text: 'breaks' }];
    draw('chart-capacity', {
      scales: { x: { time: false } },
      series: [
        { label: c.by === 'rate' ? 'calls/s' : 'concurrent calls' },
        { label: 'ttfa p95', scale: 'ms', stroke: COLORS[0], spanGaps: true },
        { label: 'greeting p95', scale: 'ms', stroke: COLORS[2], spanGaps: true },
        { label: 'failure rate %', scale: '%', stroke: COLORS[1], width: 2 },
      ],
      axes: [{ label: c.by === 'rate' ? 'load level (calls/s)' : 'load level (concurrent calls)' }, { scale: 'ms', label: 'latency (ms)' }, { scale: '%', side: 1, label: 'failure rate (%)', grid: { show: false } }],
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx;
          marks.forEach(function (m) {
            if (m.at == null) return;
            var x = u.valToPos(m.at, 'x', true);
            ctx.save();
            ctx.strokeStyle = m.color;
            ctx.setLineDash([5, 5]);
            ctx.lineWidth = 2;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.fillStyle = m.color;
            ctx.font = '12px sans-serif';
            ctx.fillText(m.text + ' ' + m.at, x + 4, u.bbox.top + 14);
            ctx.restore();
          });
        }],
      },
    }, [c.levels, c.ttfaP95Ms, c.greetingP95Ms, c.failureRatePct]);
  }
})();
`;

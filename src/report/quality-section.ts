import { fmt } from '../core/format-number.js';
import { describeWindow, fmtP, METRIC_NAMES, STATISTIC_NAMES } from '../quality/messages.js';
import type { FeatureDrift, MetricVerdict, QualityReport } from '../quality/report-types.js';
import { escapeHtml as e, jsonForScript } from './escape.js';

/** Charts past this many are left out (the tables still have every row). */
const MAX_CHARTS = 24;

const num = (v: number | null) => (typeof v !== 'number' || Number.isNaN(v) ? '-' : e(fmt(v))); // a JSON file may hold anything
const interval = (i: [number, number] | null) => (i ? ` <span class="muted">[${e(fmt(i[0]))}, ${e(fmt(i[1]))}]</span>` : '');
const statusCell = (s: string) => (s === 'drift' || s === 'regression' ? `<b>${e(s.toUpperCase())}</b>` : e(s.replace(/-/g, ' ')));

function driftRows(rows: { first: string; f: FeatureDrift }[]): string {
  return rows
    .map(
      ({ first, f }) =>
        `<tr class="${f.status === 'drift' ? 'bad' : ''}"><td>${first}</td><td>${e(STATISTIC_NAMES[f.statistic])}</td>` +
        `<td class="num">${num(f.value)}${f.category !== null ? ` <span class="muted">(${e(f.category)})</span>` : ''}</td><td class="num">${num(f.threshold)}</td>` +
        `<td class="num">${f.pValue === null ? '-' : e(fmtP(f.pValue))}</td><td class="num">${num(f.psi)}</td><td class="num">${e(f.n.reference)}/${e(f.n.served)}</td>` +
        `<td>${statusCell(f.status)}${f.reason && f.status !== 'ok' ? ` <span class="muted">${e(f.reason)}</span>` : ''}</td></tr>`,
    )
    .join('');
}
const DRIFT_HEAD = '<th>statistic</th><th>value</th><th>threshold</th><th>p-value</th><th>PSI</th><th>reference/served</th><th>status</th>';

function metricRows(ms: MetricVerdict[], first: (i: number) => string): string {
  return ms
    .map(
      (m, i) =>
        `<tr class="${m.status === 'regression' ? 'bad' : ''}">${first(i)}<td>${e(METRIC_NAMES[m.metric])}</td><td class="num">${num(m.reference)}</td>` +
        `<td class="num">${num(m.served)}${interval(m.interval)}</td><td class="num">${num(m.change)}${interval(m.changeInterval)}</td><td>${statusCell(m.status)}</td></tr>`,
    )
    .join('');
}

/** The report section: findings, drift tables, quality per version and window, worst slices, and histogram charts of what drifted. */
export function qualitySection(q: QualityReport): string {
  const charts: { id: string; title: string; labels: string[]; reference: number[]; served: number[] }[] = [];
  const chart = (title: string, f: FeatureDrift) => {
    if (charts.length >= MAX_CHARTS) return '';
    const id = `quality-chart-${charts.length}`;
    charts.push({ id, title, ...f.histograms });
    return `<div class="chart" id="${id}"></div>`;
  };
  const ref = q.reference;
  const parts: string[] = [];
  parts.push(
    `<p>Reference ${e(ref.path ?? '(in memory)')}: ${e(ref.model ?? '')} ${e(ref.version ?? '')} ${e(ref.task)}, ${e(ref.trainingExamples)} training / ${e(ref.validationExamples)} validation examples; ` +
      `validation ${Object.entries(ref.metrics).map(([k, v]) => `${e(METRIC_NAMES[k as keyof typeof METRIC_NAMES])} ${num(v)}`).join(', ')}.` +
      (q.labels ? ` Labels: ${e(q.labels.records)}, ${e(q.labels.joined)} joined, <b>${e(q.labels.unknownIds)}</b> for ids no prediction has.` : '') +
      '</p>',
  );
  if (q.status === 'no-data') parts.push('<p><b>No data: nothing was served in the period, so nothing was compared (this is not "no drift").</b></p>');
  parts.push(q.findings.length ? `<ul>${q.findings.map((f) => `<li class="bad">${e(f.message)}</li>`).join('')}</ul>` : '<p>No findings.</p>');

  const latest = q.inputDrift.filter((w) => w.examples > 0).at(-1);
  for (const w of q.inputDrift.filter((x) => x.status === 'drift' || x === latest)) {
    parts.push(`<h3>Input drift, ${e(describeWindow(w))}: ${e(w.examples)} served example(s), ${statusCell(w.status)}</h3>`);
    parts.push(`<table><tr><th>feature</th>${DRIFT_HEAD}</tr>${driftRows(w.features.map((f) => ({ first: e(f.feature), f })))}</table>`);
    for (const f of w.features.filter((x) => x.status === 'drift')) parts.push(chart(`${f.feature}, ${describeWindow(w)}: reference vs served share per bin`, f));
  }
  if (q.inputDrift.length > 1) {
    const rows = q.inputDrift.map((w) => `<tr class="${w.status === 'drift' ? 'bad' : ''}"><td>${e(describeWindow(w))}</td><td class="num">${e(w.examples)}</td><td>${statusCell(w.status)}</td><td>${e(w.features.filter((f) => f.status === 'drift').map((f) => f.feature).join(', '))}</td></tr>`);
    parts.push(`<h3>Input drift by window</h3><table><tr><th>window</th><th>served</th><th>status</th><th>drifting features</th></tr>${rows.join('')}</table>`);
  }
  if (q.outputDrift.length) {
    parts.push(`<h3>Output drift (against the validation set)</h3><table><tr><th>version, window</th>${DRIFT_HEAD}</tr>${driftRows(q.outputDrift.map((o) => ({ first: `${e(o.version)}, ${e(describeWindow(o))}`, f: o.output })))}</table>`);
    for (const o of q.outputDrift.filter((x) => x.status === 'drift')) parts.push(chart(`outputs of ${o.version}, ${describeWindow(o)}: validation vs served`, o.output));
  }
  if (q.quality.length) {
    const rows = q.quality.map((w) => {
      const first = (i: number) => (i === 0 ? `<td rowspan="${w.metrics.length}">${e(w.version)}, ${e(describeWindow(w))}</td><td rowspan="${w.metrics.length}" class="num">${e(w.labelled)}/${e(w.predictions)}</td>` : '');
      return w.status === 'no-data' ? `<tr><td>${e(w.version)}, ${e(describeWindow(w))}</td><td class="num">0/0</td><td colspan="5">no data</td></tr>` : metricRows(w.metrics, first);
    });
    parts.push(`<h3>Served quality</h3><table><tr><th>version, window</th><th>labelled/predictions</th><th>metric</th><th>validation</th><th>served [interval]</th><th>change [interval]</th><th>status</th></tr>${rows.join('')}</table>`);
    for (const w of q.quality.filter((x) => x.slices.length)) {
      const rows = w.slices.map((s) => metricRows(s.metrics, (i) => (i === 0 ? `<td rowspan="${s.metrics.length}">${e(s.feature)}=${e(s.value)}</td><td rowspan="${s.metrics.length}" class="num">${e(s.labelled)}</td>` : '')));
      parts.push(
        `<h3>Worst slices of ${e(w.version)}, ${e(describeWindow(w))} <span class="muted">(${e(w.slicesJudged)} judged, ${e(w.slicesRegressed)} regressed; intervals at ${e(fmt(100 * w.confidence, 3))}%)</span></h3>` +
          `<table><tr><th>slice</th><th>labelled</th><th>metric</th><th>validation</th><th>served [interval]</th><th>change [interval]</th><th>status</th></tr>${rows.join('')}</table>`,
      );
    }
  }
  return (
    `<section id="quality"><h2>Prediction quality and drift</h2>${parts.join('\n')}` +
    `<script type="application/json" id="quality-data">${jsonForScript(charts)}</script><script>${QUALITY_CHARTS_SCRIPT}</script></section>`
  );
}

/** Grouped bars per bin, reference beside served; runs once the page (and uPlot, inlined after it) has loaded. */
const QUALITY_CHARTS_SCRIPT = String.raw`
document.addEventListener('DOMContentLoaded', function () {
  var charts = JSON.parse(document.getElementById('quality-data').textContent);
  charts.forEach(function (c) {
    var el = document.getElementById(c.id);
    if (!el) return;
    var xs = c.labels.map(function (_, i) { return i; });
    new uPlot({
      title: c.title,
      width: Math.max(320, Math.min(1100, el.clientWidth || 900)),
      height: 240,
      scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: function (u, min, max) { return [0, Math.max(max, 0.01) * 1.1]; } } },
      axes: [
        { splits: function () { return xs; }, values: function (u, splits) { return splits.map(function (i) { return c.labels[i] === undefined ? '' : c.labels[i]; }); }, rotate: -30, size: 70, font: '11px system-ui' },
        { label: 'share' },
      ],
      series: [
        { label: 'bin' },
        { label: 'reference', stroke: '#1f77b4', fill: 'rgba(31,119,180,0.45)', paths: uPlot.paths.bars({ size: [0.4, 60], align: -1 }), points: { show: false } },
        { label: 'served', stroke: '#d62728', fill: 'rgba(214,39,40,0.45)', paths: uPlot.paths.bars({ size: [0.4, 60], align: 1 }), points: { show: false } },
      ],
    }, [xs, c.reference, c.served], el);
  });
  document.body.setAttribute('data-quality-charts', String(charts.length));
});
`;

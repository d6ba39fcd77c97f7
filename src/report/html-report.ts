import { describePosition } from '../core/findings.js';
import { cell } from '../core/format-number.js';
import type { Finding } from '../monitor/findings.js';
import type { MonitorReport } from '../monitor/run-report.js';
import type { ParityReport } from '../parity/check-parity.js';
import { VERDICT_TEXT, verdictOf } from '../speed/compare.js';
import type { QualityReport } from '../quality/report-types.js';
import { formatDuration } from '../staleness/duration.js';
import type { StalenessReport } from '../staleness/staleness-report.js';
import { CHARTS_SCRIPT } from './charts-script.js';
import { escapeHtml as e, jsonForScript } from './escape.js';
import { dependenciesSection } from './dependencies-section.js';
import { qualitySection } from './quality-section.js';
import { UPLOT_CSS, UPLOT_SCRIPT } from './uplot-assets.generated.js';

export interface HtmlReportInput {
  run: MonitorReport;
  staleness?: StalenessReport | StalenessReport[];
  parity?: ParityReport;
  quality?: QualityReport;
  title?: string;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1140px; padding: 0 20px 40px; color: #222; }
h1 { font-size: 22px; margin: 20px 0 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin: 18px 0 4px; } .muted { color: #666; }
table { border-collapse: collapse; margin: 8px 0; } td, th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
th { background: #f6f6f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { display: inline-block; padding: 2px 10px; border-radius: 10px; font-weight: 600; }
.status.healthy { background: #e3f4e3; color: #1b5e20; } .status.warned { background: #fff4d6; color: #7a5200; }
.status.stopped, .status.failed { background: #fde2e1; color: #a40000; }
tr.bad td { background: #fde2e1; } .tag { font-size: 12px; padding: 0 6px; border-radius: 8px; background: #eee; }
.chart { margin: 6px 0 14px; }
`;

function findingAnchor(f: Finding, run: MonitorReport): string {
  const layer = f.layer === undefined ? -1 : run.layers.findIndex((l) => l.name === f.layer);
  if (layer >= 0) return `#layer-${layer}`;
  if (f.kind === 'tensor-leak' || f.kind === 'memory-growth' || f.kind === 'speed-regression') return '#speed';
  if (f.kind === 'dependency-change') return '#dependencies';
  return '#training';
}

function findingsSection(run: MonitorReport): string {
  if (run.findings.length === 0) return '<p>No findings: nothing unstable, leaking or slow was seen.</p>';
  const rows = run.findings
    .map(
      (f) =>
        `<tr><td><span class="tag">${e(f.action)}</span></td><td>${e(f.kind)}</td><td><a href="${e(findingAnchor(f, run))}">${e(describePosition(f))}</a></td>` +
        `<td>${e(f.layer ?? '')}</td><td>${e(f.weight ?? '')}</td><td>${e(f.message)}</td><td class="num">${e(f.occurrences)}</td></tr>`,
    )
    .join('\n');
  return `<table><tr><th>action</th><th>kind</th><th>where (first seen)</th><th>layer</th><th>weight</th><th>what</th><th>seen at</th></tr>\n${rows}</table>`;
}

function layersSection(run: MonitorReport): string {
  return run.layers
    .map((l, i) => {
      const last = l.last;
      const facts = [
        `max |w| ${last.maxAbs?.toPrecision(4) ?? '-'}`,
        l.relu ? `dead ${last.deadFraction === undefined ? '-' : (100 * last.deadFraction).toFixed(1) + '%'}` : '',
      ].filter(Boolean);
      return (
        `<div class="layer" id="layer-${i}"><h3>${e(l.name)} <span class="muted">${e(l.className)} · ${e(l.weights.join(', '))} · ${e(facts.join(' · '))}</span></h3>` +
        `<div class="chart" id="chart-layer-${i}"></div>${l.relu ? `<div class="chart" id="chart-relu-${i}"></div>` : ''}</div>`
      );
    })
    .join('\n');
}

function speedSection(run: MonitorReport): string {
  const s = run.speed;
  if (!s) return '<p>No speed data.</p>';
  const num = (v: number | null | undefined, digits = 2) => cell(v, { digits, trim: false, large: Infinity, small: 0 });
  const summary =
    `<table><tr><th>ms/batch median</th><th>p95</th><th>examples/s</th><th>peak tensors</th><th>peak tensor MiB</th><th>peak RSS MiB</th></tr>` +
    `<tr><td class="num">${num(s.msPerBatch.median)}</td><td class="num">${num(s.msPerBatch.p95)}</td><td class="num">${num(s.examplesPerSecond, 0)}</td>` +
    `<td class="num">${e(s.memory.peakNumTensors)}</td><td class="num">${num(s.memory.peakNumBytes / 2 ** 20)}</td><td class="num">${num(s.memory.peakRss === undefined ? null : s.memory.peakRss / 2 ** 20)}</td></tr></table>`;
  const comparison = s.baseline?.comparison;
  const baseline = !s.baseline
    ? ''
    : comparison
      ? `<h3>Against the baseline in ${e(s.baseline.path)}</h3>` +
        (s.baseline.status === 'not-comparable' ? `<p class="bad">Not comparable: ${e(s.baseline.reason ?? '')}.</p>` : '') +
        '<table><tr><th>metric</th><th>baseline</th><th>run</th><th>change</th><th>verdict</th></tr>' +
        comparison.rows
          .map((r) => [r, verdictOf(r)] as const)
          .map(
            ([r, verdict]) =>
              `<tr class="${verdict === 'regression' || verdict === 'not comparable' ? 'bad' : ''}"><td>${e(r.metric)}</td><td class="num">${num(r.baseline)}</td><td class="num">${num(r.run)}</td>` +
              `<td class="num">${r.change === null ? '-' : (100 * r.change).toFixed(1) + '%'}</td><td>${VERDICT_TEXT[verdict] || 'not judged'}</td></tr>`,
          )
          .join('') +
        '</table>'
      : `<p>Baseline ${e(s.baseline.path)}: ${e(s.baseline.status)}${s.baseline.reason ? ` (${e(s.baseline.reason)})` : ''}.</p>`;
  return `${summary}${baseline}<div class="chart" id="chart-speed"></div><div class="chart" id="chart-throughput"></div><div class="chart" id="chart-tensors"></div><div class="chart" id="chart-memory"></div>`;
}

function stalenessSection(reports: StalenessReport[]): string {
  return reports
    .map((r) => {
      const stalled = new Set(r.stalled.map((s) => s.stage));
      const production = r.production
        ? `In production: <b>${e(r.production.version)}</b>, deployed ${e(formatDuration(r.production.deployedAgeMs))} ago; model age ${e(formatDuration(r.production.modelAgeMs))}.`
        : 'Nothing deployed yet.';
      const rows = r.perStage
        .map(
          (s) =>
            `<tr class="${stalled.has(s.stage) ? 'bad' : ''}"><td>${e(s.stage)}</td><td>${e(s.lastSuccess ?? 'never')}</td><td>${e(s.version ?? '-')}</td>` +
            `<td class="num">${s.ageMs === null ? '-' : e(formatDuration(s.ageMs))}</td><td class="num">${s.sloMs === null ? '-' : e(formatDuration(s.sloMs))}</td>` +
            `<td>${stalled.has(s.stage) ? 'STALLED' : ''}</td></tr>`,
        )
        .join('');
      return (
        `<h3>${e(r.model)}</h3><p>${production}</p><table><tr><th>stage</th><th>last success</th><th>version</th><th>age</th><th>SLO</th><th></th></tr>${rows}</table>` +
        r.stalled.map((s) => `<p class="bad">${e(s.message)}</p>`).join('') +
        (r.problems ?? []).map((p) => `<p class="bad">${e(p.message)}</p>`).join('')
      );
    })
    .join('\n');
}

function paritySection(p: ParityReport): string {
  const rows = p.features
    .map(
      (f) =>
        `<tr class="${f.skewed ? 'bad' : ''}"><td>${e(f.feature)}</td><td class="num">${e(f.base)}</td><td class="num">${e(f.test)}</td><td class="num">${e(f.match)}</td>` +
        `<td class="num">${e(f.mismatch)}</td><td class="num">${e(f.baseOnly)}</td><td class="num">${e(f.testOnly)}</td><td>${f.skewed ? 'SKEW' : ''}</td>` +
        `<td>${e((f.examples ?? []).map((x) => `${x.id}: ${JSON.stringify(x.training)} → ${JSON.stringify(x.serving)}`).join('; '))}</td></tr>`,
    )
    .join('');
  return (
    `<p><b>${e(p.summary.skewedFeatures)}</b> feature(s) with skew; ${e(p.ids?.joined)} examples joined, ${e(p.ids?.trainingOnly)} only in training, ${e(p.ids?.servingOnly)} only in serving.` +
    `${p.empty ? ' <b>A log is empty: nothing was compared.</b>' : ''}${p.fingerprintMismatches?.records ? ` <b>${e(p.fingerprintMismatches.records)} served example(s) from another feature definition.</b>` : ''}</p>` +
    `<table><tr><th>feature</th><th>base</th><th>test</th><th>match</th><th>mismatch</th><th>base only</th><th>test only</th><th></th><th>examples</th></tr>${rows}</table>` +
    (p.invariants ?? []).map((i) => `<p class="bad">${e(i.message)}</p>`).join('')
  );
}

/** One self-contained HTML file: no network needed to open it (chart code and data are inline). */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { run } = input;
  const staleness = input.staleness === undefined ? [] : Array.isArray(input.staleness) ? input.staleness : [input.staleness];
  const title = input.title ?? 'tfjs-monitor report';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${UPLOT_CSS}</style><style>${STYLE}</style></head>
<body>
<h1>${e(title)}</h1>
<p><span class="status ${e(run.status)}">${e(run.status)}</span> <span class="muted">${e(run.epochs)} epoch(s), ${e(run.steps)} step(s), ${e(run.checks)} check(s), ${e(run.probes)} probe(s) · backend ${e(run.backend)} (${e(run.strategy)}) · ${e(run.startedAt)}${run.stoppedAt ? ` · stopped at ${e(describePosition(run.stoppedAt))}` : ''}</span></p>
<section id="findings"><h2>Findings</h2>${findingsSection(run)}</section>
<section id="training"><h2>Loss and metrics</h2><div class="chart" id="chart-loss"></div><div class="chart" id="chart-epochs"></div></section>
<section id="layers"><h2>Layers</h2><p class="muted">Dashed red lines mark where a finding was first seen.</p>${layersSection(run)}</section>
<section id="speed"><h2>Speed and memory</h2>${speedSection(run)}</section>
${dependenciesSection(run)}
${staleness.length ? `<section id="staleness"><h2>Staleness</h2>${stalenessSection(staleness)}</section>` : ''}
${input.parity ? `<section id="parity"><h2>Train/serve parity</h2>${paritySection(input.parity)}</section>` : ''}
${input.quality ? qualitySection(input.quality) : ''}
<script type="application/json" id="report-data">${jsonForScript({ run })}</script>
<script>${UPLOT_SCRIPT}</script>
<script>${CHARTS_SCRIPT}</script>
</body></html>
`;
}

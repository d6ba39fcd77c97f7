import { formatTable } from '../common/text-table.js';
import { fmt } from '../core/format-number.js';
import { describeWindow, fmtP, METRIC_NAMES, STATISTIC_NAMES } from './messages.js';
import type { FeatureDrift, LogSummary, MetricVerdict, QualityReport } from './report-types.js';

const num = (v: number | null, digits = 4) => (v === null || Number.isNaN(v) ? '-' : fmt(v, digits));
const interval = (i: [number, number] | null) => (i ? `[${fmt(i[0])}, ${fmt(i[1])}]` : '');
const STATUS: Record<string, string> = {
  drift: 'DRIFT',
  ok: 'ok',
  'not-enough-data': 'not enough data',
  'no-data': 'no data',
  'not-judged': 'not judged',
  regression: 'REGRESSION',
  'not-enough-labels': 'not enough labelled examples',
  'no-labels': 'no labels yet',
  'no-reference': 'no validation examples to compare with',
  'small-reference': 'too few validation examples for this mean',
};

function logLine(what: string, s: LogSummary | null): string {
  if (!s) return '';
  const extra = [s.malformed.count ? `${s.malformed.count} malformed (first: line ${s.malformed.lines[0]!.line}: ${s.malformed.lines[0]!.error})` : '', s.invalid.count ? `${s.invalid.count} unusable (first: line ${s.invalid.lines[0]!.line}: ${s.invalid.lines[0]!.error})` : '', s.outside ? `${s.outside} outside the period` : '']
    .filter(Boolean)
    .join('; ');
  return `${what}: ${s.path}, ${s.records} record(s)${extra ? `; ${extra}` : ''}`;
}

const driftRow = (f: FeatureDrift, first: string) => [
  first,
  STATISTIC_NAMES[f.statistic],
  f.value === null ? '-' : `${num(f.value)}${f.category !== null ? ` (${f.category})` : ''}`,
  num(f.threshold),
  f.pValue === null ? '-' : fmtP(f.pValue),
  num(f.psi),
  `${f.n.reference}/${f.n.served}`,
  f.reason && f.status !== 'ok' ? `${STATUS[f.status]}: ${f.reason}` : STATUS[f.status]!,
];
const DRIFT_HEAD = ['statistic', 'value', 'threshold', 'p-value', 'PSI', 'ref/served', 'status'];

const metricCells = (m: MetricVerdict) => [METRIC_NAMES[m.metric], num(m.reference), `${num(m.served)} ${interval(m.interval)}`.trim(), `${num(m.change)} ${interval(m.changeInterval)}`.trim(), STATUS[m.status]!];

/** The report as text: drift tables, quality per version and window, worst slices, findings. */
export function formatQuality(r: QualityReport): string {
  const out: string[] = [];
  const ref = r.reference;
  const metrics = Object.entries(ref.metrics).map(([k, v]) => `${METRIC_NAMES[k as keyof typeof METRIC_NAMES]} ${num(v as number)}`).join(', ');
  out.push(
    `reference: ${ref.path ?? '(in memory)'}${ref.model ? ` — ${ref.model}${ref.version ? ` ${ref.version}` : ''}` : ''}, ${ref.task}` +
      `${ref.classes ? ` (${ref.classes.join(', ')})` : ''}; ${ref.trainingExamples} training / ${ref.validationExamples} validation examples; validation ${metrics}`,
  );
  out.push(...[logLine('served features', r.logs.features), logLine('predictions', r.logs.predictions), r.labels ? '' : logLine('labels', r.logs.labels)].filter(Boolean));
  if (r.labels) {
    const l = r.labels;
    const bad = r.logs.labels?.malformed;
    out.push(
      `labels: ${r.logs.labels ? `${r.logs.labels.path}, ` : ''}${l.records} record(s)${bad?.count ? ` (and ${bad.count} malformed line(s), first: line ${bad.lines[0]!.line}: ${bad.lines[0]!.error})` : ''}, ${l.joined} joined to predictions, ${l.unknownIds} for ids no prediction has${l.sampleUnknownIds.length ? ` (e.g. ${l.sampleUnknownIds.join(', ')})` : ''}, ` +
        `${l.duplicates} repeated${l.passes > 1 ? `; joined in ${l.passes} passes (more labels than maxLabelsInMemory)` : ''}`,
    );
  }
  if (r.status === 'no-data') {
    out.push('', 'NO DATA: nothing was served in the period, so nothing was compared (this is not "no drift").');
    return out.join('\n');
  }
  for (const w of r.inputDrift) {
    out.push('', `input drift, ${describeWindow(w)}: ${w.examples} served example(s)${w.violations ? `, ${w.violations} that broke the input schema` : ''} — ${STATUS[w.status]}`);
    if (w.status !== 'no-data') out.push(formatTable([['feature', ...DRIFT_HEAD], ...w.features.map((f) => driftRow(f, f.feature))]));
  }
  if (r.outputDrift.length) {
    out.push('', 'output drift (predicted class shares, or the score histogram, against the validation set)');
    out.push(formatTable([['version, window', ...DRIFT_HEAD], ...r.outputDrift.map((o) => driftRow(o.output, `${o.version}, ${describeWindow(o)}`))]));
  }
  if (r.quality.length) {
    out.push('', 'served quality (once labels arrive; interval levels per row)');
    const rows = [['version, window', 'labelled/predictions', 'level', 'metric', 'validation', 'served [interval]', 'change [interval]', 'status']];
    for (const q of r.quality) {
      const first = [`${q.version}, ${describeWindow(q)}`, `${q.labelled}/${q.predictions}`, q.status === 'no-data' ? '' : `${fmt(100 * q.confidence, 3)}%`];
      if (q.status === 'no-data') rows.push([...first, '', '', '', '', STATUS['no-data']!]);
      else q.metrics.forEach((m, i) => rows.push([...(i === 0 ? first : ['', '', '']), ...metricCells(m)]));
    }
    out.push(formatTable(rows));
    for (const q of r.quality.filter((x) => x.slices.length)) {
      out.push('', `worst slices of ${q.version}, ${describeWindow(q)} (${q.slicesJudged} judged, ${q.slicesRegressed} regressed)`);
      const sliceRows = [['slice', 'labelled', 'metric', 'validation', 'served [interval]', 'change [interval]', 'status']];
      for (const s of q.slices) s.metrics.forEach((m, i) => sliceRows.push([i === 0 ? `${s.feature}=${s.value}` : '', i === 0 ? String(s.labelled) : '', ...metricCells(m)]));
      out.push(formatTable(sliceRows));
    }
  }
  out.push('', r.findings.length ? `findings: ${r.findings.length}` : 'findings: none');
  for (const f of r.findings) out.push(`  ${f.kind === 'quality-regression' ? 'REGRESSION' : 'DRIFT'} ${f.message}`);
  return out.join('\n');
}

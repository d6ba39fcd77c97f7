import { judgeWindow, measure, type FeatureDrift } from './drift.js';
import { MetricsAccumulator, TASK_METRICS } from './metrics.js';
import type { ResolvedQualityOptions } from './options.js';
import type { ReferenceProfile } from './profile.js';
import type { DriftWindow, LabelSummary, OutputDriftWindow, QualityFinding, QualityReport, QualityWindow, SliceVerdict } from './report-types.js';
import { ServedFeature } from './served.js';
import type { QualityGroup, ServedData, WindowSpan } from './served-data.js';
import { normalQuantile } from './stats.js';
import { judgeMetric, metricValue, worsening, type MetricVerdict } from './verdict.js';
import { driftMessage, regressionMessage } from './messages.js';

export const OUTPUT = '(output)';

export interface ReportContext {
  referencePath: string | null;
  logs: QualityReport['logs'];
  labels: LabelSummary | null;
}

function driftWindows(served: ServedData, opts: ResolvedQualityOptions): { inputs: DriftWindow[]; outputs: OutputDriftWindow[] } {
  const ref = served.reference;
  const threshold = (name: string, kind: 'numeric' | 'categorical') => opts.thresholds[name] ?? (kind === 'numeric' ? opts.jensenShannon : opts.lInfinity);
  const inputs: DriftWindow[] = [];
  const outputs: OutputDriftWindow[] = [];
  const windows = served.windows();
  const active = versionsActive(served, windows, 'outputs');
  const activeVersions = (w: number) => active.filter((v) => v.windows.includes(w)).map((v) => v.version);
  const hasInputs = served.inputs.size > 0;
  for (const w of windows) {
    const s = served.inputs.get(w);
    const examples = s?.examples ?? 0;
    const measured: FeatureDrift[] = hasInputs
      ? ref.training.features.map((f) => measure(f.name, f, ref.training.examples, s?.features.get(f.name) ?? new ServedFeature(f, 0), examples, threshold(f.name, f.kind)))
      : [];
    const outs = activeVersions(w).map((version) => {
      const o = served.outputs.get(`${version}\0${w}`);
      const out = ref.validation.output;
      return { version, m: measure(OUTPUT, out, ref.validation.examples, o?.served ?? new ServedFeature(out, 0), o?.n ?? 0, threshold(OUTPUT, out.kind)) };
    });
    const judged = judgeWindow([...measured, ...outs.map((o) => o.m)], opts.falseAlarmRate, opts.minExamples);
    const features = judged.slice(0, measured.length);
    const span = served.span(w);
    if (hasInputs) {
      const status = examples === 0 ? 'no-data' : features.some((f) => f.status === 'drift') ? 'drift' : features.some((f) => f.status === 'ok') ? 'ok' : 'not-enough-data';
      inputs.push({ ...span, examples, violations: s?.violations ?? 0, status, features });
    }
    outs.forEach(({ version }, i) => {
      const output = judged[measured.length + i]!;
      outputs.push({ ...span, version, status: output.status, output });
    });
  }
  const order = (o: OutputDriftWindow) => `${o.version}\0${o.start}`;
  return { inputs, outputs: outputs.sort((a, b) => (order(a) < order(b) ? -1 : 1)) };
}

/** Each version, with the windows from its first to its last with data (a version deployed on day 3 has no rows before). */
function versionsActive(served: ServedData, windows: number[], of: 'outputs' | 'groups'): { version: string; windows: number[] }[] {
  const map = of === 'outputs' ? served.outputs : served.groups;
  const versions = [...new Set([...map.values()].map((g) => g.version))].sort();
  return versions.map((version) => {
    const own = windows.filter((w) => map.has(`${version}\0${w}`));
    return { version, windows: windows.filter((w) => w >= own[0]! && w <= own.at(-1)!) };
  });
}

function qualityWindow(group: QualityGroup | undefined, version: string, span: WindowSpan, ref: ReferenceProfile, opts: ResolvedQualityOptions, sliceKeys: readonly string[]): QualityWindow {
  const metrics = TASK_METRICS[ref.task];
  const overall = MetricsAccumulator.from(ref.validation.metrics);
  const refSlice = (feature: string, value: string) => {
    const m = ref.validation.slices.find((s) => s.feature === feature)?.values.find((v) => v.value === value)?.metrics;
    return m ? MetricsAccumulator.from(m) : new MetricsAccumulator();
  };
  const slices: { feature: string; value: string; ref: MetricsAccumulator; served: MetricsAccumulator }[] = [];
  for (const feature of sliceKeys) {
    for (const [value, m] of group?.slices.get(feature) ?? []) slices.push({ feature, value, ref: refSlice(feature, value), served: m });
  }
  const judged = slices.filter((s) => s.served.n >= opts.minLabelled && s.ref.n >= 2).length;
  // One-sided tests, false-alarm share split over every metric of the group and of its judged slices.
  const alpha = opts.falseAlarmRate / (metrics.length * (1 + judged));
  const z = normalQuantile(1 - alpha);
  const judge = (r: MetricsAccumulator, s: MetricsAccumulator) => metrics.map((m) => judgeMetric(m, r, s, z, opts.tolerance, opts.minLabelled));
  const statusOf = (vs: MetricVerdict[]) => (vs.some((v) => v.status === 'regression') ? 'regression' : vs[0]!.status);
  const sliceVerdicts: SliceVerdict[] = slices.map((s) => {
    const vs = judge(s.ref, s.served);
    return { feature: s.feature, value: s.value, labelled: s.served.n, status: statusOf(vs), metrics: vs };
  });
  const worst = (v: SliceVerdict) => Math.max(...v.metrics.map((m) => worsening(m) ?? -Infinity));
  sliceVerdicts.sort((a, b) => Number(b.status === 'regression') - Number(a.status === 'regression') || worst(b) - worst(a));
  const verdicts = judge(overall, group?.overall ?? new MetricsAccumulator());
  return {
    ...span,
    version,
    predictions: group?.predictions ?? 0,
    labelled: group?.labelled ?? 0,
    status: group && group.predictions + group.labelled > 0 ? statusOf(verdicts) : 'no-data',
    confidence: 1 - 2 * alpha,
    metrics: verdicts,
    slices: sliceVerdicts,
    slicesJudged: judged,
    slicesRegressed: sliceVerdicts.filter((v) => v.status === 'regression').length,
  };
}

function findings(inputs: DriftWindow[], outputs: OutputDriftWindow[], quality: { q: QualityWindow; slices: SliceVerdict[] }[]): QualityFinding[] {
  const out: QualityFinding[] = [];
  const win = (w: WindowSpan): WindowSpan => ({ start: w.start, end: w.end });
  const drift = (f: FeatureDrift) => ({ statistic: f.statistic, value: f.value!, threshold: f.threshold, pValue: f.pValue!, alpha: f.alpha!, psi: f.psi, category: f.category, n: f.n });
  for (const w of inputs) for (const f of w.features.filter((x) => x.status === 'drift')) out.push({ kind: 'input-drift', window: win(w), feature: f.feature, ...drift(f), message: driftMessage('input drift in', f.feature, f, w) });
  for (const w of outputs) if (w.output.status === 'drift') out.push({ kind: 'output-drift', window: win(w), version: w.version, ...drift(w.output), message: driftMessage('output drift of version', w.version, w.output, w) });
  for (const { q, slices } of quality) {
    const regressions = [...q.metrics.map((m) => ({ m, slice: null })), ...slices.flatMap((s) => s.metrics.map((m) => ({ m, slice: { feature: s.feature, value: s.value } })))];
    for (const { m, slice } of regressions.filter((r) => r.m.status === 'regression')) {
      out.push({
        kind: 'quality-regression',
        window: win(q),
        version: q.version,
        slice,
        metric: m.metric,
        reference: m.reference!,
        served: m.served!,
        change: m.change!,
        changeInterval: m.changeInterval!,
        tolerance: m.tolerance,
        n: m.n,
        message: regressionMessage(q, m, slice),
      });
    }
  }
  return out;
}

/** The report: drift per window, quality per version and window, and every finding. */
export function buildQualityReport(served: ServedData, opts: ResolvedQualityOptions, ctx: ReportContext): QualityReport {
  const ref = served.reference;
  const { inputs, outputs } = driftWindows(served, opts);
  const judged: { q: QualityWindow; slices: SliceVerdict[] }[] = [];
  const windows = served.windows();
  for (const { version, windows: own } of versionsActive(served, windows, 'groups')) {
    for (const w of own) {
      const q = qualityWindow(served.groups.get(`${version}\0${w}`), version, served.span(w), ref, opts, served.sliceKeys);
      judged.push({ q: { ...q, slices: q.slices.slice(0, opts.worstSlices) }, slices: q.slices });
    }
  }
  const quality = judged.map((j) => j.q);
  const all = findings(inputs, outputs, judged);
  const refMetrics = MetricsAccumulator.from(ref.validation.metrics);
  const metricValues = Object.fromEntries(TASK_METRICS[ref.task].map((m) => [m, metricValue(refMetrics, m)]));
  const nothing = windows.length === 0;
  return {
    format: 'tfjs-monitor-quality-report',
    reference: {
      path: ctx.referencePath,
      model: ref.model,
      version: ref.version,
      task: ref.task,
      classes: ref.classes,
      trainingExamples: ref.training.examples,
      validationExamples: ref.validation.examples,
      metrics: metricValues,
    },
    options: {
      windowMs: opts.windowMs ?? null,
      jensenShannon: opts.jensenShannon,
      lInfinity: opts.lInfinity,
      thresholds: opts.thresholds,
      falseAlarmRate: opts.falseAlarmRate,
      minExamples: opts.minExamples,
      minLabelled: opts.minLabelled,
      tolerance: opts.tolerance,
      slices: [...served.sliceKeys],
    },
    logs: ctx.logs,
    labels: ctx.labels,
    inputDrift: inputs,
    outputDrift: outputs,
    quality,
    findings: all,
    status: nothing ? 'no-data' : all.length ? 'finding' : 'ok',
  };
}

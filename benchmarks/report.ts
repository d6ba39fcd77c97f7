/**
 * The benchmark's targets, judged on intervals, and its tables in markdown (results.md, and the
 * README's benchmark section). Pure: figures in, text out.
 */
import type { FitResult } from './fit-overhead.js';
import type { Row } from './inspector.js';
import type { machine } from './lib.js';
import { MIN_ROUNDS, formatInterval, percent, verdict, type Interval, type Verdict } from './stats.js';

export type ModelKey = 'mlp' | 'cnn';

export interface Target {
  model: ModelKey;
  variant: string;
  measure: 'endToEnd' | 'direct';
  /** The largest acceptable figure, as a fraction (0.03 = 3%). */
  limit: number;
}

export interface JudgedTarget extends Target {
  bench: string;
  interval: Interval;
  verdict: Verdict;
}

/** Judges each target whose model was run; a target on a model not run is left out, not guessed. */
export function judgeTargets(targets: readonly Target[], fits: Partial<Record<ModelKey, FitResult>>): JudgedTarget[] {
  return targets.flatMap((t) => {
    const fit = fits[t.model];
    const v = fit?.variants[t.variant];
    if (!fit || !v) return [];
    const interval = t.measure === 'direct' ? v.direct : v.endToEnd;
    return [{ ...t, bench: `${fit.name}, ${fit.backend}`, interval, verdict: verdict(interval, t.limit) }];
  });
}

const VERDICT_TEXT: Record<Verdict, string> = {
  met: 'met (the whole interval is within the target)',
  missed: '**missed** (the whole interval is above the target)',
  unresolved: '**unresolved** (the interval straddles the target: this run cannot tell)',
};

export function describeVerdict(v: Verdict, rounds: number): string {
  if (v === 'unresolved' && rounds < MIN_ROUNDS) return `**unresolved** (only ${rounds} round${rounds === 1 ? '' : 's'}: at least ${MIN_ROUNDS} are needed for a verdict)`;
  return VERDICT_TEXT[v];
}

const ms = (x: number) => (x < 1 ? x.toFixed(3) : x.toFixed(1));

/** The overhead table of one model: direct and end-to-end figures side by side. */
export function fitTable(fit: FitResult): string {
  const lines = [
    `**${fit.name}**, ${fit.backend}: ${fit.batches} batches of 32 per fit, ${fit.msPerBatchNoMonitor.toFixed(2)} ms per batch ` +
      `unmonitored, ${fit.rounds} interleaved rounds.`,
    '',
    "| configuration | monitor's own time per batch | direct: own time / step [95%] | inside tfjs's step, not in the direct figure [95%] | end to end [95%] | once per fit (start, epoch end, end) |",
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [label, v] of Object.entries(fit.variants)) {
    const inStep = v.inStep ? `${formatInterval(v.inStep, true)}: ${v.inStep.what}` : '—';
    lines.push(
      `| ${label} | ${ms(v.ownMsPerBatch.estimate)} ms | ${formatInterval(v.direct, false, 2)} | ${inStep} | ${formatInterval(v.endToEnd, true)} | ${ms(v.onceMsPerFit)} ms |`,
    );
  }
  return lines.join('\n');
}

export function targetTable(judged: readonly JudgedTarget[]): string {
  const lines = ['| target | model | measure | figure [95%] | verdict |', '| --- | --- | --- | --- | --- |'];
  for (const t of judged) {
    const measure = t.measure === 'direct' ? "direct (monitor's own time / step)" : 'end to end (fit time vs no monitor)';
    lines.push(`| ${t.variant} ≤ ${percent(t.limit)} | ${t.bench} | ${measure} | ${formatInterval(t.interval, t.measure === 'endToEnd', t.measure === 'direct' ? 2 : 1)} | ${describeVerdict(t.verdict, t.interval.n)} |`);
  }
  return lines.join('\n');
}

export function rowTable(rows: readonly Row[]): string {
  const lines = ['| benchmark | backend | variant | result | target |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.bench} | ${r.backend} | ${r.variant} | ${r.figure} | ${r.target ? `${r.target} ${r.met ? 'met' : '**missed**'}` : ''} |`);
  return lines.join('\n');
}

/** The probe's cost per example, as a row of the other measurements. */
export function probeRow(fit: FitResult): Row {
  const p = fit.probe;
  return {
    bench: fit.name,
    backend: fit.backend,
    variant: 'dead-ReLU probe cost',
    figure: `${(p.msPerProbeExample * 1000).toFixed(1)} µs per probe example (training: ${(p.msPerTrainingExample * 1000).toFixed(1)} µs per example)`,
  };
}

export function machineLine(m: ReturnType<typeof machine>, note: string): string {
  return (
    `Measured ${m.date.slice(0, 10)} on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB; load average ${m.loadAverage} at the start), ` +
    `Node ${m.node}, tfjs ${m.tfjs}. ${note}`
  );
}

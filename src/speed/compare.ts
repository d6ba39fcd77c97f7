import { cell } from '../core/format-number.js';
import { formatTable } from '../common/text-table.js';
import type { SpeedSummary } from './summary.js';

export interface SpeedTolerance {
  /** Largest allowed drop in examples/s, and rise in median ms/batch, as a fraction (0.2 = 20%). */
  throughput: number;
  /** Largest allowed rise in peak tensors, tensor bytes and process RSS, as a fraction. */
  memory: number;
}

export const DEFAULT_SPEED_TOLERANCE: SpeedTolerance = { throughput: 0.2, memory: 0.2 };

export interface ComparisonRow {
  metric: string;
  baseline: number | null;
  run: number | null;
  /** (run - baseline) / baseline */
  change: number | null;
  better: 'higher' | 'lower';
  /** The tolerance judged against, or null for a figure shown but not judged. */
  tolerance: number | null;
  regressed: boolean;
}

export interface SpeedComparison {
  rows: ComparisonRow[];
  regressions: ComparisonRow[];
}

function row(
  metric: string,
  baseline: number | null | undefined,
  run: number | null | undefined,
  better: 'higher' | 'lower',
  tolerance: number | null,
): ComparisonRow {
  const b = baseline ?? null;
  const r = run ?? null;
  const change = b !== null && r !== null && b !== 0 ? (r - b) / b : null;
  const worse = change === null ? 0 : better === 'higher' ? -change : change;
  return { metric, baseline: b, run: r, change, better, tolerance, regressed: tolerance !== null && worse > tolerance };
}

/**
 * Compares a run with its baseline: throughput (examples/s, median ms/batch) and memory peaks
 * (tensors, tensor bytes, RSS). p95 ms/batch is shown but not judged: on a shared machine the
 * tail is noise, and a real slowdown moves the median.
 */
export function compareSpeed(baseline: SpeedSummary, run: SpeedSummary, tolerance: SpeedTolerance): SpeedComparison {
  const rows = [
    row('examples/s (median)', baseline.examplesPerSecond, run.examplesPerSecond, 'higher', tolerance.throughput),
    row('ms/batch (median)', baseline.msPerBatch.median, run.msPerBatch.median, 'lower', tolerance.throughput),
    row('ms/batch (p95)', baseline.msPerBatch.p95, run.msPerBatch.p95, 'lower', null),
    row('peak tensors', baseline.memory.peakNumTensors, run.memory.peakNumTensors, 'lower', tolerance.memory),
    row('peak tensor bytes', baseline.memory.peakNumBytes, run.memory.peakNumBytes, 'lower', tolerance.memory),
    row('peak RSS bytes', baseline.memory.peakRss, run.memory.peakRss, 'lower', tolerance.memory),
  ];
  return { rows, regressions: rows.filter((r) => r.regressed) };
}

/**
 * A row's verdict. A judged figure missing on one side, or zero (the run or baseline measured
 * nothing), is 'not comparable': never a pass. One absent on both sides (RSS in a browser,
 * examples/s without batch sizes) was 'not measured' in either run.
 */
export type Verdict = 'ok' | 'regression' | 'not judged' | 'not measured' | 'not comparable';

export function verdictOf(r: ComparisonRow): Verdict {
  if (r.tolerance === null) return 'not judged';
  if (r.regressed) return 'regression';
  if (r.baseline === null && r.run === null) return 'not measured';
  if (r.baseline === null || r.run === null || r.baseline === 0 || r.run === 0) return 'not comparable';
  return 'ok';
}

const THROUGHPUT = ['examples/s (median)', 'ms/batch (median)'];

/**
 * Why the comparison is not comparable: each judged figure missing or zero on one side, or no
 * throughput figure in either. Empty when every judged figure was compared.
 */
export function comparabilityProblems(c: SpeedComparison): string[] {
  const problems = c.rows.flatMap((r) => {
    if (verdictOf(r) !== 'not comparable') return [];
    const side = (v: number | null, where: string) => (v === null ? [`${r.metric} missing in the ${where}`] : v === 0 ? [`${r.metric} is 0 in the ${where}`] : []);
    return [...side(r.baseline, 'baseline'), ...side(r.run, 'run')];
  });
  const throughput = c.rows.filter((r) => THROUGHPUT.includes(r.metric));
  if (throughput.every((r) => verdictOf(r) === 'not measured')) problems.push('no throughput figure (examples/s, ms/batch) in either');
  return problems;
}

/** Why `summary` cannot serve as a baseline, or null: a baseline no run can be compared with is refused. */
export function unusableAsBaseline(summary: SpeedSummary): string | null {
  if (summary.batches === 0) return 'it ran no batch';
  const self = compareSpeed(summary, summary, DEFAULT_SPEED_TOLERANCE);
  const zero = self.rows.filter((r) => verdictOf(r) === 'not comparable').map((r) => r.metric);
  if (zero.length) return `${zero.join(', ')} ${zero.length > 1 ? 'are' : 'is'} 0`;
  return comparabilityProblems(self).length ? 'it has no throughput figure (examples/s, ms/batch)' : null;
}

const num = (v: number | null) => cell(v, { digits: 2, large: 1e5, small: 0, exponentDigits: 3 });

export const VERDICT_TEXT: Record<Verdict, string> = {
  ok: 'ok',
  regression: 'REGRESSION',
  'not judged': '',
  'not measured': 'not measured',
  'not comparable': 'NOT COMPARABLE',
};

/** A side-by-side table for a terminal or CI log. */
export function formatComparison(c: SpeedComparison): string {
  const rows = [
    ['metric', 'baseline', 'run', 'change', 'allowed', 'verdict'],
    ...c.rows.map((r) => [
      r.metric,
      num(r.baseline),
      num(r.run),
      r.change === null ? '-' : `${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%`,
      r.tolerance === null ? 'not judged' : `${r.better === 'higher' ? '-' : '+'}${(r.tolerance * 100).toFixed(0)}%`,
      VERDICT_TEXT[verdictOf(r)],
    ]),
  ];
  return formatTable(rows);
}

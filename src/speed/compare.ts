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

function num(v: number | null): string {
  if (v === null) return '-';
  return Math.abs(v) >= 1e5 ? v.toExponential(3) : String(+v.toFixed(2));
}

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
      r.regressed ? 'REGRESSION' : r.tolerance === null ? '' : 'ok',
    ]),
  ];
  return formatTable(rows);
}

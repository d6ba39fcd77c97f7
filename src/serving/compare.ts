import { diffDependencies, type DependencyDiff } from '../deps/diff.js';
import { bootstrapRatios, meanStatistic, quantileStatistic, rateDifference, type RatioInterval } from './intervals.js';
import type { ServingRun } from './run.js';

export interface ServingTolerance {
  /** Largest allowed rise of p50 and p95 latency, as a fraction (0.2 = 20%). */
  latency: number;
  /** Largest allowed drop of examples per active second, as a fraction. */
  throughput: number;
  /** Largest allowed rise of the error rate, in absolute terms (0.001 = 0.1 percentage point). */
  errorRate: number;
  /** Largest allowed rise of peak tensors, tensor bytes and RSS, as a fraction. */
  memory: number;
}

export const DEFAULT_SERVING_TOLERANCE: ServingTolerance = { latency: 0.2, throughput: 0.2, errorRate: 0.001, memory: 0.2 };

/** Calls each run needs before anything is judged: with fewer, p95 rests on a handful of calls. */
export const DEFAULT_MIN_CALLS = 200;

export type Verdict = 'ok' | 'regression' | 'improved' | 'within noise' | 'not enough data' | 'not judged';

export interface ServingComparisonRow {
  metric: string;
  baseline: number | null;
  run: number | null;
  /** Relative change (run / baseline − 1), or the absolute difference for the error rate. */
  change: number | null;
  /** 99% interval of the change, where there is one. */
  interval: [number, number] | null;
  /** The tolerance judged against, or null for a figure shown but not judged. */
  tolerance: number | null;
  absolute: boolean;
  verdict: Verdict;
}

export interface ServingComparison {
  /** Null when the runs can be compared; else why not (a different model, another batch size). */
  notComparable: string | null;
  minCalls: number;
  calls: { baseline: number; run: number };
  enoughData: boolean;
  rows: ServingComparisonRow[];
  regressions: ServingComparisonRow[];
  dependencies: DependencyDiff;
}

/**
 * Judges a change that is worse when positive (pass −change for higher-is-better figures):
 * a regression only when it exceeds the tolerance AND its interval excludes no change, so
 * noise alone never fails a comparison.
 */
function verdict(change: number | null, interval: [number, number] | null, tolerance: number | null, enough: boolean): Verdict {
  if (tolerance === null) return 'not judged';
  if (!enough) return 'not enough data';
  if (change === null) return 'not judged';
  const [low, high] = interval ?? [change, change];
  if (change > tolerance) return low > 0 ? 'regression' : 'within noise';
  if (change < -tolerance && high < 0) return 'improved';
  return 'ok';
}

function relativeRow(metric: string, b: number | null | undefined, r: number | null | undefined, tolerance: number | null, enough: boolean, ci: RatioInterval | null = null): ServingComparisonRow {
  const baseline = b ?? null;
  const run = r ?? null;
  const change = baseline !== null && run !== null && baseline > 0 ? run / baseline - 1 : null;
  const interval: [number, number] | null = ci ? [ci.low - 1, ci.high - 1] : null;
  return { metric, baseline, run, change, interval, tolerance, absolute: false, verdict: verdict(change, interval, tolerance, enough) };
}

/** Why two runs cannot be compared, or null. */
function comparability(a: ServingRun, b: ServingRun): string | null {
  if (a.model !== b.model) return `the baseline serves model ${JSON.stringify(a.model)}, the run ${JSON.stringify(b.model)}`;
  const [x, y] = [a.batchSize.mean, b.batchSize.mean];
  if (x !== null && y !== null && Math.abs(y - x) > 0.1 * Math.max(x, y)) {
    return `the baseline served ${+x.toFixed(2)} examples per call on average, the run ${+y.toFixed(2)}: latency depends on batch size, so replay the same traffic to both versions`;
  }
  return null;
}

/**
 * Compares a run of served traffic with the baseline run of the version served before: p50,
 * p95 (and p99, shown) latency with bootstrap intervals from their histograms, throughput,
 * error rate with a score interval, and peak memory. Nothing is judged below `minCalls` calls
 * in either run.
 */
export function compareServingRuns(baseline: ServingRun, run: ServingRun, tolerance: ServingTolerance = DEFAULT_SERVING_TOLERANCE, minCalls = DEFAULT_MIN_CALLS): ServingComparison {
  const enough = baseline.latency.count >= minCalls && run.latency.count >= minCalls;
  const [ci50, ci95, ci99, mean] = bootstrapRatios(baseline.latency, run.latency, [quantileStatistic(0.5), quantileStatistic(0.95), quantileStatistic(0.99), meanStatistic]);
  const cis: Record<number, RatioInterval | null | undefined> = { 50: ci50, 95: ci95, 99: ci99 };
  const lat = (name: string, p: number, judged: boolean) =>
    relativeRow(name, baseline.latencySeconds[`p${p}` as 'p50'], run.latencySeconds[`p${p}` as 'p50'], judged ? tolerance.latency : null, enough, cis[p] ?? null);
  const ms = (row: ServingComparisonRow) => ({ ...row, baseline: row.baseline === null ? null : row.baseline * 1000, run: row.run === null ? null : row.run * 1000 });
  const rows = [ms(lat('latency p50 (ms)', 50, true)), ms(lat('latency p95 (ms)', 95, true)), ms(lat('latency p99 (ms)', 99, false))];

  // Throughput is one figure per run: its interval is the mean latency's, inverted.
  const thr = relativeRow('throughput (examples/s)', baseline.examplesPerSecond, run.examplesPerSecond, tolerance.throughput, enough);
  if (thr.change !== null && mean) {
    const t = thr.change + 1;
    thr.interval = [(t * mean.ratio) / mean.high - 1, (t * mean.ratio) / mean.low - 1];
  }
  thr.verdict = verdict(thr.change === null ? null : -thr.change, thr.interval && [-thr.interval[1], -thr.interval[0]], tolerance.throughput, enough);
  rows.push(thr);

  const errors = (r: ServingRun) => Math.round((r.errorRate ?? 0) * r.calls);
  const diff = rateDifference(errors(baseline), baseline.calls, errors(run), run.calls);
  const interval: [number, number] | null = diff ? [diff.low, diff.high] : null;
  rows.push({
    metric: 'error rate',
    baseline: baseline.errorRate,
    run: run.errorRate,
    change: diff?.difference ?? null,
    interval,
    tolerance: tolerance.errorRate,
    absolute: true,
    verdict: verdict(diff?.difference ?? null, interval, tolerance.errorRate, baseline.calls >= minCalls && run.calls >= minCalls),
  });

  const memory = (name: string, pick: (r: ServingRun) => number | undefined, judged = true) => {
    const [b, r] = [pick(baseline), pick(run)];
    return relativeRow(name, b, r, !judged || b === undefined || r === undefined ? null : tolerance.memory, enough);
  };
  rows.push(
    memory('peak tensors', (r) => r.memory.peakNumTensors),
    memory('peak tensor bytes', (r) => r.memory.peakNumBytes),
    memory('peak RSS bytes', (r) => r.memory.peakRss),
    // Shown, not judged: the JS heap's peak depends on when the collector last ran.
    memory('peak JS heap bytes', (r) => r.memory.peakHeapUsed, false),
  );

  const notComparable = comparability(baseline, run);
  return {
    notComparable,
    minCalls,
    calls: { baseline: baseline.calls, run: run.calls },
    enoughData: enough,
    rows,
    regressions: notComparable ? [] : rows.filter((r) => r.verdict === 'regression'),
    dependencies: diffDependencies(baseline.dependencies, run.dependencies),
  };
}

import { formatTable } from '../common/text-table.js';
import { fmt } from '../core/format-number.js';
import { formatDependencyDiff } from '../deps/diff.js';
import type { ServingComparison, ServingComparisonRow } from './compare.js';
import type { ServingRun } from './run.js';

const signed = (v: number, text: string) => `${v >= 0 ? '+' : ''}${text}`;
const pct = (v: number) => signed(v, `${(v * 100).toFixed(1)}%`);
const pp = (v: number) => signed(v, `${(v * 100).toFixed(2)} pp`);

function value(r: ServingComparisonRow, v: number | null): string {
  if (v === null) return '-';
  return r.absolute ? `${(v * 100).toFixed(2)}%` : fmt(v);
}

function change(r: ServingComparisonRow, v: number): string {
  return r.absolute ? pp(v) : pct(v);
}

/** `v2 (code a1b2, data d7, wasm)` */
function describe(run: ServingRun): string {
  return `${run.versions.modelVersion} (code ${run.versions.codeVersion}, data ${run.versions.dataVersion}, ${run.backend})`;
}

/** The side-by-side table `tfjs-monitor serving compare` prints, with the calls, verdicts and dependency changes. */
export function formatServingComparison(c: ServingComparison, baseline: ServingRun, run: ServingRun): string {
  const better = (r: ServingComparisonRow) => (r.metric.startsWith('throughput') ? '-' : '+');
  const rows = [
    ['metric', 'baseline', 'run', 'change', '99% interval', 'allowed', 'verdict'],
    ...c.rows.map((r) => [
      r.metric,
      value(r, r.baseline),
      value(r, r.run),
      r.change === null ? '-' : change(r, r.change),
      r.interval ? `${change(r, r.interval[0])} … ${change(r, r.interval[1])}` : '',
      r.tolerance === null ? 'not judged' : r.absolute ? `+${(r.tolerance * 100).toFixed(2)} pp` : `${better(r)}${(r.tolerance * 100).toFixed(0)}%`,
      r.verdict === 'regression' ? 'REGRESSION' : r.verdict === 'not judged' ? '' : r.verdict,
    ]),
  ];
  const lines = [
    `model ${baseline.model}: baseline ${describe(baseline)} → run ${describe(run)}`,
    `calls: baseline ${c.calls.baseline}, run ${c.calls.run}; at least ${c.minCalls} returned calls in each are needed to judge` +
      (c.enoughData ? '' : ` — NOT ENOUGH DATA (baseline ${baseline.latency.count}, run ${run.latency.count} returned)`),
    '',
    formatTable(rows),
    '',
    c.dependencies.same ? 'dependencies: no change' : `dependencies changed:\n${indent(formatDependencyDiff(c.dependencies))}`,
  ];
  return lines.join('\n');
}

const indent = (text: string) => text.replace(/^/gm, '  ');

/** The last line: what the comparison concludes, matching the exit code. */
export function servingVerdictLine(c: ServingComparison): string {
  if (c.notComparable) return `not comparable: ${c.notComparable}`;
  if (c.regressions.length > 0) return `${c.regressions.length} regression(s): ${c.regressions.map((r) => r.metric).join(', ')}`;
  if (!c.enoughData) return `not enough data: each run needs at least ${c.minCalls} returned calls; nothing was judged`;
  const noise = c.rows.filter((r) => r.verdict === 'within noise');
  return noise.length > 0 ? `no regression (${noise.map((r) => r.metric).join(', ')}: beyond the tolerance but within noise)` : 'no regression';
}

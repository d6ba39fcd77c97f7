import { parseArgs } from 'node:util';
import { findBaseline, NoBaselineError, readBaselineFile, readRun, readRunSummary, recordBaseline } from '../speed/baseline-file.js';
import { InputFileError } from '../common/files.js';
import { diffDependencies, formatDependencyDiff } from '../deps/diff.js';
import { comparabilityProblems, compareSpeed, DEFAULT_SPEED_TOLERANCE, formatComparison, unusableAsBaseline } from '../speed/compare.js';
import { describeKey } from '../speed/summary.js';
import { UsageError, type Io } from './io.js';

function fraction(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a fraction > 0 (0.2 = 20%), got ${JSON.stringify(value)}`);
  return n;
}

/**
 * `tfjs-monitor speed compare <baseline.json> <run.json>`: 0 ok, 1 regression, 3 no baseline, or
 * not comparable (a judged figure missing or zero on one side) with no regression among the others.
 */
export function speedCompare(args: string[], io: Io): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { throughput: { type: 'string' }, memory: { type: 'string' } },
  });
  if (positionals.length !== 2) throw new UsageError('usage: tfjs-monitor speed compare <baseline.json> <run.json> [--throughput 0.2] [--memory 0.2]');
  const [baselinePath, runPath] = positionals as [string, string];
  const tolerance = {
    throughput: fraction('throughput', values.throughput, DEFAULT_SPEED_TOLERANCE.throughput),
    memory: fraction('memory', values.memory, DEFAULT_SPEED_TOLERANCE.memory),
  };
  const run = readRunSummary(runPath);
  const baseline = findBaseline(readBaselineFile(baselinePath), run.key);
  if (!baseline) {
    io.err(`${new NoBaselineError(baselinePath, run.key).message}`);
    return 3;
  }
  const comparison = compareSpeed(baseline, run, tolerance);
  io.out(`${describeKey(run.key)}\n\n${formatComparison(comparison)}\n`);
  // A notification, not a verdict: the exit code stays the speed comparison's.
  if (baseline.dependencies && run.dependencies) {
    const diff = diffDependencies(baseline.dependencies, run.dependencies);
    if (!diff.same) io.out(`dependencies changed since the baseline:\n${formatDependencyDiff(diff).replace(/^/gm, '  ')}\n`);
  }
  const problems = comparabilityProblems(comparison);
  const notComparable =
    `not comparable with the baseline in ${baselinePath}: ${problems.join('; ')}. Missing data is not a pass; ` +
    `record a baseline from a complete run with \`tfjs-monitor speed record <run.json> --baseline ${baselinePath}\``;
  if (comparison.regressions.length > 0) {
    io.out(`${comparison.regressions.length} regression(s): ${comparison.regressions.map((r) => r.metric).join(', ')}`);
    if (problems.length) io.err(notComparable);
    return 1;
  }
  if (problems.length) {
    io.err(notComparable);
    return 3;
  }
  io.out('no regression');
  return 0;
}

/** `tfjs-monitor speed record <run.json> --baseline <baseline.json>` */
export function speedRecord(args: string[], io: Io): number {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { baseline: { type: 'string' } } });
  if (positionals.length !== 1 || !values.baseline) throw new UsageError('usage: tfjs-monitor speed record <run.json> --baseline <baseline.json>');
  const { summary, status } = readRun(positionals[0]!);
  // As with speed.baseline.record: a run that failed or was stopped would replace a trusted baseline.
  const unhealthy = status === 'failed' ? 'the run failed' : status === 'stopped' ? 'the run was stopped early' : null;
  const unusable = unhealthy ?? unusableAsBaseline(summary);
  if (unusable) throw new InputFileError(`run file ${positionals[0]} cannot be a baseline: ${unusable}; nothing was recorded`);
  const file = recordBaseline(values.baseline, summary);
  io.out(`recorded the baseline for ${describeKey(summary.key)} in ${values.baseline} (${file.entries.length} baseline(s) in the file)`);
  return 0;
}

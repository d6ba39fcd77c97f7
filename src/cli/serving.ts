import { parseArgs } from 'node:util';
import { readServingRun } from '../node/serving-file.js';
import { compareServingRuns, DEFAULT_MIN_CALLS, DEFAULT_SERVING_TOLERANCE } from '../serving/compare.js';
import { formatServingComparison, servingVerdictLine } from '../serving/format-compare.js';
import { servingRules } from '../serving/rules.js';
import { parseDuration } from '../staleness/duration.js';
import { UsageError, type Io } from './io.js';

function positive(name: string, value: string | undefined, fallback: number, { integer = false } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} > 0, got ${JSON.stringify(value)}`);
  }
  return n;
}

const COMPARE_USAGE =
  'usage: tfjs-monitor serving compare <baseline.json> <run.json> [--latency 0.2] [--throughput 0.2] [--error-rate 0.001] [--memory 0.2] [--min-calls 200] [--json]';

/** `tfjs-monitor serving compare`: 0 no regression, 1 regression, 2 bad input, 3 not comparable or not enough data. */
export function servingCompare(args: string[], io: Io): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      latency: { type: 'string' },
      throughput: { type: 'string' },
      'error-rate': { type: 'string' },
      memory: { type: 'string' },
      'min-calls': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length !== 2) throw new UsageError(COMPARE_USAGE);
  const d = DEFAULT_SERVING_TOLERANCE;
  const tolerance = {
    latency: positive('latency', values.latency, d.latency),
    throughput: positive('throughput', values.throughput, d.throughput),
    errorRate: positive('error-rate', values['error-rate'], d.errorRate),
    memory: positive('memory', values.memory, d.memory),
  };
  const minCalls = positive('min-calls', values['min-calls'], DEFAULT_MIN_CALLS, { integer: true });
  const baseline = readServingRun(positionals[0]!, 'baseline run');
  const run = readServingRun(positionals[1]!, 'run');
  const comparison = compareServingRuns(baseline, run, tolerance, minCalls);
  const code = comparison.notComparable ? 3 : comparison.regressions.length > 0 ? 1 : comparison.enoughData ? 0 : 3;
  if (values.json) io.out(JSON.stringify({ ...comparison, verdict: servingVerdictLine(comparison), exitCode: code }, null, 2));
  else io.out(`${formatServingComparison(comparison, baseline, run)}\n\n${servingVerdictLine(comparison)}`);
  return code;
}

/** `tfjs-monitor serving rules`: the recording and alerting rules, on stdout. */
export function servingRulesCommand(args: string[], io: Io): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      p95: { type: 'string' },
      'error-ratio': { type: 'string' },
      window: { type: 'string' },
      for: { type: 'string' },
      interval: { type: 'string' },
      model: { type: 'string' },
    },
  });
  if (positionals.length > 0 || values.p95 === undefined || values['error-ratio'] === undefined) {
    throw new UsageError('usage: tfjs-monitor serving rules --p95 50ms --error-ratio 0.01 [--window 5m] [--for 10m] [--interval 1m] [--model M]');
  }
  const errorRatio = Number(values['error-ratio']);
  io.out(
    servingRules({
      p95Seconds: parseDuration(values.p95, '--p95') / 1000,
      errorRatio,
      ...(values.window ? { window: values.window } : {}),
      ...(values.for ? { for: values.for } : {}),
      ...(values.interval ? { interval: values.interval } : {}),
      ...(values.model ? { model: values.model } : {}),
    }).trimEnd(),
  );
  return 0;
}

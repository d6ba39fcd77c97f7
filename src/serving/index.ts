// The browser-safe serving monitor and dependency set (no Node built-in is reachable from here).
// The package root re-exports these; Node additions (process RSS, lockfile, files, Prometheus)
// are in src/node/.
export { monitorServing, ServedModel, type ServingListener, type CallEvent, type ServingPlatform } from './served-model.js';
export type { ServingOptions } from './options.js';
export type { GraphModelLike, ServableModel } from './model-kind.js';
export type { ServingFinding, ServingFindingBase, NonFiniteOutputFinding, ServingLeakFinding, DependencyChangeFinding } from './findings.js';
export { servingRun, SERVING_RUN_FORMAT, type ServingRun } from './run.js';
export { LogHistogram, quantileOf, type HistogramJson } from './histogram.js';
export {
  compareServingRuns,
  DEFAULT_SERVING_TOLERANCE,
  DEFAULT_MIN_CALLS,
  type ServingComparison,
  type ServingComparisonRow,
  type ServingTolerance,
  type Verdict,
} from './compare.js';
export { formatServingComparison, servingVerdictLine } from './format-compare.js';
export { servingRules, servingRecordNames, ServingRuleError, type ServingRuleOptions } from './rules.js';
export { SERVING_METRICS, VERSION_LABELS, DEFAULT_LATENCY_BUCKETS } from './metric-names.js';
export { collectDependencies, type CollectOptions } from '../deps/collect.js';
export { diffDependencies, formatDependencyDiff, type DependencyDiff, type DependencyChange } from '../deps/diff.js';
export { dependencySet, type DependencySet, type DataSource } from '../deps/dependency-set.js';

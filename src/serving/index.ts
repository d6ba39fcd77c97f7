// The browser-safe serving monitor and dependency set (no Node built-in is reachable from here),
// for the package root to re-export. Node's additions (process RSS, every loaded tfjs package, the
// lockfile, run files, Prometheus) are in src/node/.
export { monitorServing, type ServedModel, type ServingListener, type ServingPlatform } from './served-model.js';
export type { ServingOptions } from './options.js';
export type { GraphModelLike, ServableModel } from './model-kind.js';
export type { ServingFinding, ServingFindingBase, NonFiniteOutputFinding, ServingLeakFinding, DependencyChangeFinding } from './findings.js';
export type { ServingRun } from './run.js';
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
export { servingRules, ServingRuleError, type ServingRuleOptions } from './rules.js';
export { SERVING_METRICS, DEFAULT_LATENCY_BUCKETS } from './metric-names.js';
export { collectDependencies, type CollectOptions } from '../deps/collect.js';
export { diffDependencies, formatDependencyDiff, type DependencyDiff, type DependencyChange } from '../deps/diff.js';
export type { DependencySet, DataSource } from '../deps/dependency-set.js';

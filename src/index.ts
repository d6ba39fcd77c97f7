export { TrainingMonitor } from './stability/training-monitor.js';
export type { MonitorReport, LayerReport, RunStatus } from './stability/monitor-report.js';
export { formatReport } from './stability/format-report.js';
export { TrainingInstabilityError, MonitorSetupError } from './stability/errors.js';
export {
  DEFAULT_WEIGHT_BOUNDS,
  type Action,
  type TrainingMonitorOptions,
  type WeightBoundRule,
} from './stability/options.js';
export type {
  Finding,
  FindingKind,
  NonFiniteFinding,
  NonFiniteValues,
  WeightBoundFinding,
  MemoryGrowthFinding,
  SpeedRegressionFinding,
  DeadReluFinding,
  TrainingPosition,
} from './stability/findings.js';
export type { TimelinePoint } from './stability/timeline.js';
export { inspectTensor, type InspectOptions } from './inspect/inspect-tensor.js';
export { inspectModel, type WeightHealth } from './inspect/inspect-model.js';
export type { TensorHealth } from './inspect/tensor-health.js';
export type { InspectStrategy } from './inspect/read-values.js';
export { InvalidOptionsError } from './options/validate.js';
export { UnsupportedModelError } from './tfjs/model-guard.js';
export { StalenessTracker, type StageRecord, type StalenessQuery } from './staleness/tracker.js';
export type { StalenessReport, StalledStageFinding, StageStatus, VersionProgress } from './staleness/staleness-report.js';
export { DEFAULT_STAGES, UnknownStageError } from './staleness/pipeline.js';
export { DurationError, parseDuration } from './staleness/duration.js';
export { StoreError, type StageStore, type StageEvent, type RecordOutcome } from './staleness/store.js';
export { SqliteStore } from './staleness/sqlite-store.js';
export { PostgresStore } from './staleness/postgres-store.js';
export { openStore } from './staleness/open-store.js';
export { alertingRules, stalenessRegistry } from './staleness/prometheus.js';
export { defineFeatures, FeatureSet, FeatureInputError, type FeatureDefinition, type Features, type FeatureValue } from './parity/feature-set.js';
export { openFeatureLog, readFeatureLog, type FeatureLogWriter, type FeatureLogRecord } from './parity/feature-log.js';
export { checkParity, type ParityReport, type ParityOptions, type FeatureSkew, type InvariantFinding } from './parity/check-parity.js';
export { parseTolerances, type Tolerance } from './parity/tolerance.js';
export { formatParity } from './parity/format-parity.js';
export { renderHtmlReport, writeHtmlReport, type HtmlReportInput } from './report/html-report.js';
export type { LossPoint, EpochLogs } from './stability/monitor-report.js';

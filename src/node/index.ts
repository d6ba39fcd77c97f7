// tfjs-monitor for Node: everything the package root has, with the monitor's Node additions
// (baseline files, process memory, reports written to files), the staleness stores and the
// train/serve parity logs. `import … from 'tfjs-monitor'` in Node resolves here too.
export * from '../index.js';
export { TrainingMonitor, NODE_PLATFORM } from './training-monitor.js';
export { writeHtmlReport, writeJsonReport } from './write-report.js';
export type { NodeTrainingMonitorOptions } from '../exporters/monitor-options.js';
export { tensorBoardSink, TensorBoardSink, type TensorBoardOptions } from '../exporters/tensorboard/sink.js';
export { pushgatewaySink, PushgatewaySink } from '../exporters/pushgateway/sink.js';
export type { PushgatewayOptions } from '../exporters/pushgateway/options.js';
export { StalenessTracker, parseStageRecord, type StageRecord, type StalenessQuery } from '../staleness/tracker.js';
export type { SnapshotConsumer, SnapshotConsumersReport, SnapshotQuery } from '../staleness/snapshot-consumers.js';
export type { StoreProblemFinding } from '../staleness/event-problems.js';
export type { StalenessReport, StalledStageFinding, StageStatus, VersionProgress } from '../staleness/staleness-report.js';
export { DEFAULT_STAGES, UnknownStageError } from '../staleness/pipeline.js';
export { DurationError, parseDuration } from '../staleness/duration.js';
export { StoreError, type StageStore, type StageEvent, type RecordOutcome } from '../staleness/store.js';
export { SqliteStore } from '../staleness/sqlite-store.js';
export { PostgresStore } from '../staleness/postgres-store.js';
export { openStore, type OpenStoreOptions } from '../staleness/open-store.js';
export { alertingRules, stalenessRegistry } from '../staleness/prometheus.js';
export type { MetricsRegistry } from '../common/metrics-registry.js';
export { defineFeatures, FeatureSet, FeatureInputError, type FeatureDefinition, type Features, type FeatureValue } from '../parity/feature-set.js';
export type { StandardSchemaV1 } from '../parity/standard-schema.js';
export { openFeatureLog, readFeatureLog, type FeatureLogWriter, type FeatureLogRecord } from '../parity/feature-log.js';
export { checkParity, type ParityReport, type ParityOptions, type FeatureSkew, type InvariantFinding } from '../parity/check-parity.js';
export { parseTolerances, type Tolerance, type Tolerances } from '../parity/tolerance.js';
export type { ValueExample, Cut } from '../parity/cut.js';
export { formatParity } from '../parity/format-parity.js';
// Prediction quality and drift: the files, the CLI's check and the Prometheus gauges (the pure part is in the root).
export { openPredictionLog, readPredictionLog, type PredictionLogWriter, type PredictionLogEntry } from './prediction-log.js';
export { saveProfile, readProfile, mergeProfileFiles, profileTrainingLog } from './profile-file.js';
export { checkQuality, type QualityInput } from './check-quality.js';
export { qualityRegistry } from './quality-prometheus.js';
// Serving and dependency changes: Node's monitorServing and collectDependencies (process RSS, every
// loaded tfjs package, the lockfile) in place of the root's, run files and the Prometheus export.
export { monitorServing, type NodeServedModel, type NodeServingOptions } from './serving.js';
export { collectDependencies, findLockfile, type NodeCollectOptions } from './dependencies.js';
export { instrumentServing, type ServingMetricsOptions } from './serving-metrics.js';
export { readServingRun, saveServingRun } from './serving-file.js';

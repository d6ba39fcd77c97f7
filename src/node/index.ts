// tfjs-monitor for Node: everything the package root has, with the monitor's Node additions
// (baseline files, process memory, reports written to files), the staleness stores and the
// train/serve parity logs. `import … from 'tfjs-monitor'` in Node resolves here too.
export * from '../index.js';
export { TrainingMonitor, NODE_PLATFORM } from './training-monitor.js';
export { writeHtmlReport, writeJsonReport } from './write-report.js';
export { StalenessTracker, type StageRecord, type StalenessQuery } from '../staleness/tracker.js';
export type { StalenessReport, StalledStageFinding, StageStatus, VersionProgress } from '../staleness/staleness-report.js';
export { DEFAULT_STAGES, UnknownStageError } from '../staleness/pipeline.js';
export { DurationError, parseDuration } from '../staleness/duration.js';
export { StoreError, type StageStore, type StageEvent, type RecordOutcome } from '../staleness/store.js';
export { SqliteStore } from '../staleness/sqlite-store.js';
export { PostgresStore } from '../staleness/postgres-store.js';
export { openStore } from '../staleness/open-store.js';
export { alertingRules, stalenessRegistry } from '../staleness/prometheus.js';
export { defineFeatures, FeatureSet, FeatureInputError, type FeatureDefinition, type Features, type FeatureValue } from '../parity/feature-set.js';
export { openFeatureLog, readFeatureLog, type FeatureLogWriter, type FeatureLogRecord } from '../parity/feature-log.js';
export { checkParity, type ParityReport, type ParityOptions, type FeatureSkew, type InvariantFinding } from '../parity/check-parity.js';
export { parseTolerances, type Tolerance, type Tolerances } from '../parity/tolerance.js';
export type { ValueExample, Cut } from '../parity/cut.js';
export { formatParity } from '../parity/format-parity.js';
// Prediction quality and drift (ML Test Score Monitors 7 and 2). The pure part (profiles, drift,
// evaluateQuality, formatQuality) is browser-safe; it is listed here until the package root exports it.
export { ProfileBuilder, mergeProfiles, PROFILE_FORMAT, type ReferenceProfile, type ProfileOptions, type SliceProfile } from '../quality/profile.js';
export { parseProfile } from '../quality/profile-schema.js';
export type { FeatureProfile, NumericProfile, CategoricalProfile, ProfileFeatures, ProfileValue } from '../quality/feature-profile.js';
export type { Task, MetricName, ModelOutput, Label, MetricsJson } from '../quality/metrics.js';
export { evaluateQuality, QualityJoin, type ServedRecord, type PredictionRecord, type LabelRecord } from '../quality/join.js';
export type { QualityOptions } from '../quality/options.js';
export type * from '../quality/report-types.js';
export { formatQuality } from '../quality/format.js';
export { QualityInputError, FeatureSetMismatchError } from '../quality/errors.js';
export { jensenShannon, psi, lInfinity } from '../quality/divergence.js';
export { openPredictionLog, readPredictionLog, type PredictionLogWriter, type PredictionLogEntry } from './prediction-log.js';
export { saveProfile, readProfile, mergeProfileFiles, profileTrainingLog } from './profile-file.js';
export { checkQuality, type QualityInput } from './check-quality.js';
export { qualityRegistry } from './quality-prometheus.js';

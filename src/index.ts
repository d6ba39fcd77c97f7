// The package root: runs in Node and in browsers alike (no Node built-in is reachable from here).
// Node-only parts (files, stores, process memory, parity logs) are in 'tfjs-monitor/node'.
export { TrainingMonitor, type AnyCallback } from './monitor/training-monitor.js';
export type { TrainingWatch, StepInput, StepResult, WatchOptions, LoopLoss } from './monitor/loop-watch.js';
export type { MonitorReport, LayerReport, RunStatus, LossPoint, EpochLogs } from './monitor/run-report.js';
export type { TimelinePoint } from './monitor/timeline.js';
export { formatReport } from './monitor/format-report.js';
export { TrainingInstabilityError } from './monitor/instability-error.js';
export { MonitorSetupError } from './core/errors.js';
export type { Logger } from './core/logger.js';
export type { TrainingMonitorOptions, StageRecorder } from './monitor/options.js';
export type { MonitorSink, StepRecord } from './monitor/sink.js';
export type { ValueHistogram } from './inspect/histogram.js';
export type { Action, FindingAction } from './core/actions.js';
export type { Finding, FindingKind } from './monitor/findings.js';
export type { FindingBase, TrainingPosition } from './core/findings.js';
export type { NonFiniteFinding, NonFiniteValues, KernelFault } from './stability/non-finite.js';
export { DEFAULT_WEIGHT_BOUNDS, type WeightBoundFinding, type WeightBoundRule } from './stability/weight-bounds.js';
export type { DeadReluFinding } from './stability/dead-relu.js';
export type { UpdateRatioFinding } from './stability/update-ratio.js';
export type { LossSpikeFinding, LossSpike } from './stability/loss-spikes.js';
export type { MemoryGrowthFinding, SpeedRegressionFinding, TrainingDependencyChangeFinding } from './speed/findings.js';
export type { SpeedReport, MonitorTime } from './speed/speed-recorder.js';
export { inspectTensor, type InspectOptions } from './inspect/inspect-tensor.js';
export { inspectModel, type WeightHealth } from './tfjs/inspect-model.js';
export type { TensorHealth } from './inspect/tensor-health.js';
export type { InspectStrategy } from './inspect/read-values.js';
export { InvalidOptionsError, type OptionProblem } from './options/validate.js';
export { UnsupportedModelError } from './tfjs/model-guard.js';
export { renderHtmlReport, type HtmlReportInput } from './report/html-report.js';
// Prediction quality and drift (ML Test Score Monitors 7 and 2): profiles, drift and quality statistics.
export { ProfileBuilder, mergeProfiles, PROFILE_FORMAT, type ReferenceProfile, type ProfileOptions, type SliceProfile } from './quality/profile.js';
export { parseProfile } from './quality/profile-schema.js';
export type { FeatureProfile, NumericProfile, CategoricalProfile, ProfileFeatures, ProfileValue } from './quality/feature-profile.js';
export type { Task, MetricName, ModelOutput, Label, MetricsJson } from './quality/metrics.js';
export { evaluateQuality, QualityJoin, type ServedRecord, type PredictionRecord, type LabelRecord } from './quality/join.js';
export type { QualityOptions } from './quality/options.js';
export type * from './quality/report-types.js';
export { formatQuality } from './quality/format.js';
export { QualityInputError, FeatureSetMismatchError } from './quality/errors.js';
export { jensenShannon, psi, lInfinity } from './quality/divergence.js';
// Serving: latency, traffic, errors and memory per model version, and dependency changes (Monitors 6 and 1).
export * from './serving/index.js';

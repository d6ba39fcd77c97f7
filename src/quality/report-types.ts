import type { FeatureDrift } from './drift.js';
import type { MetricName, Task } from './metrics.js';
import type { WindowSpan } from './served-data.js';
import type { Interval } from './stats.js';
import type { MetricStatus, MetricVerdict } from './verdict.js';

export type { FeatureDrift, DriftStatus } from './drift.js';
export type { MetricVerdict, MetricStatus } from './verdict.js';
export type { WindowSpan } from './served-data.js';

/** Input drift in one window: every reference feature against the served examples. */
export interface DriftWindow extends WindowSpan {
  examples: number;
  /** Served records without features (they broke the input schema). */
  violations: number;
  status: 'drift' | 'ok' | 'not-enough-data' | 'no-data';
  features: FeatureDrift[];
}

/** Output drift of one model version in one window. */
export interface OutputDriftWindow extends WindowSpan {
  version: string;
  status: 'drift' | 'ok' | 'not-enough-data' | 'no-data' | 'not-judged';
  output: FeatureDrift;
}

export interface SliceVerdict {
  feature: string;
  value: string;
  labelled: number;
  status: MetricStatus;
  metrics: MetricVerdict[];
}

/** Served quality of one model version in one window, once labels joined. */
export interface QualityWindow extends WindowSpan {
  version: string;
  predictions: number;
  labelled: number;
  status: MetricStatus | 'no-data';
  /** The two-sided level of the intervals shown; a regression is judged one-sided at (1 + confidence) / 2. */
  confidence: number;
  metrics: MetricVerdict[];
  /** The worst slices (regressions first), at most `worstSlices`. */
  slices: SliceVerdict[];
  slicesJudged: number;
  slicesRegressed: number;
}

interface DriftFindingBase {
  window: WindowSpan;
  statistic: FeatureDrift['statistic'];
  value: number;
  threshold: number;
  /** How likely sampling alone is to give this difference, and the bound it had to be under. */
  pValue: number;
  alpha: number;
  psi: number | null;
  category: string | null;
  n: { reference: number; served: number };
  message: string;
}

export type QualityFinding =
  | (DriftFindingBase & { kind: 'input-drift'; feature: string })
  | (DriftFindingBase & { kind: 'output-drift'; version: string })
  | {
      kind: 'quality-regression';
      window: WindowSpan;
      version: string;
      slice: { feature: string; value: string } | null;
      metric: MetricName;
      reference: number;
      served: number;
      change: number;
      changeInterval: Interval;
      tolerance: number;
      n: { reference: number; served: number };
      message: string;
    };

/** What a log held: records used, malformed lines (the first few, with their numbers), bad values. */
export interface LogSummary {
  path: string;
  records: number;
  malformed: { count: number; lines: { line: number; error: string }[] };
  /** Well-formed records whose output or label cannot be used (wrong length, unknown class, …). */
  invalid: { count: number; lines: { line: number; error: string }[] };
  /** Outside since/until. */
  outside: number;
}

export interface LabelSummary {
  records: number;
  /** Labels joined to at least one prediction. */
  joined: number;
  /** Labels whose id no logged prediction has: counted, never silently dropped. */
  unknownIds: number;
  sampleUnknownIds: string[];
  /** Later labels for an id already labelled (the last one wins). */
  duplicates: number;
  /** Passes over the logs the join took: more than 1 when the labels did not fit in memory at once. */
  passes: number;
}

export interface QualityReport {
  format: 'tfjs-monitor-quality-report';
  reference: {
    path: string | null;
    model: string | null;
    version: string | null;
    task: Task;
    classes: string[] | null;
    trainingExamples: number;
    validationExamples: number;
    metrics: Partial<Record<MetricName, number>>;
  };
  options: {
    windowMs: number | null;
    jensenShannon: number;
    lInfinity: number;
    thresholds: Record<string, number>;
    falseAlarmRate: number;
    minExamples: number;
    minLabelled: number;
    tolerance: Record<MetricName, number>;
    slices: string[];
  };
  logs: { features: LogSummary | null; predictions: LogSummary | null; labels: LogSummary | null };
  labels: LabelSummary | null;
  inputDrift: DriftWindow[];
  outputDrift: OutputDriftWindow[];
  quality: QualityWindow[];
  findings: QualityFinding[];
  /** 'no-data': nothing served in the period, so nothing was compared (not "no drift"). */
  status: 'finding' | 'ok' | 'no-data';
}

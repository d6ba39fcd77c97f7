import type { InspectStrategy } from '../inspect/read-values.js';
import type { BaselineStatus } from '../speed/settle-baseline.js';
import type { SpeedReport } from '../speed/speed-recorder.js';
import type { TrainingPosition } from '../core/findings.js';
import type { LossSpike } from '../stability/loss-spikes.js';
import type { Finding } from './findings.js';
import type { TimelinePoint } from './timeline.js';
import type { DependencySet } from '../deps/dependency-set.js';

export type RunStatus = 'healthy' | 'warned' | 'stopped' | 'failed';

/** The loss at checks, bounded: a merged point keeps the lowest and highest loss of its steps. */
export interface LossPoint {
  step: number;
  toStep: number;
  min: number;
  max: number;
}

/** One epoch's logs as numbers: loss, metrics, and validation values. */
export type EpochLogs = { epoch: number } & Record<string, number>;

export type Measured = Omit<TimelinePoint, 'step' | 'toStep' | 'epoch' | 'batch'>;

export interface LayerReport {
  name: string;
  className: string;
  weights: string[];
  /** Whether the dead-ReLU probe measured this layer. */
  relu: boolean;
  /** The last measured values. */
  last: Measured;
  timeline: TimelinePoint[];
}

/** Plain JSON: safe to `JSON.stringify` and store. */
export interface MonitorReport {
  status: RunStatus;
  backend: string;
  strategy: InspectStrategy;
  startedAt: string;
  endedAt: string | null;
  /** Epochs that ran at least one batch. */
  epochs: number;
  steps: number;
  checks: number;
  probes: number;
  /** The loss at the last check (the epoch average at the end of an epoch). */
  lastLoss: number | null;
  loss: LossPoint[];
  epochLogs: EpochLogs[];
  /** Checks whose loss jumped far above its recent average (the first 1000). */
  lossSpikes: LossSpike[];
  /** Where a 'stop' or 'fail' finding stopped training early; null when it ran to the end. */
  stoppedAt: (TrainingPosition & { kind: Finding['kind'] }) | null;
  findings: Finding[];
  layers: LayerReport[];
  /** What the run depended on (Monitor 1); `tfjs-monitor deps diff` compares two runs'. Absent in reports of older versions. */
  dependencies?: DependencySet;
  /** Timings, throughput and memory, with the baseline outcome when one was configured. */
  speed: (SpeedReport & { baseline: BaselineStatus | null }) | null;
}

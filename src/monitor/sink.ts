import type { TrainingPosition } from '../core/findings.js';
import type { EpochSpeed } from '../speed/summary.js';
import type { Finding } from './findings.js';
import type { EpochLogs, Measured, MonitorReport } from './run-report.js';

/** What one step measured, handed to sinks once the step's checks are done. */
export interface StepRecord {
  at: TrainingPosition;
  /** The loss, when this step was checked. */
  loss: number | null;
  /** Per layer measured at this step: min, max, maxAbs, dead and zero fractions, update ratio. */
  layers: { name: string; measured: Measured }[];
  /** The training step's time (without the monitor's), and examples/s when the batch size is known. */
  ms: number | null;
  examplesPerSecond: number | null;
  /** tf.memory() after the step. */
  numTensors: number;
  numBytes: number;
}

/**
 * Where a run's figures go as they are made, besides the report: TensorBoard event files, a
 * Pushgateway, your own dashboard. Every method is optional and may be async; it runs inside the
 * monitor's hooks, so a sink that throws stops training like any error of the monitor's own, and
 * one that talks to the network should catch its own failures and say so.
 */
export interface MonitorSink {
  step?(record: StepRecord): void | Promise<void>;
  epoch?(record: { at: TrainingPosition | null; epoch: number; logs: EpochLogs; speed: EpochSpeed }): void | Promise<void>;
  finding?(finding: Finding): void | Promise<void>;
  /** Once, when training is over (however it ended), with the final report. */
  end?(report: MonitorReport): void | Promise<void>;
}

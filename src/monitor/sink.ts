import type { TrainingPosition } from '../core/findings.js';
import type { ValueHistogram } from '../inspect/histogram.js';
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
  /**
   * Each weight's histogram (`hidden1/kernel`), on histogram steps only: computed in the check's
   * own pass over the weights (see `MonitorSink.histogramEvery`); null for a weight with no finite value.
   */
  histograms?: { layer: string; weight: string; histogram: ValueHistogram | null }[];
}

/**
 * Where a run's figures go as they are made, besides the report: TensorBoard event files, a
 * Pushgateway, your own dashboard. Every method is optional and may be async; it runs inside the
 * monitor's hooks, so a sink that throws stops training like any error of the monitor's own, and
 * one that talks to the network should catch its own failures and say so.
 */
export interface MonitorSink {
  /**
   * Steps between weight histograms this sink wants in `StepRecord.histograms`: they come at the
   * first check at least this many steps after the last (the first check included). That check
   * reads the weights with one JS pass that gives their ranges and histograms together.
   */
  readonly histogramEvery?: number;
  step?(record: StepRecord): void | Promise<void>;
  epoch?(record: { at: TrainingPosition | null; epoch: number; logs: EpochLogs; speed: EpochSpeed }): void | Promise<void>;
  finding?(finding: Finding): void | Promise<void>;
  /**
   * Once, when training is over (however it ended), with the final report. `aborted`: training
   * ended on an error (of tfjs, the data, another callback, or the monitor's own), not by running
   * its course or by a finding's stop or fail, so the report may say 'healthy' of an unfinished run.
   */
  end?(report: MonitorReport, ending: { aborted: boolean }): void | Promise<void>;
}

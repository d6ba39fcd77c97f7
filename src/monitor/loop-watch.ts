import * as tf from '@tensorflow/tfjs-core';
import { MonitorSetupError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Door, Platform } from './door.js';
import type { MonitorRun } from './run.js';
import type { LossEntry } from './weight-check.js';

/** A step's loss: a number or Scalar, a list (trainOnBatch of a multi-output model: the total first), or named losses. */
export type LoopLoss = number | tf.Scalar | readonly (number | tf.Scalar)[] | Readonly<Record<string, number | tf.Scalar>>;

export interface StepInput {
  /** The loss of this step, as the loop has it. Not disposed: it stays yours. */
  loss?: LoopLoss;
  /**
   * Gradients by variable name, as `tf.variableGrads` and `optimizer.computeGradients` return them.
   * Pass them before `optimizer.applyGradients`: a NaN/Infinity in one is then found, and named,
   * before the update writes it into the weights. Not disposed: they stay yours.
   */
  grads?: tf.NamedTensorMap;
  /** Examples in this step, for examples/s. Default: unknown. */
  batchSize?: number;
}

export interface StepResult {
  /** The global step just checked, from 0. */
  step: number;
  /** True once a finding with action 'stop' (or 'rollback-and-stop') asked training to stop. */
  stop: boolean;
}

export interface WatchOptions {
  /** Names of the losses when `loss` is a list, e.g. `model.metricsNames`. Default: 'loss', 'loss_1', … */
  lossNames?: string[];
}

function lossEntriesOf(loss: LoopLoss | undefined, names: readonly string[] | undefined): LossEntry[] {
  if (loss === undefined) return [];
  const ok = (v: unknown): v is number | tf.Scalar => typeof v === 'number' || (v instanceof tf.Tensor && v.size === 1);
  const entries: [string, unknown][] =
    typeof loss === 'number' || loss instanceof tf.Tensor
      ? [['loss', loss]]
      : Array.isArray(loss)
        ? loss.map((v, i) => [names?.[i] ?? (i === 0 ? 'loss' : `loss_${i}`), v])
        : Object.entries(loss);
  return entries.map(([key, value]) => {
    if (!ok(value)) {
      throw new MonitorSetupError(
        `watch.step: loss${entries.length > 1 || key !== 'loss' ? ` '${key}'` : ''} must be a number or a one-element tf.Tensor, ` +
          `got ${value instanceof tf.Tensor ? `a tensor of shape [${value.shape.join(', ')}]` : typeof value}.`,
      );
    }
    return { key, value };
  });
}

/**
 * The custom-loop hook: `await watch.step({ loss, grads })` every iteration, `await watch.end()`
 * after the last (and `watch.epochEnd()` between epochs, if the loop has them). With action
 * 'fail', `step` (or `end`) throws a TrainingInstabilityError; 'stop' sets `result.stop`.
 */
export class TrainingWatch {
  readonly door: Door;
  private run: MonitorRun | null = null;
  private stopRequested = false;
  private batch = 0;
  private epoch = 0;
  private lastEnd = performance.now();
  private closed = false;

  constructor(logger: Logger, platform: Platform, private readonly options: WatchOptions) {
    this.door = { logger, requestStop: () => (this.stopRequested = true), ...platform };
  }

  /** @internal Connects the run once it has begun. */
  attach(run: MonitorRun): void {
    this.run = run;
    run.epochBegin(0);
    this.lastEnd = performance.now();
  }

  /** Whether a finding asked training to stop. */
  get shouldStop(): boolean {
    return this.stopRequested;
  }

  async step(input: StepInput = {}): Promise<StepResult> {
    const run = this.open('step');
    const now = performance.now();
    const losses = lossEntriesOf(input.loss, this.options.lossNames);
    const grads = Object.entries(input.grads ?? {}).map(([name, tensor]) => ({ name, tensor }));
    run.batchBegin(this.lastEnd); // the step's time: from the end of the last step() to this one
    run.enter();
    const at = await run.step(this.batch++, losses, grads, input.batchSize, now);
    run.leave();
    run.closeBatch();
    this.lastEnd = performance.now();
    if (run.outcome()) await this.finish(run);
    return { step: at.step, stop: this.stopRequested };
  }

  /** Ends an epoch: its losses (e.g. `{ loss, val_loss }`) are checked and kept in the report. */
  async epochEnd(logs: Readonly<Record<string, number | tf.Scalar>> = {}): Promise<void> {
    const run = this.open('epochEnd');
    run.enter();
    await run.epochEnd(this.epoch, logs);
    run.leave();
    if (run.outcome()) await this.finish(run);
    run.epochBegin(++this.epoch);
    this.batch = 0;
  }

  /** The final check, the baseline and the train_end stage; gives back everything the run installed. */
  async end(): Promise<void> {
    if (this.closed) return;
    await this.finish(this.open('end'));
  }

  private open(what: string): MonitorRun {
    if (this.closed || !this.run) throw new MonitorSetupError(`watch.${what}() after watch.end() (or after a failure): start a new watch for a new run.`);
    return this.run;
  }

  private async finish(run: MonitorRun): Promise<void> {
    this.closed = true;
    await run.end();
    const outcome = run.outcome();
    if (outcome) throw outcome;
  }
}

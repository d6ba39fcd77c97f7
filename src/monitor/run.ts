import * as tf from '@tensorflow/tfjs-core';
import type { TrainingPosition } from '../core/findings.js';
import { fmt } from '../core/format-number.js';
import type { BaselineKey } from '../speed/summary.js';
import { KernelTrap } from '../tfjs/kernel-trap.js';
import { TrainingBatchRelu } from '../tfjs/relu-batch-watch.js';
import type { Door, Target } from './door.js';
import { TrainingInstabilityError } from './instability-error.js';
import type { ResolvedOptions } from './options.js';
import { buildReport } from './build-report.js';
import { installRelu, measureRelu, releaseRelu } from './relu-check.js';
import { RunState } from './run-state.js';
import { disposeSnapshots, takeInitialSnapshots } from './snapshots.js';
import { checkBaselineDependencies, recordGrowth, settleBaseline } from './speed-check.js';
import { checkLosses, checkStep, type GradEntry, type LossEntry } from './weight-check.js';

/**
 * One monitored training run, whatever drives it: `model.fit` through the callback, or a custom
 * loop through `watch`. The door reports each step; the run checks, measures, keeps the findings
 * and asks the door to stop. Its own errors are held (`state.error`) for the door to raise safely.
 */
export class MonitorRun {
  readonly state: RunState;
  private released = false;
  private ownStart: number | null = null;
  private ownMs = 0;

  private constructor(options: ResolvedOptions, target: Target, door: Door) {
    this.state = new RunState(options, target, door);
  }

  /** Starts a run: restores what an aborted run left installed, sets up probes, snapshots and traps. */
  static async begin(options: ResolvedOptions, target: Target, door: Door): Promise<MonitorRun> {
    // Left by a fit that tfjs aborted before anyone could clean up: never mistaken for originals.
    KernelTrap.restoreAll();
    TrainingBatchRelu.restoreAll();
    const run = new MonitorRun(options, target, door);
    const state = run.state;
    try {
      installRelu(state);
      // A corrupt baseline file is reported now, before hours of training, not at the end; and so
      // is a baseline recorded with other dependencies.
      checkBaselineDependencies(state, run.baselineKey());
      door.logger.debug(
        { event: 'tfjs-monitor.start', backend: state.backend, strategy: state.strategy, weights: state.weights.length },
        'monitoring training',
      );
      await run.recordStage('train_start');
      takeInitialSnapshots(state);
      state.trap = options.locate === 'kernel' ? KernelTrap.install() : null;
    } catch (e) {
      run.release();
      throw e;
    }
    return run;
  }

  /** Opens the monitor's own-time window of a hook. */
  enter(): void {
    this.ownStart = performance.now();
  }

  /** Closes it, adding to this batch's own time. */
  leave(): void {
    if (this.ownStart !== null) this.ownMs += performance.now() - this.ownStart;
    this.ownStart = null;
  }

  epochBegin(epoch: number): void {
    this.state.epoch = epoch;
    this.state.epochBatches = 0;
    this.state.speed.epochBegin(performance.now());
  }

  batchBegin(now = performance.now()): void {
    this.state.speed.batchBegin(now);
  }

  /** One training step done: checks every `checkEvery` steps, dead units every `deadRelu.every`. */
  async step(batch: number, losses: readonly LossEntry[], grads: readonly GradEntry[], size: number | undefined, now = performance.now()): Promise<TrainingPosition> {
    const run = this.state;
    const growth = run.speed.batchEnd(now, run.step, size);
    const at: TrainingPosition = { epoch: run.epoch, batch, step: run.step++ };
    run.lastPosition = at;
    run.epochBatches++;
    // tfjs clears model.stopTraining after onTrainBegin: a stop asked for as the run started
    // (a dependency-change) is asked for again now.
    if (at.step === 0 && run.findings.stoppedBy) run.door.requestStop();
    if (run.error) return at;
    await this.guard(async () => {
      if (at.step % run.options.checkEvery === 0 || grads.length > 0) await checkStep(run, at, losses, grads);
      if (run.options.deadRelu && at.step % run.options.deadRelu.every === 0) await measureRelu(run, at);
      recordGrowth(run, at, growth);
      this.maybeProgress(at, now);
      await run.sinks.step(run, at, run.commit(at));
    });
    return at;
  }

  /** Every 10 s of a long epoch, where it stands: the way tfjs's own verbose progress would. */
  private maybeProgress(at: TrainingPosition, now: number): void {
    const run = this.state;
    if (!run.progress || now - run.lastProgressAt < 10_000) return;
    run.lastProgressAt = now;
    const loss = run.lastLoss === null ? '' : `, loss ${fmt(run.lastLoss)}`;
    run.door.logger.info(
      { event: 'tfjs-monitor.progress', ...at, loss: run.lastLoss },
      `epoch ${at.epoch + 1}${run.totalEpochs ? `/${run.totalEpochs}` : ''}: batch ${at.batch + 1} (step ${at.step})${loss}, ${run.findings.all.length} finding(s)`,
    );
  }

  /** Records the own time of the batch that just ended (its hooks since the last call). */
  closeBatch(): void {
    this.state.speed.ownTime(this.ownMs);
    this.ownMs = 0;
  }

  /** An epoch's logs as numbers, for the report, and its losses (training and validation) checked. */
  async epochEnd(epoch: number, logs: Readonly<Record<string, number | tf.Scalar | undefined>>): Promise<void> {
    const run = this.state;
    const speed = run.speed.epochEnd(epoch, performance.now());
    if (run.epochBatches > 0) run.epochs++;
    if (run.error) return;
    await this.guard(async () => {
      const values: Record<string, number> = {};
      for (const [key, value] of Object.entries(logs)) {
        if (value !== undefined) values[key] = typeof value === 'number' ? value : (await value.data())[0]!;
      }
      run.epochLogs.push({ ...values, epoch });
      await run.sinks.epoch(run.lastPosition, epoch, run.epochLogs.at(-1)!, speed);
      // The epoch's average loss covers batches between checks, and validation losses (val_*).
      const losses = Object.entries(values).filter(([k]) => k === 'loss' || k.endsWith('_loss')).map(([key, value]) => ({ key, value }));
      if (run.lastPosition) await checkLosses(run, run.lastPosition, losses, true);
    });
    run.door.logger.info(
      {
        event: 'tfjs-monitor.epoch',
        epoch,
        ...(run.totalEpochs ? { epochs: run.totalEpochs } : {}),
        steps: run.step,
        loss: run.lastLoss,
        ms: speed.ms,
        examplesPerSecond: speed.examplesPerSecond,
        numTensors: tf.memory().numTensors,
        findings: run.findings.all.length,
        maxAbs: Object.fromEntries(run.layers.flatMap((l, i) => (run.last[i]!.maxAbs === undefined ? [] : [[l.name, run.last[i]!.maxAbs]]))),
      },
      `epoch ${epoch} done: loss ${run.lastLoss === null ? 'n/a' : fmt(run.lastLoss)}, ${run.findings.all.length} finding(s)`,
    );
  }

  /**
   * Training is over: a final check of steps the regular checks skipped (with the trap still in
   * place), the baseline, the train_end stage; then everything installed is given back.
   */
  async end(): Promise<void> {
    const run = this.state;
    if (run.findings.ended) return;
    run.findings.ended = true;
    if (!run.error) {
      await this.guard(async () => {
        // With checkEvery > 1, weights that went bad in the last batches must not slip through.
        if (run.lastPosition && run.lastPosition.step > run.lastCheckedStep) {
          await checkStep(run, run.lastPosition, [], []);
          run.commit(run.lastPosition);
        }
        this.releaseTrap();
        settleBaseline(run, this.baselineKey());
        // A model that failed or stopped early did not complete the stage.
        if (run.findings.failing.length === 0 && !run.findings.stoppedBy) await this.recordStage('train_end');
      });
    }
    this.release();
    await this.guard(() => run.sinks.end(() => buildReport(this, run.options), { aborted: run.error !== null }));
  }

  /** What the door must raise once it is safe: the monitor's own error, or the failing findings. */
  outcome(): unknown {
    const run = this.state;
    if (run.error) return run.error;
    return run.findings.failing.length > 0 ? new TrainingInstabilityError(run.findings.failingFirst()) : null;
  }

  /** Gives back the trap, the wrapped layers and the snapshots. Safe to call more than once, from any path. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.releaseTrap();
    releaseRelu(this.state);
    disposeSnapshots(this.state);
    this.state.endedAt ??= new Date().toISOString();
    // A fit that tfjs aborted: no onTrainEnd will come, so the sinks hear of the end from here.
    if (!this.state.findings.ended) void this.state.sinks.end(() => buildReport(this, this.state.options), { aborted: true }).catch(() => {});
  }

  private releaseTrap(): void {
    this.state.trap?.uninstall();
    this.state.trap = null;
  }

  /** Runs the monitor's own work. An error there stops training and is held for the door. */
  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const run = this.state;
      run.error = error;
      if (!run.findings.ended) run.door.requestStop();
      run.door.logger.error({ event: 'tfjs-monitor.error', err: error }, `tfjs-monitor failed: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  baselineKey(): BaselineKey {
    return { ...this.state.options.speed.versions, backend: this.state.backend };
  }

  private async recordStage(stage: 'train_start' | 'train_end'): Promise<void> {
    const staleness = this.state.options.staleness;
    if (!staleness) return;
    const { tracker, model, version } = staleness;
    await tracker.record({ model, version, stage, meta: { backend: tf.getBackend(), steps: this.state.step } });
    this.state.door.logger.info({ event: 'tfjs-monitor.stage', model, version, stage }, `staleness: ${model} ${version} ${stage} recorded`);
  }

}

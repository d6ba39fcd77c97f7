import * as tf from '@tensorflow/tfjs-core';
import { Callback, CustomCallback, LayersModel, type CustomCallbackArgs } from '@tensorflow/tfjs-layers';
import { MonitorSetupError } from '../core/errors.js';
import { defaultLogger, type Logger } from '../core/logger.js';
import { renderHtmlReport, type HtmlReportInput } from '../report/html-report.js';
import { countTensors, lossEntries, type Logs } from '../tfjs/fit-logs.js';
import { failAfterCallbacks, onFitSettled } from '../tfjs/fit-hooks.js';
import { assertLayersModel, assertWatchTarget, twoCopies } from '../tfjs/model-guard.js';
import { listLayers, variableLayers, type VariableSet } from '../tfjs/model-weights.js';
import { buildReport } from './build-report.js';
import type { Platform, Target } from './door.js';
import type { Finding } from './findings.js';
import { TrainingInstabilityError } from './instability-error.js';
import { TrainingWatch, type WatchOptions } from './loop-watch.js';
import { resolveOptions, type ResolvedOptions, type TrainingMonitorOptions } from './options.js';
import { MonitorRun } from './run.js';
import type { MonitorReport } from './run-report.js';

/** Where no platform gives more: memory from tf.memory() only, and no files. */
const BARE: Platform = { baselines: null, processMemory: null };

/** A tfjs callback: a `tf.Callback` subclass, a `tf.CustomCallback`, or a plain object of hooks. */
export type AnyCallback = Callback | CustomCallback | CustomCallbackArgs;

/** tfjs's BaseCallback (not exported): every callback instance has `setParams`, a plain object has not. */
const isCallbackInstance = (c: AnyCallback): c is Callback | CustomCallback => typeof (c as { setParams?: unknown }).setParams === 'function';

/**
 * Watches a tfjs model while it trains: the first NaN/Infinity in the loss or any weight, weights
 * outside plausible bounds, dead ReLU units, update ratios, loss spikes, tensor leaks and
 * slowdowns. Each finding warns, stops training, or fails the job, as configured.
 *
 * Three ways in, one core: pass it to `model.fit(x, y, { callbacks: [monitor] })` or
 * `model.fitDataset(ds, { callbacks: [monitor] })`; or `monitor.watch(modelOrVariables)` in a
 * custom training loop; in Node or in a browser. With action 'fail', training stops at the batch
 * of the finding and `fit` rejects with a TrainingInstabilityError once every callback's
 * `onTrainEnd` has run.
 */
export class TrainingMonitor extends Callback {
  protected readonly options: ResolvedOptions;
  protected readonly logger: Logger;
  private run: MonitorRun | null = null;

  constructor(
    options: TrainingMonitorOptions = {},
    /** What the platform adds; tfjs-monitor/node passes baseline files and process memory. */
    private readonly platform: Platform = BARE,
  ) {
    super();
    this.options = resolveOptions(options);
    this.logger = this.options.logger ?? defaultLogger(this.options.verbose);
    if (this.options.speed.baseline && !platform.baselines) {
      throw new MonitorSetupError(
        "speed.baseline reads and writes a JSON file, which needs Node: import { TrainingMonitor } from 'tfjs-monitor/node'.",
      );
    }
  }

  /** Findings of the latest run (or the one in progress), first occurrence first. */
  get findings(): Finding[] {
    return this.run ? [...this.run.state.findings.all] : [];
  }

  /**
   * This monitor followed by `others`, ready for `callbacks:`. tfjs accepts either class callbacks
   * or plain objects in one list, never both; plain objects are wrapped in `tf.CustomCallback`.
   */
  with(...others: AnyCallback[]): (Callback | CustomCallback)[] {
    return [this, ...others.map((c) => (isCallbackInstance(c) ? c : new CustomCallback(c)))];
  }

  /**
   * A hook for a custom training loop over a LayersModel (trainOnBatch, optimizer.minimize,
   * tf.variableGrads) or over plain variables (a list, or a map by name): call `step()` every
   * iteration and `end()` after the last.
   */
  async watch(target: LayersModel | VariableSet, options: WatchOptions = {}): Promise<TrainingWatch> {
    assertWatchTarget(target, (v) => v instanceof tf.Variable);
    const model = target instanceof LayersModel ? target : null;
    if (!model && this.options.deadRelu?.probe) {
      throw new MonitorSetupError('deadRelu.probe needs a LayersModel: plain variables have no layers to probe.');
    }
    const resolved = model ? modelTarget(model) : variablesTarget(target as VariableSet);
    const watch = new TrainingWatch(this.logger, this.platform, options);
    this.run = await MonitorRun.begin(this.options, resolved, watch.door);
    watch.attach(this.run);
    return watch;
  }

  override setModel(model: Parameters<Callback['setModel']>[0]): void {
    assertLayersModel(model, 'TrainingMonitor');
    super.setModel(model);
  }

  override async onTrainBegin(): Promise<void> {
    if (!(this instanceof TrainingMonitor) || !this.model) {
      throw new MonitorSetupError(
        'TrainingMonitor was wrapped as a plain-object callback, so it cannot see the model. This happens when it ' +
          'comes after a plain-object callback in `callbacks` (wrap those in `new tf.CustomCallback({...})`, or pass `callbacks: monitor.with(...others)`), or ' +
          'when two copies of tfjs are loaded: ' + twoCopies(),
      );
    }
    this.run = null; // A setup error below must not leave the previous run's report standing.
    const model = this.model as LayersModel;
    const run = await MonitorRun.begin(this.options, modelTarget(model), {
      logger: this.logger,
      requestStop: () => (model.stopTraining = true),
      ...this.platform,
    });
    this.run = run;
    const params = (this.params ?? {}) as { epochs?: unknown; verbose?: unknown };
    run.state.totalEpochs = typeof params.epochs === 'number' ? params.epochs : null;
    // tfjs-node draws its own progress bar when fit's verbose is on: no second one.
    run.state.progress = !(Number(params.verbose ?? 0) >= 1 && run.state.backend === 'tensorflow');
    // Whatever ends the fit (a throwing dataset or layer, our own error), the trap and the wrapped
    // layers are given back before `await model.fit(...)` settles.
    onFitSettled(model, () => run.release());
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.run?.epochBegin(epoch);
  }

  override async onBatchBegin(): Promise<void> {
    this.run?.batchBegin();
  }

  override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const run = this.run;
    if (!run) return;
    const now = performance.now();
    run.enter();
    const size = typeof logs?.['size'] === 'number' ? logs['size'] : undefined;
    await run.step(batch, lossEntries(logs), [], size, now);
    run.leave();
    run.closeBatch();
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.enter();
    // tfjs's History keeps these log tensors until training ends: expected growth, not a leak.
    run.state.speed.retainedUntilTrainEnd(countTensors(logs));
    await run.epochEnd(epoch, logs ?? {});
    run.leave();
  }

  override async onTrainEnd(): Promise<void> {
    const run = this.run;
    if (!run) return;
    await run.end();
    const outcome = run.outcome();
    if (!outcome) return;
    // Raised after every callback's onTrainEnd (tfjs skips the later ones when one throws).
    if (failAfterCallbacks(this.model, outcome)) return;
    await (this.model as LayersModel).history?.syncData();
    throw outcome;
  }

  /**
   * Throws a TrainingInstabilityError if the latest run has any finding, whatever its action.
   * For CI jobs that train with 'warn' and want a non-zero exit for any sign of instability.
   */
  assertHealthy(): void {
    const findings = this.findings;
    if (findings.length > 0) throw new TrainingInstabilityError(findings);
  }

  /** The latest run as plain JSON: status, findings, per-layer timelines, speed and memory. */
  report(): MonitorReport {
    return buildReport(this.run, this.options);
  }

  /** The report as one self-contained HTML page (a string: in a browser, show it in an iframe or a new tab). */
  renderReport(extra: Omit<HtmlReportInput, 'run'> = {}): string {
    return renderHtmlReport({ ...extra, run: this.report() });
  }
}

function variablesTarget(variables: VariableSet): Target {
  const layers = variableLayers(variables);
  return { layers, weights: layers.flatMap((l) => l.weights), model: null };
}

function modelTarget(model: LayersModel): Target {
  const layers = listLayers(model).filter((l) => l.className !== 'InputLayer');
  return { layers, weights: layers.flatMap((l) => l.weights), model };
}

import * as tf from '@tensorflow/tfjs-core';
import { Callback, type LayersModel } from '@tensorflow/tfjs-layers';
import { writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { countOutsideOnDevice } from '../inspect/device-reduce.js';
import { inspectRanges, resolveStrategy } from '../inspect/inspect-tensor.js';
import { listLayers, type LayerRef, type WeightRef } from '../inspect/model-weights.js';
import { readValuesSync, type InspectStrategy } from '../inspect/read-values.js';
import { countOutside } from '../inspect/scan.js';
import { nonFiniteCount, type TensorRange } from '../inspect/tensor-health.js';
import { defaultLogger } from '../logger.js';
import { readBaselineFile } from '../speed/baseline-file.js';
import type { Growth } from '../speed/growth.js';
import { settleBaseline, type BaselineStatus } from '../speed/settle-baseline.js';
import { SpeedRecorder, type BatchGrowth } from '../speed/speed-recorder.js';
import type { BaselineKey } from '../speed/summary.js';
import { assertLayersModel } from '../tfjs/model-guard.js';
import { DeadReluProbe } from './dead-relu-probe.js';
import { MonitorSetupError, TrainingInstabilityError } from './errors.js';
import { describeNonFinite, fmt } from './finding-messages.js';
import { describePosition, type Finding, type NonFiniteValues, type TrainingPosition } from './findings.js';
import { countTensors, lossEntries, numberRange, valueOf, type Logs } from './logs.js';
import type { EpochLogs, LossPoint, Measured, MonitorReport, RunStatus } from './monitor-report.js';
import { BoundedSeries } from '../common/bounded-series.js';
import { writeHtmlReport, type HtmlReportInput } from '../report/html-report.js';
import { resolveOptions, type ResolvedOptions, type TrainingMonitorOptions } from './options.js';
import type { FindingAction } from './actions.js';
import { LossSpikeDetector, type LossSpike } from './loss-spikes.js';
import { WeightSnapshot } from './weight-snapshot.js';
import { KernelTrap, type KernelFault } from './kernel-trap.js';
import { TrainingBatchRelu } from './dead-relu-batches.js';
import { Timeline } from './timeline.js';
import { WeightBounds, type BoundBreach } from './weight-bounds.js';

interface Run {
  layers: LayerRef[];
  weights: WeightRef[];
  layerOfWeight: number[];
  layerIndex: Map<object, number>;
  reluLayers: Set<number>;
  timelines: Timeline[];
  last: Measured[];
  /** Per layer, what this batch measured, committed to the timeline once the batch is done. */
  pending: Map<number, Measured>;
  strategy: InspectStrategy;
  bounds: WeightBounds;
  /** What measures dead ReLU units: a probe batch, or the training batches themselves. */
  probe: DeadReluProbe | TrainingBatchRelu | null;
  speed: SpeedRecorder;
  findings: Finding[];
  byKey: Map<string, Finding>;
  failing: Finding[];
  stoppedBy: Finding | null;
  /** An error of the monitor's own, held until tfjs has cleaned up (see onTrainEnd). */
  error: unknown;
  /** Set once training is over: findings can no longer stop anything. */
  ended: boolean;
  epoch: number;
  epochs: number;
  epochBatches: number;
  step: number;
  lastPosition: TrainingPosition | null;
  lastCheckedStep: number;
  checks: number;
  probes: number;
  lastLoss: number | null;
  loss: BoundedSeries<LossPoint>;
  epochLogs: EpochLogs[];
  spikes: LossSpike[];
  spikeDetector: LossSpikeDetector;
  /** The last weights that passed the checks, when rollback or update ratios need them. */
  snapshot: WeightSnapshot | null;
  checksSinceSnapshot: number;
  backend: string;
  startedAt: string;
  endedAt: string | null;
  baseline: BaselineStatus | null;
}

const LEVEL: Record<FindingAction, 'warn' | 'error'> = { warn: 'warn', stop: 'error', fail: 'error', 'rollback-and-stop': 'error' };

/**
 * Watches a tfjs model while it trains: the first NaN/Infinity in the loss or any weight, weights
 * outside plausible bounds, dead ReLU units, tensor leaks and slowdowns. Each finding warns,
 * stops training, or fails the job, as configured.
 *
 * Pass it to `model.fit(x, y, { callbacks: [monitor] })` or `model.fitDataset(ds, { callbacks: [monitor] })`.
 * With action 'fail', training stops at the batch of the finding and `fit` rejects with a
 * TrainingInstabilityError once tfjs has cleaned up. List the monitor last among the callbacks:
 * tfjs skips the `onTrainEnd` of the callbacks after one that throws.
 */
export class TrainingMonitor extends Callback {
  private readonly options: ResolvedOptions;
  private readonly logger: Logger;
  private run: Run | null = null;
  /** Installed for the length of a fit with `locate: 'kernel'`. */
  private trap: KernelTrap | null = null;
  /** Wraps the ReLU layers' call for the length of a fit, when dead units are measured on training batches. */
  private batchRelu: TrainingBatchRelu | null = null;

  constructor(options: TrainingMonitorOptions = {}) {
    super();
    this.options = resolveOptions(options);
    this.logger = this.options.logger ?? defaultLogger();
  }

  /** Findings of the latest run (or the one in progress), first occurrence first. */
  get findings(): Finding[] {
    return this.run ? [...this.run.findings] : [];
  }

  override setModel(model: Parameters<Callback['setModel']>[0]): void {
    assertLayersModel(model, 'TrainingMonitor');
    super.setModel(model);
  }

  override async onTrainBegin(): Promise<void> {
    if (!(this instanceof TrainingMonitor) || !this.model) {
      throw new MonitorSetupError(
        'TrainingMonitor was wrapped as a plain-object callback, so it cannot see the model. This happens when it ' +
          'comes after a plain-object callback in `callbacks` (wrap those in `new tf.CustomCallback({...})`), or ' +
          'when two copies of @tensorflow/tfjs-layers are loaded (run `npm ls @tensorflow/tfjs-layers` and dedupe).',
      );
    }
    this.run = null; // A setup error below must not leave the previous run's report standing.
    const layers = listLayers(this.model).filter((l) => l.className !== 'InputLayer');
    const weights = layers.flatMap((l) => l.weights);
    const layerIndex = new Map<object, number>(layers.map((l, i) => [l.layer, i]));
    this.batchRelu?.uninstall(); // left by a fit that tfjs aborted before onTrainEnd
    this.batchRelu = null;
    const deadRelu = this.options.deadRelu;
    const probe = !deadRelu
      ? null
      : deadRelu.probe
        ? DeadReluProbe.build(this.model, deadRelu.probe)
        : (this.batchRelu = TrainingBatchRelu.install(layers));
    // A corrupt baseline file is reported now, before hours of training, not at the end.
    if (this.options.speed.baseline) readBaselineFile(this.options.speed.baseline.path, { missingIsEmpty: true });
    if (this.options.deadRelu && !probe) {
      this.logger.warn(
        { event: 'tfjs-monitor.no-relu' },
        'deadRelu: the model has no ReLU layers (relu/relu6 activation on Dense, Conv or Activation layers, ' +
          'or a ReLU layer), so the dead-ReLU check is off for this run',
      );
    }
    const layerOf = new Map(layers.flatMap((l, i) => l.weights.map((w) => [w, i] as const)));
    this.run = {
      layers,
      weights,
      layerOfWeight: weights.map((w) => layerOf.get(w)!),
      layerIndex,
      reluLayers: new Set((probe?.layers ?? []).flatMap((layer) => layerIndex.get(layer) ?? [])),
      timelines: layers.map(() => new Timeline(this.options.timelinePoints)),
      last: layers.map(() => ({})),
      pending: new Map(),
      strategy: resolveStrategy(this.options.strategy),
      bounds: new WeightBounds(this.options.weightBounds, weights),
      probe,
      speed: new SpeedRecorder(this.options.speed, this.options.timelinePoints),
      findings: [],
      byKey: new Map(),
      failing: [],
      stoppedBy: null,
      error: null,
      ended: false,
      epoch: 0,
      epochs: 0,
      epochBatches: 0,
      step: 0,
      lastPosition: null,
      lastCheckedStep: -1,
      checks: 0,
      probes: 0,
      lastLoss: null,
      loss: new BoundedSeries<LossPoint>(this.options.timelinePoints, (a, b) => ({
        step: a.step,
        toStep: b.toStep,
        min: Math.min(a.min, b.min),
        max: Math.max(a.max, b.max),
      })),
      epochLogs: [],
      spikes: [],
      spikeDetector: new LossSpikeDetector(this.options.lossSpike.window, this.options.lossSpike.sigmas, this.options.lossSpike.minRatio),
      snapshot: null,
      checksSinceSnapshot: 0,
      backend: tf.getBackend(),
      startedAt: new Date().toISOString(),
      endedAt: null,
      baseline: null,
    };
    this.logger.debug(
      { event: 'tfjs-monitor.start', backend: this.run.backend, strategy: this.run.strategy, weights: weights.length },
      'monitoring training',
    );
    await this.recordStage('train_start');
    if (this.needsSnapshots()) this.run.snapshot = WeightSnapshot.take(weights, -1); // the initial weights
    // A trap left by a fit that tfjs aborted before onTrainEnd is removed before a new one goes in.
    this.trap?.uninstall();
    this.trap = this.options.locate === 'kernel' ? KernelTrap.install() : null;
  }

  /** Puts tfjs's original kernels back, if the trap is in, and the ReLU layers' own call. */
  private removeTrap(): void {
    this.trap?.uninstall();
    this.trap = null;
    this.batchRelu?.uninstall();
    this.batchRelu = null;
  }

  private needsSnapshots(): boolean {
    return this.options.nonFinite.action === 'rollback-and-stop' || this.options.updateRatio !== undefined || this.locateMode() === 'on-detect';
  }

  /** 'on-detect' is the default when a probe batch is given: it costs nothing until a NaN appears. */
  private locateMode(): 'off' | 'kernel' | 'on-detect' {
    const mode = this.options.locate;
    if (mode === 'auto') return this.options.deadRelu?.probe ? 'on-detect' : 'off';
    return mode === 'on-detect' && !this.options.deadRelu?.probe ? 'off' : mode;
  }

  /**
   * Replays the probe batch forward and backward on the last finite weights with every kernel
   * trapped, then puts the current weights back. Null when the replay produced no NaN/Infinity;
   * undefined when there is nothing to replay with.
   */
  private async replay(run: Run): Promise<KernelFault | null | undefined> {
    const probe = this.options.deadRelu?.probe;
    if (!probe || !run.snapshot || this.trap) return undefined;
    const current = run.weights.map((w) => tf.clone(w.read()));
    run.snapshot.restore(run.weights);
    const trap = KernelTrap.install();
    try {
      tf.tidy(() => {
        // The sum of the outputs stands in for the loss: the probe has no labels, and any
        // gradient runs every backward kernel on the way to the weights.
        tf.variableGrads(() => tf.sum((this.model as LayersModel).apply(probe, { training: true }) as tf.Tensor) as tf.Scalar);
      });
    } finally {
      trap.uninstall();
      run.weights.forEach((w, i) => w.read().assign(current[i]!));
      tf.dispose(current);
    }
    return trap.fault;
  }

  /** Records a pipeline stage of this model version, when a staleness tracker was given. */
  private async recordStage(stage: 'train_start' | 'train_end'): Promise<void> {
    const staleness = this.options.staleness;
    if (!staleness) return;
    const { tracker, model, version } = staleness;
    await tracker.record({ model, version, stage, meta: { backend: tf.getBackend(), steps: this.run?.step ?? 0 } });
    this.logger.info({ event: 'tfjs-monitor.stage', model, version, stage }, `staleness: ${model} ${version} ${stage} recorded`);
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    if (!this.run) return;
    this.run.epoch = epoch;
    this.run.epochBatches = 0;
    this.run.speed.epochBegin(performance.now());
  }

  override async onBatchBegin(): Promise<void> {
    this.run?.speed.batchBegin(performance.now());
  }

  override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const run = this.run;
    if (!run || run.error) return;
    const size = typeof logs?.['size'] === 'number' ? logs['size'] : undefined;
    const growth = run.speed.batchEnd(performance.now(), run.step, size);
    const at: TrainingPosition = { epoch: run.epoch, batch, step: run.step++ };
    run.lastPosition = at;
    run.epochBatches++;
    await this.guard(run, async () => {
      if (at.step % this.options.checkEvery === 0) await this.check(run, at, logs);
      if (run.probe && at.step % this.options.deadRelu!.every === 0) await this.probeRelu(run, run.probe, at);
      this.recordGrowth(run, at, growth);
      this.commitTimeline(run, at);
    });
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const run = this.run;
    if (!run || run.error) return;
    // tfjs's History keeps these log tensors until training ends: expected growth, not a leak.
    run.speed.retainedUntilTrainEnd(countTensors(logs));
    const speed = run.speed.epochEnd(epoch, performance.now());
    if (run.epochBatches > 0) run.epochs++;
    await this.guard(run, async () => {
      // Once per epoch, the logs as numbers (a read of a few scalars), for the report and the check.
      const values: EpochLogs = { epoch };
      for (const [key, value] of Object.entries(logs ?? {})) {
        if (value === undefined) continue;
        values[key] = typeof value === 'number' ? value : (await value.data())[0]!;
      }
      run.epochLogs.push(values);
      // The epoch's average loss covers batches between checks, and validation losses (val_*).
      const { epoch: _, ...numbers } = values;
      if (run.lastPosition) await this.checkLosses(run, run.lastPosition, numbers, true);
    });
    this.logger.info(
      {
        event: 'tfjs-monitor.epoch',
        epoch,
        steps: run.step,
        loss: run.lastLoss,
        ms: speed.ms,
        examplesPerSecond: speed.examplesPerSecond,
        numTensors: tf.memory().numTensors,
        findings: run.findings.length,
        maxAbs: Object.fromEntries(
          run.layers.flatMap((l, i) => (run.last[i]!.maxAbs === undefined ? [] : [[l.name, run.last[i]!.maxAbs]])),
        ),
      },
      `epoch ${epoch} done: loss ${run.lastLoss === null ? 'n/a' : fmt(run.lastLoss)}, ${run.findings.length} finding(s)`,
    );
  }

  override async onTrainEnd(): Promise<void> {
    const run = this.run;
    if (!run) {
      this.removeTrap();
      return;
    }
    run.ended = true;
    if (!run.error) {
      await this.guard(run, async () => {
        // With checkEvery > 1, weights that went bad in the last batches must not slip through
        // (with the kernel trap still in place to say where they came from).
        if (run.lastPosition && run.lastPosition.step > run.lastCheckedStep) {
          await this.check(run, run.lastPosition, undefined);
          run.pending.forEach((measured, layer) => Object.assign(run.last[layer]!, measured));
          run.pending.clear();
        }
        this.removeTrap();
        this.compareWithBaseline(run);
        // Training ended: a model that failed or stopped early did not complete the stage.
        if (run.failing.length === 0 && !run.stoppedBy) await this.recordStage('train_end');
      });
    }
    this.removeTrap();
    run.endedAt = new Date().toISOString();
    run.probe = null; // Drop, never dispose: the probe model shares the training model's weights.
    run.snapshot?.dispose();
    run.snapshot = null;
    if (run.failing.length === 0 && !run.error) return;
    // Resolve History's epoch-log scalars first: tfjs skips that step when a hook throws, and would leak them.
    await (this.model as LayersModel).history?.syncData();
    if (run.error) throw run.error;
    throw new TrainingInstabilityError([...run.failing, ...run.findings.filter((f) => !run.failing.includes(f))]);
  }

  /**
   * Throws a TrainingInstabilityError if the latest run has any finding, whatever its action.
   * For CI jobs that train with 'warn' and want a non-zero exit for any sign of instability.
   */
  assertHealthy(): void {
    const findings = this.findings;
    if (findings.length > 0) throw new TrainingInstabilityError(findings);
  }

  /**
   * Writes the report as one self-contained HTML file with per-layer charts, findings, speed and
   * memory, and the staleness and parity reports when given.
   */
  writeReport(path: string, extra: Omit<HtmlReportInput, 'run'> = {}): void {
    writeHtmlReport(path, { ...extra, run: this.report() });
  }

  /** Writes `report()` as JSON, e.g. for `tfjs-monitor report`, `speed compare` or `speed record`. */
  saveReport(path: string): void {
    writeFileSync(path, JSON.stringify(this.report(), null, 2) + '\n');
  }

  /** The latest run as plain JSON: status, findings, per-layer timelines, speed and memory. */
  report(): MonitorReport {
    const run = this.run;
    if (!run) {
      return {
        status: 'healthy',
        backend: tf.getBackend(),
        strategy: resolveStrategy(this.options.strategy),
        startedAt: '',
        endedAt: null,
        epochs: 0,
        steps: 0,
        checks: 0,
        probes: 0,
        lastLoss: null,
        loss: [],
        epochLogs: [],
        lossSpikes: [],
        stoppedAt: null,
        findings: [],
        layers: [],
        speed: null,
      };
    }
    const status: RunStatus =
      run.failing.length > 0 ? 'failed' : run.stoppedBy ? 'stopped' : run.findings.length > 0 ? 'warned' : 'healthy';
    const stopped = run.stoppedBy;
    return {
      status,
      backend: run.backend,
      strategy: run.strategy,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      epochs: run.epochs,
      steps: run.step,
      checks: run.checks,
      probes: run.probes,
      lastLoss: run.lastLoss,
      loss: run.loss.toArray(),
      epochLogs: run.epochLogs.map((e) => ({ ...e })),
      lossSpikes: run.spikes.map((x) => ({ ...x })),
      stoppedAt: stopped ? { epoch: stopped.epoch, batch: stopped.batch, step: stopped.step, kind: stopped.kind } : null,
      findings: run.findings.map((f) => structuredClone(f)),
      layers: run.layers
        .map((l, i) => ({
          name: l.name,
          className: l.className,
          weights: l.weights.map((w) => w.weight),
          relu: run.reluLayers.has(i),
          last: { ...run.last[i]! },
          timeline: run.timelines[i]!.toJSON(),
        }))
        .filter((l) => l.weights.length > 0 || l.relu),
      speed: { ...run.speed.report(this.baselineKey(run)), baseline: run.baseline },
    };
  }

  /**
   * Runs the monitor's own work for a hook. An error there must not escape mid-training, where
   * tfjs would leak tensors: it stops training and is rethrown from onTrainEnd after cleanup.
   */
  private async guard(run: Run, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      run.error = error;
      if (!run.ended) (this.model as LayersModel).stopTraining = true;
      this.logger.error({ event: 'tfjs-monitor.error', err: error }, `tfjs-monitor failed: ${(error as Error).message}`);
    }
  }

  private baselineKey(run: Run): BaselineKey {
    return { ...this.options.speed.versions, backend: run.backend };
  }

  private compareWithBaseline(run: Run): void {
    const options = this.options.speed.baseline;
    if (!options) return;
    const unhealthy = run.failing.length ? 'the run failed' : run.stoppedBy ? 'the run was stopped early' : null;
    run.baseline = settleBaseline(options, run.speed.summary(this.baselineKey(run)), unhealthy, this.logger);
    const regressions = run.baseline.comparison?.regressions ?? [];
    if (regressions.length === 0) return;
    const at = run.lastPosition ?? { epoch: run.epoch, batch: 0, step: 0 };
    const list = regressions
      .map((r) => `${r.metric} ${fmt(r.baseline!)} → ${fmt(r.run!)} (${r.change! >= 0 ? '+' : ''}${fmt(100 * r.change!)}%)`)
      .join(', ');
    this.addFinding(run, 'speed-regression', {
      kind: 'speed-regression',
      action: options.action,
      ...at,
      baselinePath: options.path,
      key: this.baselineKey(run),
      regressions,
      message: `slower or heavier than the baseline in ${options.path}: ${list}`,
      occurrences: 1,
      lastStep: at.step,
    });
  }

  private recordGrowth(run: Run, at: TrainingPosition, growth: BatchGrowth): void {
    const leak = this.options.speed.leak;
    const report = (kind: 'tensor-leak' | 'memory-growth', figure: 'numTensors' | 'numBytes', g: Growth, tolerance: number) => {
      if (this.seenAgain(run, kind, at)) return;
      const unit = figure === 'numTensors' ? 'tensors' : 'tensor bytes';
      this.addFinding(run, kind, {
        kind,
        action: leak.action,
        ...at,
        figure,
        ...g,
        tolerance,
        message:
          `${unit} grew from ${g.from} to ${g.to} over the last ${g.window} batches ` +
          `(${fmt(g.perBatch)} per batch, rising at ${g.rises} of them; tolerance ${tolerance} per batch)`,
        occurrences: 1,
        lastStep: at.step,
      });
    };
    if (growth.tensors) report('tensor-leak', 'numTensors', growth.tensors, leak.tensorsPerBatch);
    else if (growth.bytes) report('memory-growth', 'numBytes', growth.bytes, leak.bytesPerBatch);
  }

  /** Non-finite losses in batch or epoch logs (training and validation). */
  private async checkLosses(run: Run, at: TrainingPosition, logs: Logs | undefined, epochEnd: boolean): Promise<void> {
    const losses = lossEntries(logs);
    if (losses.length === 0) return;
    const tensors = losses.flatMap((l) => (typeof l.value === 'number' ? [] : [l.value]));
    const read = await inspectRanges(tensors, run.strategy);
    const ranges = losses.map((l) => (typeof l.value === 'number' ? numberRange(l.value) : read.shift()!));
    const main = ranges[losses.findIndex((l) => l.key === 'loss')];
    if (main) run.lastLoss = valueOf(main);
    const bad = losses.flatMap((l, i) => (nonFiniteCount(ranges[i]!) > 0 ? [describeValues(undefined, l.key, ranges[i]!)] : []));
    if (bad.length > 0) await this.recordNonFinite(run, at, bad, [], epochEnd);
  }

  private async check(run: Run, at: TrainingPosition, logs: Logs | undefined): Promise<void> {
    run.lastCheckedStep = at.step;
    run.checks++;
    const losses = lossEntries(logs);
    const lossTensors = losses.flatMap((l) => (typeof l.value === 'number' ? [] : [l.value]));
    const weightTensors = run.weights.map((w) => w.read());
    // One pass (or one device read-back) for the losses and every weight together.
    const ranges = await inspectRanges([...lossTensors, ...weightTensors], run.strategy);
    const lossRead = ranges.slice(0, lossTensors.length);
    const weightRanges = ranges.slice(lossTensors.length);
    const lossRanges = losses.map((l) => (typeof l.value === 'number' ? numberRange(l.value) : lossRead.shift()!));
    const main = lossRanges[losses.findIndex((l) => l.key === 'loss')];
    if (main) {
      run.lastLoss = valueOf(main);
      run.loss.add({ step: at.step, toStep: at.step, min: run.lastLoss, max: run.lastLoss });
      this.detectSpike(run, at, run.lastLoss);
    }

    const nonFinite: NonFiniteValues[] = [
      ...losses.flatMap((l, i) => (nonFiniteCount(lossRanges[i]!) > 0 ? [describeValues(undefined, l.key, lossRanges[i]!)] : [])),
      ...run.weights.flatMap((w, i) =>
        nonFiniteCount(weightRanges[i]!) > 0 ? [describeValues(w.layer, w.weight, weightRanges[i]!)] : [],
      ),
    ];
    if (nonFinite.length > 0) await this.recordNonFinite(run, at, nonFinite, weightRanges, false);

    for (const breach of run.bounds.breaches(weightRanges)) {
      await this.recordBreach(run, at, breach, weightTensors[breach.weight]!, weightRanges[breach.weight]!);
    }

    if (nonFinite.length === 0) await this.maybeSnapshot(run, at);

    weightRanges.forEach((h, i) => {
      if (h.min === null || h.max === null) return;
      const layer = run.layerOfWeight[i]!;
      const p = run.pending.get(layer) ?? {};
      p.min = Math.min(p.min ?? Infinity, h.min);
      p.max = Math.max(p.max ?? -Infinity, h.max);
      p.maxAbs = Math.max(p.maxAbs ?? 0, -h.min, h.max);
      run.pending.set(layer, p);
    });
  }

  private async recordNonFinite(
    run: Run,
    at: TrainingPosition,
    affected: NonFiniteValues[],
    weightRanges: TensorRange[],
    epochEnd: boolean,
  ): Promise<void> {
    if (this.seenAgain(run, 'non-finite', at)) return;
    const replayed = this.locateMode() === 'on-detect' ? await this.replay(run) : undefined;
    const { message, largestWeight } = describeNonFinite(affected, run.weights, weightRanges);
    const action = this.options.nonFinite.action;
    // Also at the final check: training is over, but the model must still be left finite.
    const snapshot = action === 'rollback-and-stop' ? run.snapshot : null;
    if (snapshot) snapshot.restore(run.weights);
    const restored = snapshot
      ? `; rolled back to the weights of ${snapshot.step < 0 ? 'the start of training' : `step ${snapshot.step}`}, the last that passed the checks`
      : '';
    const origin = this.trap?.fault ?? replayed ?? null;
    const how = replayed ? ' (replaying the probe batch on the last finite weights)' : '';
    const located = origin
      ? `; first produced by kernel ${origin.kernel} (${origin.pass} pass${origin.layerClass ? `, in a ${origin.layerClass} layer` : ''}) ` +
        `from ${origin.inputsFinite ? 'finite inputs' : 'inputs that were already non-finite'}${how}`
      : replayed === null
        ? '; replaying the probe batch on the last finite weights did not reproduce it: the batch that did is unlike the probe'
        : '';
    this.addFinding(run, 'non-finite', {
      kind: 'non-finite',
      action,
      ...at,
      ...affected[0]!,
      affected,
      ...(largestWeight ? { largestWeight } : {}),
      ...(snapshot ? { rolledBackTo: snapshot.step } : {}),
      ...(origin ? { origin } : {}),
      message: (epochEnd ? `${message}, in the logs of the epoch that ended at this batch` : message) + located + restored,
      occurrences: 1,
      lastStep: at.step,
    });
  }

  private async recordBreach(
    run: Run,
    at: TrainingPosition,
    breach: BoundBreach,
    tensor: tf.Tensor,
    range: TensorRange,
  ): Promise<void> {
    const key = `weight-bound:${breach.rule}:${breach.weight}:${breach.bound}`;
    if (this.seenAgain(run, key, at)) return;
    const outside =
      run.strategy === 'scan'
        ? countOutside(readValuesSync(tensor), breach.lo, breach.hi)
        : await countOutsideOnDevice(tensor, breach.lo, breach.hi);
    const w = run.weights[breach.weight]!;
    const fraction = range.size > 0 ? outside / range.size : 0;
    const op = breach.bound === 'min' ? '<' : '>';
    const name = breach.bound === 'maxAbs' ? 'max |w|' : breach.bound;
    this.addFinding(run, key, {
      kind: 'weight-bound',
      action: breach.action,
      ...at,
      layer: w.layer,
      weight: w.weight,
      bound: breach.bound,
      observed: breach.observed,
      limit: breach.limit,
      fractionOutOfBounds: fraction,
      rule: breach.rule,
      message:
        `layer '${w.layer}', weight '${w.weight}': ${name} = ${fmt(breach.observed)} ${op} ${breach.bound} ${fmt(breach.limit)} ` +
        `(${fmt(100 * fraction)}% of ${range.size} values out of bounds; rule weightBounds[${breach.rule}])`,
      occurrences: 1,
      lastStep: at.step,
    });
  }

  private async probeRelu(run: Run, probe: DeadReluProbe | TrainingBatchRelu, at: TrainingPosition): Promise<void> {
    run.probes++;
    const options = this.options.deadRelu!;
    const stats = await probe.measure();
    const source = probe instanceof TrainingBatchRelu ? 'training' : 'probe';
    const examples = probe instanceof TrainingBatchRelu ? probe.lastSize : probe.probeSize;
    for (const s of stats) {
      const index = run.layerIndex.get(s.layer);
      if (index === undefined) continue;
      const p = run.pending.get(index) ?? {};
      p.deadFraction = Math.max(p.deadFraction ?? 0, s.deadFraction);
      p.zeroFraction = Math.max(p.zeroFraction ?? 0, s.zeroFraction);
      run.pending.set(index, p);
      if (s.deadFraction <= options.maxDeadFraction) continue;
      const layer = run.layers[index]!.name + s.node;
      const key = `dead-relu:${layer}`;
      if (this.seenAgain(run, key, at)) continue;
      this.addFinding(run, key, {
        kind: 'dead-relu',
        action: options.action,
        ...at,
        layer,
        deadFraction: s.deadFraction,
        deadUnits: s.deadUnits,
        units: s.units,
        zeroFraction: s.zeroFraction,
        maxDeadFraction: options.maxDeadFraction,
        probeSize: examples,
        source,
        message:
          `layer '${layer}': ${fmt(100 * s.deadFraction)}% of its units are dead (${s.deadUnits} of ${s.units} output 0 ` +
          `for all ${examples} ${source === 'probe' ? 'probe examples' : 'training examples since the last measure'}), ` +
          `above maxDeadFraction ${options.maxDeadFraction}`,
        occurrences: 1,
        lastStep: at.step,
      });
    }
  }

  private detectSpike(run: Run, at: TrainingPosition, loss: number): void {
    const spike = run.spikeDetector.add(loss);
    if (!spike) return;
    if (run.spikes.length < 1000) run.spikes.push({ ...at, loss, ...spike });
    const action = this.options.lossSpike.action;
    if (!action || this.seenAgain(run, 'loss-spike', at)) return;
    this.addFinding(run, 'loss-spike', {
      kind: 'loss-spike',
      action,
      ...at,
      loss,
      ...spike,
      message: `the loss jumped to ${fmt(loss)}, against a mean of ${fmt(spike.mean)} ± ${fmt(spike.std)} over the last ${this.options.lossSpike.window} checks`,
      occurrences: 1,
      lastStep: at.step,
    });
  }

  /**
   * Every `snapshotEvery` checks that passed: update ratios against the previous snapshot, then
   * a new snapshot (the old one freed).
   */
  private async maybeSnapshot(run: Run, at: TrainingPosition): Promise<void> {
    if (!run.snapshot || ++run.checksSinceSnapshot < this.options.snapshotEvery) return;
    run.checksSinceSnapshot = 0;
    const rule = this.options.updateRatio;
    if (rule) {
      const steps = at.step - run.snapshot.step;
      const layers = run.layers
        .map((l, index) => ({ index, weights: l.weights.flatMap((w) => (w.trainable ? [run.weights.indexOf(w)] : [])) }))
        .filter((l) => l.weights.length > 0);
      const ratios = await run.snapshot.updateRatios(run.weights, layers.map((l) => l.weights));
      layers.forEach(({ index }, k) => {
        const perStep = ratios[k]! / steps;
        const p = run.pending.get(index) ?? {};
        p.updateRatio = perStep;
        run.pending.set(index, p);
        const bound = perStep > rule.max ? 'max' : perStep < rule.min ? 'min' : null;
        if (!bound) return;
        const layer = run.layers[index]!.name;
        const key = `update-ratio:${layer}:${bound}`;
        if (this.seenAgain(run, key, at)) return;
        const limit = bound === 'max' ? rule.max : rule.min;
        this.addFinding(run, key, {
          kind: 'update-ratio',
          action: rule.action,
          ...at,
          layer,
          perStep,
          steps,
          bound,
          limit,
          message:
            `layer '${layer}': ‖ΔW‖/‖W‖ = ${fmt(perStep)} per step over the last ${steps} step(s), ` +
            `${bound === 'max' ? 'above' : 'below'} ${fmt(limit)}${bound === 'min' ? ': the layer is not learning' : ': divergence ahead'}`,
          occurrences: 1,
          lastStep: at.step,
        });
      });
    }
    run.snapshot.dispose();
    run.snapshot = WeightSnapshot.take(run.weights, at.step);
  }

  /** Counts a problem already reported under `key`; later occurrences are not new findings. */
  private seenAgain(run: Run, key: string, at: TrainingPosition): boolean {
    const existing = run.byKey.get(key);
    if (!existing) return false;
    existing.occurrences++;
    existing.lastStep = at.step;
    return true;
  }

  private addFinding(run: Run, key: string, finding: Finding): void {
    run.byKey.set(key, finding);
    run.findings.push(finding);
    // Once training is over nothing can be stopped; 'fail' still makes fit reject.
    const stops = finding.action !== 'warn' && !run.ended;
    this.logger[LEVEL[finding.action]](
      { event: 'tfjs-monitor.finding', finding },
      `${finding.kind} at ${describePosition(finding)}: ${finding.message}` +
        (stops ? ` — stopping training (action '${finding.action}')` : ''),
    );
    if (finding.action === 'fail') run.failing.push(finding);
    if (!stops) return;
    (this.model as LayersModel).stopTraining = true;
    run.stoppedBy ??= finding;
  }

  private commitTimeline(run: Run, at: TrainingPosition): void {
    for (const [layer, measured] of run.pending) {
      run.timelines[layer]!.add(at, measured);
      Object.assign(run.last[layer]!, measured);
    }
    run.pending.clear();
  }
}

function describeValues(layer: string | undefined, weight: string, r: TensorRange): NonFiniteValues {
  const values = { weight, nanCount: r.nanCount, infCount: r.posInfCount + r.negInfCount, size: r.size };
  return layer === undefined ? values : { layer, ...values };
}

import * as tf from '@tensorflow/tfjs-core';
import { BoundedSeries } from '../common/bounded-series.js';
import { FindingLog } from '../core/finding-log.js';
import { resolveStrategy } from '../inspect/inspect-tensor.js';
import type { InspectStrategy } from '../inspect/read-values.js';
import type { BaselineStatus } from '../speed/settle-baseline.js';
import { SpeedRecorder } from '../speed/speed-recorder.js';
import { LossSpikeDetector, type LossSpike } from '../stability/loss-spikes.js';
import { WeightBounds } from '../stability/weight-bounds.js';
import type { DeadReluProbe } from '../tfjs/dead-relu-probe.js';
import type { KernelTrap } from '../tfjs/kernel-trap.js';
import type { LayerRef, WeightRef } from '../tfjs/model-weights.js';
import type { TrainingBatchRelu } from '../tfjs/relu-batch-watch.js';
import type { WeightSnapshot } from '../tfjs/weight-snapshot.js';
import type { Door, Target } from './door.js';
import type { Finding } from './findings.js';
import { SinkDispatch } from './sink-dispatch.js';
import type { ResolvedOptions } from './options.js';
import type { EpochLogs, LossPoint, Measured } from './run-report.js';
import { Timeline } from './timeline.js';
import { collectDependencies } from '../deps/collect.js';
import type { DependencySet } from '../deps/dependency-set.js';
import type { TrainingPosition } from '../core/findings.js';

/** Everything one run measures and keeps, from its first step to its report. */
export class RunState {
  readonly layers: LayerRef[];
  readonly weights: WeightRef[];
  readonly layerOfWeight: number[];
  readonly layerIndex: Map<object, number>;
  readonly timelines: Timeline[];
  readonly last: Measured[];
  /** Per layer, what this step measured, committed to the timeline once the step is done. */
  readonly pending = new Map<number, Measured>();
  readonly strategy: InspectStrategy;
  readonly bounds: WeightBounds;
  readonly speed: SpeedRecorder;
  readonly findings: FindingLog<Finding>;
  readonly sinks: SinkDispatch;
  readonly loss: BoundedSeries<LossPoint>;
  readonly epochLogs: EpochLogs[] = [];
  readonly spikes: LossSpike[] = [];
  readonly spikeDetector: LossSpikeDetector;
  readonly backend = tf.getBackend();
  readonly startedAt = new Date().toISOString();
  endedAt: string | null = null;
  reluLayers = new Set<number>();
  /** What measures dead ReLU units: a probe batch, or the training batches themselves. */
  relu: DeadReluProbe | TrainingBatchRelu | null = null;
  /** Installed for the length of the run with `locate: 'kernel'`. */
  trap: KernelTrap | null = null;
  /** The last weights that passed the checks, for rollback and on-detect replays. */
  snapshot: WeightSnapshot | null = null;
  checksSinceSnapshot = 0;
  /** The weights at the last update-ratio measure. */
  ratioBase: WeightSnapshot | null = null;
  checksSinceRatio = 0;
  /** An error of the monitor's own, held until the door can raise it safely. */
  error: unknown = null;
  epoch = 0;
  epochs = 0;
  epochBatches = 0;
  step = 0;
  lastPosition: TrainingPosition | null = null;
  lastCheckedStep = -1;
  /** Whether the weights were finite at the last check. */
  lastCheckFinite = true;
  /** Whether a NaN/Infinity was seen since the last dead-ReLU measure. */
  nonFiniteSinceRelu = false;
  checks = 0;
  probes = 0;
  lastLoss: number | null = null;
  /** Epochs the door was asked for (fit's `epochs`), for "epoch 3/10"; null in a loop. */
  totalEpochs: number | null = null;
  /** Whether to log progress on long epochs (not when tfjs-node already draws its progress bar). */
  progress = true;
  lastProgressAt = performance.now();
  baseline: BaselineStatus | null = null;
  /** What the run depended on: tfjs packages and backend as loaded, runtime, lockfile, data sources. */
  readonly dependencies: DependencySet;

  constructor(
    readonly options: ResolvedOptions,
    readonly target: Target,
    readonly door: Door,
  ) {
    this.layers = target.layers;
    this.weights = target.weights;
    const layerOf = new Map(this.layers.flatMap((l, i) => l.weights.map((w) => [w, i] as const)));
    this.layerOfWeight = this.weights.map((w) => layerOf.get(w)!);
    this.layerIndex = new Map<object, number>(this.layers.map((l, i) => [l.layer, i]));
    this.timelines = this.layers.map(() => new Timeline(options.timelinePoints));
    this.last = this.layers.map(() => ({}));
    this.strategy = resolveStrategy(options.strategy);
    this.bounds = new WeightBounds(options.weightBounds, this.weights);
    this.speed = new SpeedRecorder(options.speed, options.timelinePoints, door.processMemory);
    this.sinks = new SinkDispatch(this);
    this.findings = new FindingLog<Finding>(door.logger, () => door.requestStop(), (f) => this.sinks.queueFinding(f));
    this.loss = new BoundedSeries<LossPoint>(options.timelinePoints, (a, b) => ({
      step: a.step,
      toStep: b.toStep,
      min: Math.min(a.min, b.min),
      max: Math.max(a.max, b.max),
    }));
    const collect = door.dependencies ?? collectDependencies;
    this.dependencies = collect({ dataSources: options.dataSources });
    const spike = options.lossSpike;
    this.spikeDetector = new LossSpikeDetector(spike.window, spike.sigmas, spike.minRatio);
  }

  /** Adds to what this step measured for a layer. */
  measure(layer: number, update: (m: Measured) => void): void {
    const m = this.pending.get(layer) ?? {};
    update(m);
    this.pending.set(layer, m);
  }

  /** Commits this step's measures to the layer timelines; returns them, by layer name. */
  commit(at: TrainingPosition): { name: string; measured: Measured }[] {
    const committed: { name: string; measured: Measured }[] = [];
    for (const [layer, measured] of this.pending) {
      this.timelines[layer]!.add(at, measured);
      Object.assign(this.last[layer]!, measured);
      committed.push({ name: this.layers[layer]!.name, measured });
    }
    this.pending.clear();
    return committed;
  }

  /** 'off', 'kernel' or 'on-detect': 'on-detect' is the default when a probe batch is given, and needs a model. */
  locateMode(): 'off' | 'kernel' | 'on-detect' {
    const mode = this.options.locate;
    const canReplay = Boolean(this.options.deadRelu?.probe && this.target.model);
    if (mode === 'auto') return canReplay ? 'on-detect' : 'off';
    return mode === 'on-detect' && !canReplay ? 'off' : mode;
  }

  needsSnapshots(): boolean {
    return this.options.nonFinite.action === 'rollback-and-stop' || this.locateMode() === 'on-detect';
  }
}

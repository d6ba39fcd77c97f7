import * as tf from '@tensorflow/tfjs-core';
import { Callback, type LayersModel } from '@tensorflow/tfjs-layers';
import type { Logger } from 'pino';
import { countOutsideOnDevice } from '../inspect/device-reduce.js';
import { inspectTensors, resolveStrategy } from '../inspect/inspect-tensor.js';
import { listLayers, type LayerRef, type WeightRef } from '../inspect/model-weights.js';
import { readValuesSync, type InspectStrategy } from '../inspect/read-values.js';
import { countOutside } from '../inspect/scan.js';
import { healthFromSums, nonFiniteCount, type TensorHealth } from '../inspect/tensor-health.js';
import { defaultLogger } from '../logger.js';
import { assertLayersModel } from '../tfjs/model-guard.js';
import { DeadReluProbe, type ReluStats } from './dead-relu-probe.js';
import { MonitorSetupError, TrainingInstabilityError } from './errors.js';
import {
  describePosition,
  type Finding,
  type NonFiniteFinding,
  type NonFiniteValues,
  type TrainingPosition,
} from './findings.js';
import { resolveOptions, type Action, type ResolvedOptions, type TrainingMonitorOptions } from './options.js';
import { Timeline, type TimelinePoint } from './timeline.js';
import { writeFileSync } from 'node:fs';
import { findBaseline, readBaselineFile, recordBaseline } from '../speed/baseline-file.js';
import { compareSpeed, type SpeedComparison } from '../speed/compare.js';
import type { Growth } from '../speed/growth.js';
import { SpeedRecorder, type BatchGrowth, type SpeedReport } from '../speed/speed-recorder.js';
import type { BaselineKey } from '../speed/summary.js';
import { WeightBounds, type BoundBreach } from './weight-bounds.js';

type LogValue = number | tf.Scalar;
type Logs = Record<string, LogValue | undefined>;
type Measured = Omit<TimelinePoint, 'step' | 'toStep' | 'epoch' | 'batch'>;

export type RunStatus = 'healthy' | 'warned' | 'stopped' | 'failed';

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
  epochs: number;
  steps: number;
  checks: number;
  probes: number;
  lastLoss: number | null;
  stoppedAt: (TrainingPosition & { kind: Finding['kind'] }) | null;
  findings: Finding[];
  layers: LayerReport[];
  /** Timings, throughput and memory, with the baseline comparison when one was configured. */
  speed: (SpeedReport & { baseline: BaselineStatus | null }) | null;
}

/** What happened with the speed baseline at the end of the run. */
export interface BaselineStatus {
  path: string;
  status: 'recorded' | 'compared' | 'missing';
  comparison?: SpeedComparison;
}

interface Run {
  layers: LayerRef[];
  weights: WeightRef[];
  layerOfWeight: number[];
  timelines: Timeline[];
  last: Measured[];
  layerIndex: Map<string, number>;
  reluLayers: Set<number>;
  strategy: InspectStrategy;
  bounds: WeightBounds;
  probe: DeadReluProbe | null;
  findings: Finding[];
  byKey: Map<string, Finding>;
  failing: Finding[];
  stoppedBy: Finding | null;
  epoch: number;
  epochs: number;
  step: number;
  lastPosition: TrainingPosition | null;
  lastCheckedStep: number;
  checks: number;
  probes: number;
  lastLoss: number | null;
  pending: Map<number, Measured>;
  backend: string;
  startedAt: string;
  endedAt: string | null;
  speed: SpeedRecorder;
  baseline: BaselineStatus | null;
}

const LEVEL: Record<Action, 'warn' | 'error'> = { warn: 'warn', stop: 'error', fail: 'error' };

function lossEntries(logs: Logs | undefined): { key: string; value: LogValue }[] {
  if (!logs) return [];
  return Object.entries(logs)
    .filter(([key, value]) => value !== undefined && (key === 'loss' || key.endsWith('_loss')))
    .map(([key, value]) => ({ key, value: value as LogValue }));
}

function numberHealth(v: number): TensorHealth {
  const nan = Number.isNaN(v) ? 1 : 0;
  const pos = v === Infinity ? 1 : 0;
  const neg = v === -Infinity ? 1 : 0;
  return healthFromSums(1, nan, pos, neg, v, v, Math.abs(v), Math.abs(v), v === 0 ? 1 : 0);
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(+v.toFixed(4));
}

/**
 * Watches a tfjs model while it trains: the first NaN/Infinity in the loss or any weight, weights
 * outside plausible bounds, and dead ReLU units. Each finding warns, stops training, or fails the
 * job, as configured.
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
    const layers = listLayers(this.model).filter((l) => l.className !== 'InputLayer');
    const weights = layers.flatMap((l) => l.weights);
    const layerIndex = new Map(layers.map((l, i) => [l.name, i]));
    const probe = this.options.deadRelu ? DeadReluProbe.build(this.model, this.options.deadRelu.probe) : null;
    // A corrupt baseline file is reported now, before hours of training, not at the end.
    if (this.options.speed.baseline) readBaselineFile(this.options.speed.baseline.path, { missingIsEmpty: true });
    if (this.options.deadRelu && !probe) {
      this.logger.warn(
        { event: 'tfjs-monitor.no-relu' },
        'deadRelu: the model has no ReLU layers (relu/relu6 activation on Dense, Conv or Activation layers, ' +
          'or a ReLU layer), so the dead-ReLU check is off for this run',
      );
    }
    this.run = {
      layers,
      weights,
      layerOfWeight: weights.map((w) => layerIndex.get(w.layer)!),
      timelines: layers.map(() => new Timeline(this.options.timelinePoints)),
      last: layers.map(() => ({})),
      layerIndex,
      reluLayers: new Set((probe?.layers ?? []).map((name) => layerIndex.get(name.replace(/@\d+$/, ''))!)),
      strategy: resolveStrategy(this.options.strategy),
      bounds: new WeightBounds(this.options.weightBounds, weights),
      probe,
      findings: [],
      byKey: new Map(),
      failing: [],
      stoppedBy: null,
      epoch: 0,
      epochs: 0,
      step: 0,
      lastPosition: null,
      lastCheckedStep: -1,
      checks: 0,
      probes: 0,
      lastLoss: null,
      pending: new Map(),
      backend: tf.getBackend(),
      startedAt: new Date().toISOString(),
      endedAt: null,
      speed: new SpeedRecorder(this.options.speed, this.options.timelinePoints),
      baseline: null,
    };
    this.logger.debug(
      { event: 'tfjs-monitor.start', backend: this.run.backend, strategy: this.run.strategy, weights: weights.length },
      'monitoring training',
    );
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    if (!this.run) return;
    this.run.epoch = epoch;
    this.run.speed.epochBegin(performance.now());
  }

  override async onBatchBegin(): Promise<void> {
    this.run?.speed.batchBegin(performance.now());
  }

  override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const run = this.run;
    if (!run) return;
    const size = typeof logs?.['size'] === 'number' ? logs['size'] : undefined;
    const growth = run.speed.batchEnd(performance.now(), run.step, size);
    const at: TrainingPosition = { epoch: run.epoch, batch, step: run.step++ };
    run.lastPosition = at;
    if (at.step % this.options.checkEvery === 0) await this.check(run, at, logs);
    if (run.probe && at.step % this.options.deadRelu!.every === 0) await this.probeRelu(run, run.probe, at);
    this.recordGrowth(run, at, growth);
    this.commitTimeline(run, at);
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.epochs++;
    const speed = run.speed.epochEnd(epoch, performance.now());
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
    if (!run) return;
    // A NaN in the last batches must not slip through when checkEvery > 1.
    if (run.lastPosition && run.lastPosition.step > run.lastCheckedStep) {
      await this.check(run, run.lastPosition, undefined);
      this.commitTimeline(run, run.lastPosition);
    }
    run.endedAt = new Date().toISOString();
    run.probe = null; // Drop, never dispose: the probe model shares the training model's weights.
    this.settleBaseline(run);
    if (run.failing.length === 0) return;
    // Resolve History's epoch-log scalars first: tfjs skips that step when a hook throws, and would leak them.
    await (this.model as LayersModel).history?.syncData();
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

  /** Writes `report()` as JSON, e.g. for `tfjs-monitor speed compare` or `speed record`. */
  saveReport(path: string): void {
    writeFileSync(path, JSON.stringify(this.report(), null, 2) + '\n');
  }

  /** The latest run as plain JSON: status, findings, per-layer timelines, speed and memory. */
  report(): MonitorReport {
    const run = this.run;
    const status: RunStatus = !run
      ? 'healthy'
      : run.failing.length > 0
        ? 'failed'
        : run.stoppedBy
          ? 'stopped'
          : run.findings.length > 0
            ? 'warned'
            : 'healthy';
    return {
      status,
      backend: run?.backend ?? tf.getBackend(),
      strategy: run?.strategy ?? resolveStrategy(this.options.strategy),
      startedAt: run?.startedAt ?? '',
      endedAt: run?.endedAt ?? null,
      epochs: run?.epochs ?? 0,
      steps: run?.step ?? 0,
      checks: run?.checks ?? 0,
      probes: run?.probes ?? 0,
      lastLoss: run?.lastLoss ?? null,
      stoppedAt: run?.stoppedBy
        ? {
            epoch: run.stoppedBy.epoch,
            batch: run.stoppedBy.batch,
            step: run.stoppedBy.step,
            kind: run.stoppedBy.kind,
          }
        : null,
      findings: this.findings.map((f) => structuredClone(f)),
      layers: (run?.layers ?? [])
        .map((l, i) => ({
          name: l.name,
          className: l.className,
          weights: l.weights.map((w) => w.weight),
          relu: run!.reluLayers.has(i),
          last: { ...run!.last[i]! },
          timeline: run!.timelines[i]!.toJSON(),
        }))
        .filter((l) => l.weights.length > 0 || l.relu),
      speed: run ? { ...run.speed.report(this.baselineKey(run)), baseline: run.baseline } : null,
    };
  }

  private baselineKey(run: Run): BaselineKey {
    return { ...this.options.speed.versions, backend: run.backend };
  }

  /** Records this run as the baseline, or compares it with the recorded one, as configured. */
  private settleBaseline(run: Run): void {
    const options = this.options.speed.baseline;
    if (!options) return;
    const summary = run.speed.summary(this.baselineKey(run));
    if (options.record) {
      recordBaseline(options.path, summary);
      run.baseline = { path: options.path, status: 'recorded' };
      this.logger.info({ event: 'tfjs-monitor.baseline-recorded', path: options.path, key: summary.key }, `speed baseline recorded in ${options.path}`);
      return;
    }
    const baseline = findBaseline(readBaselineFile(options.path, { missingIsEmpty: true }), summary.key);
    if (!baseline) {
      run.baseline = { path: options.path, status: 'missing' };
      this.logger.warn(
        { event: 'tfjs-monitor.no-baseline', path: options.path, key: summary.key },
        `no speed baseline in ${options.path} for this run's versions and backend: nothing compared; ` +
          'record one with speed.baseline.record or `tfjs-monitor speed record`',
      );
      return;
    }
    const comparison = compareSpeed(baseline, summary, options.tolerance);
    run.baseline = { path: options.path, status: 'compared', comparison };
    if (comparison.regressions.length === 0) return;
    const at = run.lastPosition ?? { epoch: run.epoch, batch: 0, step: 0 };
    const list = comparison.regressions
      .map((r) => `${r.metric} ${r.baseline} → ${r.run} (${r.change! >= 0 ? '+' : ''}${fmt(100 * r.change!)}%)`)
      .join(', ');
    this.addFinding(run, 'speed-regression', {
      kind: 'speed-regression',
      // Training is over: 'stop' can only warn, 'fail' still makes fit reject.
      action: options.action,
      ...at,
      baselinePath: options.path,
      key: summary.key,
      regressions: comparison.regressions,
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

  private async check(run: Run, at: TrainingPosition, logs: Logs | undefined): Promise<void> {
    run.lastCheckedStep = at.step;
    run.checks++;
    const losses = lossEntries(logs);
    const lossTensors = losses.flatMap((l) => (typeof l.value === 'number' ? [] : [l.value]));
    const weightTensors = run.weights.map((w) => w.read());
    const healths = await inspectTensors([...lossTensors, ...weightTensors], run.strategy);
    const weightHealths = healths.slice(lossTensors.length);
    let t = 0;
    const lossHealths = losses.map((l) => (typeof l.value === 'number' ? numberHealth(l.value) : healths[t++]!));

    const main = lossHealths[losses.findIndex((l) => l.key === 'loss')] ?? lossHealths[0];
    if (main) run.lastLoss = main.min ?? (main.nanCount > 0 ? NaN : main.posInfCount > 0 ? Infinity : -Infinity);

    const nonFinite: NonFiniteValues[] = [];
    const describe = (h: TensorHealth) => ({ nanCount: h.nanCount, infCount: h.posInfCount + h.negInfCount, size: h.size });
    losses.forEach((l, i) => {
      if (nonFiniteCount(lossHealths[i]!) > 0) nonFinite.push({ weight: l.key, ...describe(lossHealths[i]!) });
    });
    run.weights.forEach((w, i) => {
      const h = weightHealths[i]!;
      if (nonFiniteCount(h) > 0) nonFinite.push({ layer: w.layer, weight: w.weight, ...describe(h) });
    });
    if (nonFinite.length > 0) this.recordNonFinite(run, at, nonFinite, weightHealths);

    for (const breach of run.bounds.breaches(weightHealths)) {
      await this.recordBreach(run, at, breach, weightTensors[breach.weight]!, weightHealths[breach.weight]!);
    }

    run.weights.forEach((_, i) => {
      const h = weightHealths[i]!;
      if (h.min === null || h.max === null) return;
      const layer = run.layerOfWeight[i]!;
      const p = run.pending.get(layer) ?? {};
      p.min = Math.min(p.min ?? Infinity, h.min);
      p.max = Math.max(p.max ?? -Infinity, h.max);
      p.maxAbs = Math.max(p.maxAbs ?? 0, -h.min, h.max);
      run.pending.set(layer, p);
    });
  }

  private recordNonFinite(run: Run, at: TrainingPosition, affected: NonFiniteValues[], healths: TensorHealth[]): void {
    if (this.seenAgain(run, 'non-finite', at)) return;
    const first = affected[0]!;
    const where = first.layer === undefined
      ? `the ${first.weight === 'loss' ? 'loss' : `loss '${first.weight}'`} is ${first.nanCount ? 'NaN' : 'Infinite'}`
      : `layer '${first.layer}', weight '${first.weight}' has ${first.nanCount} NaN and ${first.infCount} Infinity among ${first.size} values`;
    const list = (a: NonFiniteValues[]) => a.slice(0, 3).map((v) => v.weight).join(', ') + (a.length > 3 ? ', …' : '');
    let more = affected.length > 1 ? ` (${affected.length - 1} more non-finite: ${list(affected.slice(1))})` : '';
    let largestWeight: NonFiniteFinding['largestWeight'];
    if (first.layer === undefined && !affected.some((a) => a.layer !== undefined)) {
      let best = -1;
      healths.forEach((h, i) => {
        const maxAbs = h.min === null || h.max === null ? -1 : Math.max(-h.min, h.max);
        if (maxAbs > best) {
          best = maxAbs;
          const w = run.weights[i]!;
          largestWeight = { layer: w.layer, weight: w.weight, maxAbs };
        }
      });
      if (largestWeight) {
        more +=
          `; every weight is still finite, the largest being layer '${largestWeight.layer}', ` +
          `weight '${largestWeight.weight}' (max |w| = ${fmt(largestWeight.maxAbs)})`;
      }
    }
    const finding: NonFiniteFinding = {
      kind: 'non-finite',
      action: this.options.nonFinite.action,
      ...at,
      ...first,
      affected,
      ...(largestWeight ? { largestWeight } : {}),
      message: `first non-finite value: ${where}${more}`,
      occurrences: 1,
      lastStep: at.step,
    };
    this.addFinding(run, 'non-finite', finding);
  }

  private async recordBreach(
    run: Run,
    at: TrainingPosition,
    breach: BoundBreach,
    tensor: tf.Tensor,
    health: TensorHealth,
  ): Promise<void> {
    const key = `weight-bound:${breach.rule}:${breach.weight}:${breach.bound}`;
    if (this.seenAgain(run, key, at)) return;
    const outside =
      run.strategy === 'scan'
        ? countOutside(readValuesSync(tensor), breach.lo, breach.hi)
        : await countOutsideOnDevice(tensor, breach.lo, breach.hi);
    const w = run.weights[breach.weight]!;
    const fraction = health.size > 0 ? outside / health.size : 0;
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
        `(${fmt(100 * fraction)}% of ${health.size} values out of bounds; rule weightBounds[${breach.rule}])`,
      occurrences: 1,
      lastStep: at.step,
    });
  }

  private async probeRelu(run: Run, probe: DeadReluProbe, at: TrainingPosition): Promise<void> {
    run.probes++;
    const stats: ReluStats[] = await probe.measure();
    const options = this.options.deadRelu!;
    for (const s of stats) {
      const layer = run.layerIndex.get(s.layer.replace(/@\d+$/, ''));
      if (layer !== undefined) {
        const p = run.pending.get(layer) ?? {};
        p.deadFraction = Math.max(p.deadFraction ?? 0, s.deadFraction);
        p.zeroFraction = Math.max(p.zeroFraction ?? 0, s.zeroFraction);
        run.pending.set(layer, p);
      }
      if (s.deadFraction <= options.maxDeadFraction) continue;
      const key = `dead-relu:${s.layer}`;
      if (this.seenAgain(run, key, at)) continue;
      this.addFinding(run, key, {
        kind: 'dead-relu',
        action: options.action,
        ...at,
        layer: s.layer,
        deadFraction: s.deadFraction,
        deadUnits: s.deadUnits,
        units: s.units,
        zeroFraction: s.zeroFraction,
        maxDeadFraction: options.maxDeadFraction,
        probeSize: probe.probeSize,
        message:
          `layer '${s.layer}': ${fmt(100 * s.deadFraction)}% of its units are dead (${s.deadUnits} of ${s.units} output 0 ` +
          `for all ${probe.probeSize} probe examples), above maxDeadFraction ${options.maxDeadFraction}`,
        occurrences: 1,
        lastStep: at.step,
      });
    }
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
    const stops = finding.action !== 'warn';
    this.logger[LEVEL[finding.action]](
      { event: 'tfjs-monitor.finding', finding },
      `${finding.kind} at ${describePosition(finding)}: ${finding.message}` +
        (stops ? ` — stopping training (action '${finding.action}')` : ''),
    );
    if (!stops) return;
    (this.model as LayersModel).stopTraining = true;
    run.stoppedBy ??= finding;
    if (finding.action === 'fail') run.failing.push(finding);
  }

  private commitTimeline(run: Run, at: TrainingPosition): void {
    for (const [layer, measured] of run.pending) {
      run.timelines[layer]!.add(at, measured);
      Object.assign(run.last[layer]!, measured);
    }
    run.pending.clear();
  }
}

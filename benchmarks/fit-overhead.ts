/**
 * What the training monitor costs on model.fit, two ways, in the same interleaved rounds:
 * - direct: the monitor's own time, which it records itself (`report().speed.monitor`: the wall
 *   time inside its hooks per batch, over the mean training step);
 * - end to end: the fit's time against the same fit with no monitor, which also catches what the
 *   hooks do not cover (work inside tfjs's step, and the hooks once per fit).
 * Each figure is the median over rounds with a 95% bootstrap interval over rounds.
 */
import * as tf from '@tensorflow/tfjs';
import { TrainingMonitor, type TrainingMonitorOptions } from '../src/node/index.js';
import { DeadReluProbe } from '../src/tfjs/dead-relu-probe.js';
import { loadMnist } from '../examples/lib/mnist.js';
import { collectGarbage, median, rotated, silentLogger, use } from './lib.js';
import { bootstrapInterval, seedFrom, type Interval } from './stats.js';

/** The monitor with the hooks that run once per fit timed too: they are outside its per-batch own time. */
class TimedMonitor extends TrainingMonitor {
  onceMs = 0;
  private async timed(work: () => Promise<void>): Promise<void> {
    const t0 = performance.now();
    try {
      await work();
    } finally {
      this.onceMs += performance.now() - t0;
    }
  }
  override onTrainBegin(): Promise<void> {
    return this.timed(() => super.onTrainBegin());
  }
  override onEpochEnd(epoch: number, logs?: Parameters<TrainingMonitor['onEpochEnd']>[1]): Promise<void> {
    return this.timed(() => super.onEpochEnd(epoch, logs));
  }
  override onTrainEnd(): Promise<void> {
    return this.timed(() => super.onTrainEnd());
  }
}

export const NO_MONITOR = 'no monitor';
export const DEFAULT = 'default (non-finite + weight bounds)';
export const EVERYTHING = 'everything on';

/** A configuration; `inStep` says what it runs inside tfjs's training step, where its hooks' clock cannot see. */
interface Config {
  options: (probe: tf.Tensor) => TrainingMonitorOptions;
  inStep?: string;
}

export const CONFIGS: Record<string, Config> = {
  'non-finite checks only': { options: () => ({ weightBounds: [] }) },
  [DEFAULT]: { options: () => ({}) },
  '+ dead-ReLU probe (64 ex. / 10 batches)': { options: (probe) => ({ deadRelu: { probe, every: 10 }, locate: 'off' }) },
  "+ probe with locate: 'on-detect' (snapshots; replay only on NaN)": { options: (probe) => ({ deadRelu: { probe, every: 10 }, locate: 'on-detect' }) },
  [EVERYTHING]: {
    options: (probe) => ({
      checkEvery: 1,
      weightBounds: [{ maxAbs: 1e4 }, { weight: 'kernel', maxAbs: 100 }, { weight: 'bias', min: -50, max: 50 }],
      deadRelu: { probe, every: 10 },
    }),
  },
  'dead ReLU on the training batches (no probe, every 10)': {
    options: () => ({ deadRelu: { every: 10 } }),
    inStep: "each ReLU layer's call, wrapped: a per-unit max and a zero count of its output on every training batch",
  },
  'rollback + update ratios (snapshot every 10 checks)': { options: () => ({ nonFinite: { action: 'rollback-and-stop' }, updateRatio: {} }) },
  "locate: 'kernel' (debugging)": { options: () => ({ locate: 'kernel' }), inStep: 'the kernel trap: every kernel output read for NaN/Infinity' },
};

/** What one variant measured in each round (arrays in round order). */
export interface Rounds {
  fitMs: number[];
  /** The monitor's own figures, from its report: mean own ms per batch, own / step, mean step ms. */
  ownMsPerBatch: number[];
  shareOfStep: number[];
  stepMs: number[];
  /** onTrainBegin + onEpochEnd + onTrainEnd, per fit. */
  onceMs: number[];
}

export interface VariantResult {
  /** Fit time over the unmonitored fit's in the same round, minus 1. */
  endToEnd: Interval;
  /** The monitor's own time in its per-batch hooks over the mean training step. */
  direct: Interval;
  ownMsPerBatch: Interval;
  onceMsPerFit: number;
  /** Where the configuration works inside tfjs's step: its step time over the default configuration's, minus 1. */
  inStep?: Interval & { what: string };
}

export interface FitResult {
  name: string;
  backend: string;
  examples: number;
  batches: number;
  rounds: number;
  msPerBatchNoMonitor: number;
  variants: Record<string, VariantResult>;
  /** As before this benchmark had intervals: medians of fit times and of per-round ratios. */
  msPerFit: Record<string, number>;
  overhead: Record<string, number>;
  probe: { msPerProbe: number; msPerProbeExample: number; msPerTrainingExample: number };
  perRound: Record<string, Rounds>;
}

export interface FitBench {
  name: string;
  backend: 'cpu' | 'wasm';
  build: () => tf.LayersModel;
  examples: number;
  image: boolean;
  rounds: number;
}

const empty = (): Rounds => ({ fitMs: [], ownMsPerBatch: [], shareOfStep: [], stepMs: [], onceMs: [] });

/** Runs every configuration and the unmonitored fit once per round, in rotated order. */
export async function fitOverhead(bench: FitBench, log: (line: string) => void): Promise<FitResult> {
  const { name, backend, examples, image, rounds } = bench;
  await use(backend);
  const { xs, ys } = loadMnist(examples, { image });
  const probe = loadMnist(64, { offset: 6000, image }).xs;
  const model = bench.build();
  const monitors = new Map<string, TimedMonitor | null>([[NO_MONITOR, null]]);
  for (const [label, config] of Object.entries(CONFIGS)) monitors.set(label, new TimedMonitor({ ...config.options(probe), logger: silentLogger }));
  const names = [...monitors.keys()];
  const fit = (monitor: TimedMonitor | null) =>
    model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0, callbacks: monitor ? [monitor] : [] });

  const perRound = Object.fromEntries(names.map((n) => [n, empty()])) as Record<string, Rounds>;
  for (let r = -1; r < rounds; r++) {
    const t0 = performance.now();
    for (const label of rotated(names, Math.max(r, 0))) {
      const monitor = monitors.get(label)!;
      if (monitor) monitor.onceMs = 0;
      collectGarbage();
      const start = performance.now();
      await fit(monitor);
      const ms = performance.now() - start;
      if (r < 0) continue; // the warm-up round: kernels, optimizer state, the monitor's code paths
      const into = perRound[label]!;
      into.fitMs.push(ms);
      if (!monitor) continue;
      const speed = monitor.report().speed;
      if (!speed) throw new Error(`${label}: the monitor's report has no speed figures after a fit`);
      into.ownMsPerBatch.push(speed.monitor.msPerBatch.mean ?? NaN);
      into.shareOfStep.push(speed.monitor.shareOfStep ?? NaN);
      into.stepMs.push(speed.msPerBatch.mean ?? NaN);
      into.onceMs.push(monitor.onceMs);
    }
    log(`  ${name}: ${r < 0 ? 'warm-up round' : `round ${r + 1}/${rounds}`} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  const batches = Math.ceil(examples / 32);
  const base = perRound[NO_MONITOR]!;
  const interval = (label: string, what: string, values: number[]) => bootstrapInterval(values, { seed: seedFrom(`${name} | ${label} | ${what}`) });
  const variants: Record<string, VariantResult> = {};
  const msPerFit: Record<string, number> = { [NO_MONITOR]: median(base.fitMs) };
  const overhead: Record<string, number> = {};
  for (const [label, config] of Object.entries(CONFIGS)) {
    const v = perRound[label]!;
    const ratios = v.fitMs.map((t, i) => t / base.fitMs[i]! - 1);
    msPerFit[label] = median(v.fitMs);
    overhead[label] = median(ratios);
    variants[label] = {
      endToEnd: interval(label, 'end to end', ratios),
      direct: interval(label, 'share of step', v.shareOfStep),
      ownMsPerBatch: interval(label, 'own ms per batch', v.ownMsPerBatch),
      onceMsPerFit: median(v.onceMs),
    };
    if (config.inStep) {
      const byDefault = perRound[DEFAULT]!.stepMs;
      const inStep = interval(label, 'in step', v.stepMs.map((s, i) => s / byDefault[i]! - 1));
      variants[label]!.inStep = { ...inStep, what: config.inStep };
    }
  }

  const result: FitResult = {
    name,
    backend,
    examples,
    batches,
    rounds,
    msPerBatchNoMonitor: median(base.fitMs) / batches,
    variants,
    msPerFit,
    overhead,
    probe: await probeCost(model, probe, median(base.fitMs) / examples),
    perRound,
  };
  tf.dispose([xs, ys, probe]);
  model.optimizer.dispose();
  model.dispose();
  return result;
}

/** A probe is extra forward passes: its cost per probe example, next to a training step's per example. */
async function probeCost(model: tf.LayersModel, probe: tf.Tensor, msPerTrainingExample: number): Promise<FitResult['probe']> {
  const deadRelu = DeadReluProbe.build(model, probe)!;
  await deadRelu.measure();
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    await deadRelu.measure();
    times.push(performance.now() - t0);
  }
  const msPerProbe = median(times);
  return { msPerProbe, msPerProbeExample: msPerProbe / probe.shape[0]!, msPerTrainingExample };
}

import type { KernelFault } from './kernel-trap.js';
import type { ComparisonRow } from '../speed/compare.js';
import type { BaselineKey } from '../speed/summary.js';
import type { FindingAction } from './actions.js';

/** Where in training a finding was first seen. */
export interface TrainingPosition {
  epoch: number;
  /** Batch index within the epoch. */
  batch: number;
  /** Global step: batches since training began, from 0. */
  step: number;
}

interface FindingBase extends TrainingPosition {
  /** The layer concerned, when there is one (the loss belongs to none). */
  layer?: string;
  /** `layer/name` of the weight concerned, or the loss's log key; absent for layer-level findings. */
  weight?: string;
  action: FindingAction;
  message: string;
  /** Checks at which the same problem was seen, the first included. */
  occurrences: number;
  lastStep: number;
}

export interface NonFiniteValues {
  layer?: string;
  /** `layer/name` of the weight, or the loss's log key (`loss`). */
  weight: string;
  nanCount: number;
  infCount: number;
  size: number;
}

/** The first NaN/Infinity of the run. `affected` lists everything non-finite at that check. */
export interface NonFiniteFinding extends FindingBase {
  kind: 'non-finite';
  layer?: string;
  /** `layer/name` of the weight, or the loss's log key (`loss`). */
  weight: string;
  nanCount: number;
  infCount: number;
  size: number;
  affected: NonFiniteValues[];
  /**
   * When only the loss is non-finite, the weight with the largest finite |value| at that check:
   * where to look first when the forward pass overflowed.
   */
  largestWeight?: { layer: string; weight: string; maxAbs: number };
  /** With `rollback-and-stop`: the step whose weights were restored (-1: the initial weights). */
  rolledBackTo?: number;
  /** With `locate: 'kernel'`: the first kernel whose output held NaN/Infinity. */
  origin?: KernelFault;
}

/** A layer whose weights move too much (divergence ahead) or not at all (frozen) per step. */
export interface UpdateRatioFinding extends FindingBase {
  kind: 'update-ratio';
  layer: string;
  /** ‖ΔW‖/‖W‖ per step, over `steps` steps since the previous snapshot. */
  perStep: number;
  steps: number;
  bound: 'min' | 'max';
  limit: number;
}

/** The loss jumped far above its recent average: an early warning, before anything is non-finite. */
export interface LossSpikeFinding extends FindingBase {
  kind: 'loss-spike';
  loss: number;
  mean: number;
  std: number;
}

export interface WeightBoundFinding extends FindingBase {
  kind: 'weight-bound';
  layer: string;
  weight: string;
  bound: 'min' | 'max' | 'maxAbs';
  observed: number;
  limit: number;
  /** Fraction of the weight's elements outside the bound when it was first breached. */
  fractionOutOfBounds: number;
  /** Index of the rule in `weightBounds`. */
  rule: number;
}

export interface DeadReluFinding extends FindingBase {
  kind: 'dead-relu';
  layer: string;
  /** Fraction of units that output 0 for every probe example. */
  deadFraction: number;
  deadUnits: number;
  units: number;
  /** Fraction of all activations that are 0. */
  zeroFraction: number;
  maxDeadFraction: number;
  /** Examples measured: the probe batch, or the training examples since the previous measure. */
  probeSize: number;
  source: 'probe' | 'training';
}

/** A figure that kept growing over the leak window: tensors (`tensor-leak`) or tensor bytes (`memory-growth`). */
export interface MemoryGrowthFinding extends FindingBase {
  kind: 'tensor-leak' | 'memory-growth';
  figure: 'numTensors' | 'numBytes';
  /** Net growth per batch over the window, and the tolerance it exceeded. */
  perBatch: number;
  tolerance: number;
  /** Batches in the window at which the figure rose. */
  rises: number;
  from: number;
  to: number;
  window: number;
}

/** The run was slower, or used more memory, than its baseline allows. */
export interface SpeedRegressionFinding extends FindingBase {
  kind: 'speed-regression';
  baselinePath: string;
  key: BaselineKey;
  regressions: ComparisonRow[];
}

export type Finding =
  | NonFiniteFinding
  | WeightBoundFinding
  | DeadReluFinding
  | MemoryGrowthFinding
  | SpeedRegressionFinding
  | UpdateRatioFinding
  | LossSpikeFinding;
export type FindingKind = Finding['kind'];

/** "epoch 2, batch 17 (step 117)" */
export function describePosition(p: TrainingPosition): string {
  return `epoch ${p.epoch}, batch ${p.batch} (step ${p.step})`;
}

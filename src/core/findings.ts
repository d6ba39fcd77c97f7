import type { FindingAction } from './actions.js';

/** Where in training a finding was first seen. */
export interface TrainingPosition {
  epoch: number;
  /** Batch index within the epoch. */
  batch: number;
  /** Global step: batches (or loop steps) since training began, from 0. */
  step: number;
}

/** What every finding has, whatever check raised it. */
export interface FindingBase extends TrainingPosition {
  kind: string;
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

/** "epoch 2, batch 17 (step 117)" */
export function describePosition(p: TrainingPosition): string {
  return `epoch ${p.epoch}, batch ${p.batch} (step ${p.step})`;
}

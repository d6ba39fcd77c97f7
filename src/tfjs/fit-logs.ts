import type * as tf from '@tensorflow/tfjs-core';
import { healthFromSums, type TensorRange } from '../inspect/tensor-health.js';

/** A tfjs log value: a Scalar straight from fit, or a number once a CustomCallback resolved it. */
export type LogValue = number | tf.Scalar;
export type Logs = Record<string, LogValue | undefined>;

/** The loss entries of batch or epoch logs: `loss`, per-output `*_loss`, and their `val_` forms. */
export function lossEntries(logs: Logs | undefined): { key: string; value: LogValue }[] {
  if (!logs) return [];
  return Object.entries(logs)
    .filter(([key, value]) => value !== undefined && (key === 'loss' || key.endsWith('_loss')))
    .map(([key, value]) => ({ key, value: value as LogValue }));
}

/** The tensors among log values; History keeps the epoch logs' ones alive until training ends. */
export function countTensors(logs: Logs | undefined): number {
  return logs ? Object.values(logs).filter((v) => v !== undefined && typeof v !== 'number').length : 0;
}

/** A number as a one-element range. */
export function numberRange(v: number): TensorRange {
  return healthFromSums(1, Number.isNaN(v) ? 1 : 0, v === Infinity ? 1 : 0, v === -Infinity ? 1 : 0, v, v, 0, 0, 0);
}

/** The scalar value a range describes (NaN or ±Infinity when it is not finite). */
export function valueOf(r: TensorRange): number {
  return r.min ?? (r.nanCount > 0 ? NaN : r.posInfCount > 0 ? Infinity : -Infinity);
}

import type * as tf from '@tensorflow/tfjs-core';
import { inspectOnDevice, inspectRangesOnDevice } from './device-reduce.js';
import { defaultStrategy, readValuesSync, wasmHeapMemory, type InspectStrategy } from './read-values.js';
import { scanRangeHistogram, type ValueHistogram } from './histogram.js';
import { scanRange, scanValues } from './scan.js';
import type { TensorHealth, TensorRange } from './tensor-health.js';

export interface InspectOptions {
  /** 'auto' (default) scans on cpu/wasm and reduces on the device elsewhere. */
  strategy?: InspectStrategy | 'auto';
}

export function resolveStrategy(strategy: InspectStrategy | 'auto' = 'auto'): InspectStrategy {
  return strategy === 'auto' ? defaultStrategy() : strategy;
}

/** Health of several tensors in one go: one pass each on the host, or one read-back on the device. */
export async function inspectTensors(
  tensors: readonly tf.Tensor[],
  strategy: InspectStrategy,
): Promise<TensorHealth[]> {
  if (strategy === 'device') return inspectOnDevice(tensors);
  const memory = wasmHeapMemory();
  return tensors.map((t) => scanValues(readValuesSync(t), memory));
}

/**
 * Non-finite counts and finite ranges: what the monitor needs every batch, at about half the
 * cost of every statistic on the host, and with a fraction of the kernels on the device.
 */
export async function inspectRanges(tensors: readonly tf.Tensor[], strategy: InspectStrategy): Promise<TensorRange[]> {
  if (strategy === 'device') return inspectRangesOnDevice(tensors);
  const memory = wasmHeapMemory();
  return tensors.map((t) => scanRange(readValuesSync(t), memory));
}

/**
 * The same ranges and a histogram of each tensor, from one JS pass over its values: a histogram
 * step reads each weight once, as every step does (on device backends, one download each).
 */
export function inspectRangesWithHistograms(tensors: readonly tf.Tensor[]): { range: TensorRange; histogram: ValueHistogram | null }[] {
  return tensors.map((t) => scanRangeHistogram(readValuesSync(t)));
}

/**
 * Counts of NaN and ±Infinity in a tensor, and min, max, mean |x|, L2 norm and the fraction of
 * zeros over its finite values. The tensor is only read, never disposed or copied on cpu/wasm.
 */
export async function inspectTensor(t: tf.Tensor, options: InspectOptions = {}): Promise<TensorHealth> {
  const [health] = await inspectTensors([t], resolveStrategy(options.strategy));
  return health as TensorHealth;
}

import * as tf from '@tensorflow/tfjs-core';
import { healthFromSums, type TensorHealth } from './tensor-health.js';

const STATS_PER_TENSOR = 9;

/**
 * The nine raw statistics of one tensor as a float32 vector, computed on the device:
 * [size, nan, +inf, -inf, min, max, sumAbs, l2, zeros], over finite values where it matters.
 * NaN is found as `x != x`, because tf.isNaN has returned wrong results on webgl.
 * Counts are float32, exact up to 2^24 elements per tensor.
 */
function rawStats(t: tf.Tensor): tf.Tensor1D {
  const x = tf.cast(tf.reshape(t, [-1]), 'float32');
  const isNan = tf.notEqual(x, x);
  const isPosInf = tf.equal(x, Infinity);
  const isNegInf = tf.equal(x, -Infinity);
  const finite = tf.logicalNot(tf.logicalOr(isNan, tf.logicalOr(isPosInf, isNegInf)));
  const finiteOrZero = tf.where(finite, x, tf.zerosLike(x));
  const min = tf.min(tf.where(finite, x, tf.fill(x.shape, Infinity)));
  const max = tf.max(tf.where(finite, x, tf.fill(x.shape, -Infinity)));
  // Scale by the largest |value| before squaring so the float32 sum cannot overflow.
  const maxAbs = tf.maximum(tf.abs(min), tf.abs(max));
  const scale = tf.where(tf.logicalAnd(tf.isFinite(maxAbs), tf.greater(maxAbs, 0)), maxAbs, tf.onesLike(maxAbs));
  const l2 = tf.mul(tf.sqrt(tf.sum(tf.square(tf.div(finiteOrZero, scale)))), scale);
  const count = (b: tf.Tensor) => tf.sum(tf.cast(b, 'float32'));
  return tf.stack([
    tf.scalar(x.size),
    count(isNan),
    count(isPosInf),
    count(isNegInf),
    min,
    max,
    tf.sum(tf.abs(finiteOrZero)),
    l2,
    count(tf.equal(x, 0)),
  ]) as tf.Tensor1D;
}

/** The health of many tensors, reduced on the device and read back as one packed tensor. */
export async function inspectOnDevice(tensors: readonly tf.Tensor[]): Promise<TensorHealth[]> {
  const nonEmpty = tensors.filter((t) => t.size > 0);
  let values: Float32Array = new Float32Array(0);
  if (nonEmpty.length > 0) {
    const packed = tf.tidy(() => tf.concat(nonEmpty.map(rawStats)));
    try {
      values = (await packed.data()) as Float32Array;
    } finally {
      packed.dispose();
    }
  }
  let offset = 0;
  return tensors.map((t) => {
    if (t.size === 0) return healthFromSums(0, 0, 0, 0, 0, 0, 0, 0, 0);
    const s = values.subarray(offset, offset + STATS_PER_TENSOR);
    offset += STATS_PER_TENSOR;
    const at = (i: number) => s[i] as number;
    return healthFromSums(at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7), at(8));
  });
}

/** Counts the finite values outside [lo, hi] on the device; used only after a bound is breached. */
export async function countOutsideOnDevice(t: tf.Tensor, lo: number, hi: number): Promise<number> {
  const count = tf.tidy(() => {
    const x = tf.cast(tf.reshape(t, [-1]), 'float32');
    return tf.sum(tf.cast(tf.logicalOr(tf.less(x, lo), tf.greater(x, hi)), 'float32'));
  });
  try {
    return ((await count.data()) as Float32Array)[0] as number;
  } finally {
    count.dispose();
  }
}

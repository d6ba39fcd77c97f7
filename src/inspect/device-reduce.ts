import * as tf from '@tensorflow/tfjs-core';
import { healthFromSums, type TensorHealth, type TensorRange } from './tensor-health.js';

/**
 * The cheap pass, three reductions per tensor: [min, max, count of finite values]. Min and Max
 * propagate NaN and keep ±Infinity, so when every value is finite they are the finite range.
 * Finiteness is `|x| < Infinity`, false for NaN too; tf.isNaN has been wrong on webgl.
 */
function range(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const x = tf.cast(tf.reshape(t, [-1]), 'float32');
    const finite = tf.cast(tf.less(tf.abs(x), Infinity), 'float32');
    return tf.stack([tf.min(x), tf.max(x), tf.sum(finite)]) as tf.Tensor1D;
  });
}

const FULL = 9;

/**
 * The full pass, for tensors that hold non-finite values or when every statistic is asked for:
 * [nan, +inf, -inf, min, max, sumAbs / s, l2 / s, zeros, s], over finite values where it
 * matters. The sums are of values divided by s, the largest |value|, and multiplied back in
 * float64 on the host, so float32 cannot overflow. Counts are exact to 2^24 elements.
 */
function full(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const x = tf.cast(tf.reshape(t, [-1]), 'float32');
    const finite = tf.less(tf.abs(x), Infinity);
    const count = (b: tf.Tensor) => tf.sum(tf.cast(b, 'float32'));
    const finiteOrZero = tf.where(finite, x, tf.zerosLike(x));
    const min = tf.min(tf.where(finite, x, tf.fill(x.shape, Infinity)));
    const max = tf.max(tf.where(finite, x, tf.fill(x.shape, -Infinity)));
    const maxAbs = tf.maximum(tf.abs(min), tf.abs(max));
    const scale = tf.where(tf.logicalAnd(tf.less(maxAbs, Infinity), tf.greater(maxAbs, 0)), maxAbs, tf.onesLike(maxAbs));
    const scaled = tf.div(finiteOrZero, scale);
    return tf.stack([
      count(tf.notEqual(x, x)),
      count(tf.equal(x, Infinity)),
      count(tf.equal(x, -Infinity)),
      min,
      max,
      tf.sum(tf.abs(scaled)),
      tf.sqrt(tf.sum(tf.square(scaled))),
      count(tf.equal(x, 0)),
      scale,
    ]) as tf.Tensor1D;
  });
}

/** Runs `stats` on each tensor in its own scope (bounding temporaries) and reads all back at once. */
async function readPacked(tensors: readonly tf.Tensor[], stats: (t: tf.Tensor) => tf.Tensor1D): Promise<Float32Array> {
  if (tensors.length === 0) return new Float32Array(0);
  const parts = tensors.map(stats);
  const packed = tf.concat(parts);
  tf.dispose(parts);
  try {
    return (await packed.data()) as Float32Array;
  } finally {
    packed.dispose();
  }
}

function unpackFull(tensors: readonly tf.Tensor[], stats: Float32Array): TensorHealth[] {
  return tensors.map((t, k) => {
    const s = (j: number) => stats[FULL * k + j]!;
    return healthFromSums(t.size, s(0), s(1), s(2), s(3), s(4), s(5) * s(8), s(6) * s(8), s(7));
  });
}

const EMPTY = healthFromSums(0, 0, 0, 0, 0, 0, 0, 0, 0);

/** The health of many tensors, reduced on the device and read back as one small packed tensor. */
export async function inspectOnDevice(tensors: readonly tf.Tensor[]): Promise<TensorHealth[]> {
  const nonEmpty = tensors.filter((t) => t.size > 0);
  const healths = unpackFull(nonEmpty, await readPacked(nonEmpty, full));
  return tensors.map((t) => (t.size > 0 ? healths.shift()! : { ...EMPTY }));
}

/**
 * Non-finite counts and finite ranges of many tensors with three reductions each and one
 * read-back. Only tensors that hold NaN/Infinity, rare and the moment that matters, get a
 * second, full pass to count them.
 */
export async function inspectRangesOnDevice(tensors: readonly tf.Tensor[]): Promise<TensorRange[]> {
  const nonEmpty = tensors.filter((t) => t.size > 0);
  const ranges = await readPacked(nonEmpty, range);
  const out = new Map<tf.Tensor, TensorRange>();
  const bad: tf.Tensor[] = [];
  nonEmpty.forEach((t, k) => {
    const [min, max, finite] = [ranges[3 * k]!, ranges[3 * k + 1]!, ranges[3 * k + 2]!];
    if (finite < t.size) bad.push(t);
    else out.set(t, { size: t.size, nanCount: 0, posInfCount: 0, negInfCount: 0, min, max });
  });
  unpackFull(bad, await readPacked(bad, full)).forEach((h, k) => out.set(bad[k]!, h));
  return tensors.map((t) => out.get(t) ?? { ...EMPTY });
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

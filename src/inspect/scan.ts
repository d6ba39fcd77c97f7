import { healthFromSums, type TensorHealth, type TensorRange } from './tensor-health.js';
import type { NumericArray } from './read-values.js';

/**
 * Every statistic of TensorHealth in one pass over float32 values. Math.min/Math.max compile to
 * branch-free code and propagate NaN, so the common all-finite case needs no test per element;
 * only when the range comes out non-finite is the careful pass below run.
 */
function scanFloat32(values: Float32Array): TensorHealth {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  let sumAbs = 0;
  let sumSq = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sumAbs += Math.abs(v);
    sumSq += v * v;
    zeros += +(v === 0);
  }
  if (n > 0 && !(Number.isFinite(min) && Number.isFinite(max))) return scanCarefully(values);
  return healthFromSums(n, 0, 0, 0, min, max, sumAbs, Math.sqrt(sumSq), zeros);
}

/** The same statistics for values that may hold NaN or ±Infinity: counts them, and skips them. */
function scanCarefully(values: NumericArray): TensorHealth {
  const n = values.length;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  let zeros = 0;
  let min = Infinity;
  let max = -Infinity;
  let sumAbs = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    // v - v is 0 for finite v and NaN for NaN/±Infinity.
    if (v - v === 0) {
      if (v < min) min = v;
      if (v > max) max = v;
      if (v === 0) zeros++;
      sumAbs += Math.abs(v);
      sumSq += v * v;
    } else if (v !== v) {
      nan++;
    } else if (v > 0) {
      posInf++;
    } else {
      negInf++;
    }
  }
  return healthFromSums(n, nan, posInf, negInf, min, max, sumAbs, Math.sqrt(sumSq), zeros);
}

/** One pass over a tensor's values; float32 (every weight in practice) takes the fast path. */
export function scanValues(values: NumericArray): TensorHealth {
  return values instanceof Float32Array ? scanFloat32(values) : scanCarefully(values);
}

/**
 * Only the range and non-finite counts: what the monitor checks every batch. Four independent
 * min/max chains keep the CPU busy instead of waiting on one, which brings this pass to the
 * speed of a plain sum over the same memory.
 */
export function scanRange(values: NumericArray): TensorRange {
  if (!(values instanceof Float32Array)) return scanCarefully(values);
  const n = values.length;
  const m = n - (n % 4);
  let [min0, min1, min2, min3] = [Infinity, Infinity, Infinity, Infinity];
  let [max0, max1, max2, max3] = [-Infinity, -Infinity, -Infinity, -Infinity];
  for (let i = 0; i < m; i += 4) {
    const v0 = values[i]!;
    const v1 = values[i + 1]!;
    const v2 = values[i + 2]!;
    const v3 = values[i + 3]!;
    min0 = Math.min(min0, v0);
    min1 = Math.min(min1, v1);
    min2 = Math.min(min2, v2);
    min3 = Math.min(min3, v3);
    max0 = Math.max(max0, v0);
    max1 = Math.max(max1, v1);
    max2 = Math.max(max2, v2);
    max3 = Math.max(max3, v3);
  }
  for (let i = m; i < n; i++) {
    min0 = Math.min(min0, values[i]!);
    max0 = Math.max(max0, values[i]!);
  }
  const min = Math.min(min0, min1, min2, min3);
  const max = Math.max(max0, max1, max2, max3);
  if (n > 0 && !(Number.isFinite(min) && Number.isFinite(max))) return scanCarefully(values);
  return n === 0
    ? { size: 0, nanCount: 0, posInfCount: 0, negInfCount: 0, min: null, max: null }
    : { size: n, nanCount: 0, posInfCount: 0, negInfCount: 0, min, max };
}

/** Counts the finite values outside [lo, hi]; used only after a bound is breached. */
export function countOutside(values: NumericArray, lo: number, hi: number): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v - v === 0 && (v < lo || v > hi)) count++;
  }
  return count;
}

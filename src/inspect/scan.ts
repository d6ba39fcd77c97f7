import { healthFromSums, type TensorHealth } from './tensor-health.js';
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

/** Counts the finite values outside [lo, hi]; used only after a bound is breached. */
export function countOutside(values: NumericArray, lo: number, hi: number): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v - v === 0 && (v < lo || v > hi)) count++;
  }
  return count;
}

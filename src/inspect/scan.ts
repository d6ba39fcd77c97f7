import { healthFromSums, type TensorHealth } from './tensor-health.js';

type NumericArray = Float32Array | Int32Array | Uint8Array | Float64Array;

/**
 * One fused pass over the values: every statistic of TensorHealth in a single loop, so a
 * weight is read from memory once per check. Sums are in float64, so l2 cannot overflow
 * where float32 would.
 */
export function scanValues(values: NumericArray): TensorHealth {
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
    // v - v is 0 for finite v and NaN for NaN/±Infinity: one test for the common case.
    if (v - v === 0) {
      if (v < min) min = v;
      if (v > max) max = v;
      if (v === 0) zeros++;
      else sumAbs += v < 0 ? -v : v;
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

/** Counts the finite values outside [lo, hi]; used only after a bound is breached. */
export function countOutside(values: NumericArray, lo: number, hi: number): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v - v === 0 && (v < lo || v > hi)) count++;
  }
  return count;
}

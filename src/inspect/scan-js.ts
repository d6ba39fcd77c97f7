import type { NumericArray } from './read-values.js';

/**
 * The running sums of one scan. Sums of |x| and x² are kept in four float64 lanes, element i
 * in lane i mod 4, each lane added in index order: the SIMD kernel (simd/scan.wat) adds in the
 * same lanes and order, so both give bit-identical results, and four chains are faster than one.
 * min/max follow Math.min/Math.max (-0 < +0); counts are exact.
 */
export interface ScanSums {
  min: number;
  max: number;
  nan: number;
  posInf: number;
  negInf: number;
  zeros: number;
  abs: [number, number, number, number];
  sq: [number, number, number, number];
}

export function emptySums(): ScanSums {
  return { min: Infinity, max: -Infinity, nan: 0, posInf: 0, negInf: 0, zeros: 0, abs: [0, 0, 0, 0], sq: [0, 0, 0, 0] };
}

/** The lanes folded in one fixed order, the same whoever filled them. */
export const sumAbsOf = (s: ScanSums) => s.abs[0] + s.abs[1] + (s.abs[2] + s.abs[3]);
export const sumSqOf = (s: ScanSums) => s.sq[0] + s.sq[1] + (s.sq[2] + s.sq[3]);

/**
 * Only min and max over values[from, to), NaN propagating (Math.min), into `s`. Four independent
 * chains keep the CPU busy instead of waiting on one.
 */
export function rangeInto(values: Float32Array, from: number, to: number, s: ScanSums): void {
  const m = to - ((to - from) % 4);
  let [min0, min1, min2, min3] = [s.min, Infinity, Infinity, Infinity];
  let [max0, max1, max2, max3] = [s.max, -Infinity, -Infinity, -Infinity];
  for (let i = from; i < m; i += 4) {
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
  for (let i = m; i < to; i++) {
    min0 = Math.min(min0, values[i]!);
    max0 = Math.max(max0, values[i]!);
  }
  s.min = Math.min(min0, min1, min2, min3);
  s.max = Math.max(max0, max1, max2, max3);
}

/**
 * Every sum over values[from, to) into `s`, assuming all are finite: min/max still propagate
 * NaN and keep ±Infinity, so a non-finite range says the careful pass is needed. `from` must
 * be a multiple of 4 (lane 0).
 */
export function fullInto(values: Float32Array, from: number, to: number, s: ScanSums): void {
  const m = to - ((to - from) % 4);
  let { min, max, zeros } = s;
  let [a0, a1, a2, a3] = s.abs;
  let [q0, q1, q2, q3] = s.sq;
  for (let i = from; i < m; i += 4) {
    const v0 = values[i]!;
    const v1 = values[i + 1]!;
    const v2 = values[i + 2]!;
    const v3 = values[i + 3]!;
    min = Math.min(min, v0, v1, v2, v3);
    max = Math.max(max, v0, v1, v2, v3);
    a0 += Math.abs(v0);
    a1 += Math.abs(v1);
    a2 += Math.abs(v2);
    a3 += Math.abs(v3);
    q0 += v0 * v0;
    q1 += v1 * v1;
    q2 += v2 * v2;
    q3 += v3 * v3;
    zeros += +(v0 === 0) + +(v1 === 0) + (+(v2 === 0) + +(v3 === 0));
  }
  s.abs = [a0, a1, a2, a3];
  s.sq = [q0, q1, q2, q3];
  for (let i = m; i < to; i++) {
    const v = values[i]!;
    min = Math.min(min, v);
    max = Math.max(max, v);
    s.abs[i - m]! += Math.abs(v);
    s.sq[i - m]! += v * v;
    zeros += +(v === 0);
  }
  Object.assign(s, { min, max, zeros });
}

/**
 * The same sums for values that may hold NaN or ±Infinity (or any numeric array): counts those
 * and leaves them out of min, max and the sums. `from` must be a multiple of 4 (lane 0).
 */
export function carefulInto(values: NumericArray, from: number, to: number, s: ScanSums): void {
  let { min, max, nan, posInf, negInf, zeros } = s;
  const { abs, sq } = s;
  for (let i = from; i < to; i++) {
    const v = values[i] as number;
    // v - v is 0 for finite v and NaN for NaN/±Infinity.
    if (v - v === 0) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v === 0) zeros++;
      abs[(i - from) & 3]! += Math.abs(v);
      sq[(i - from) & 3]! += v * v;
    } else if (v !== v) {
      nan++;
    } else if (v > 0) {
      posInf++;
    } else {
      negInf++;
    }
  }
  Object.assign(s, { min, max, nan, posInf, negInf, zeros });
}

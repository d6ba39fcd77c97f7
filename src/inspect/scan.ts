import { healthFromSums, type TensorHealth, type TensorRange } from './tensor-health.js';
import type { NumericArray } from './read-values.js';
import { carefulInto, emptySums, fullInto, rangeInto, sumAbsOf, sumSqOf, type ScanSums } from './scan-js.js';
import { kernelPass, type Pass } from './simd/kernel.js';
import type { WasmMemory } from './simd/wasm-api.js';

/**
 * Who scans float32 values: 'simd' the WebAssembly SIMD kernel, 'js' plain JS, 'auto' the kernel
 * where it runs and the tensor is big enough to repay its call. All give identical results.
 */
export type ScanEngine = 'auto' | 'simd' | 'js';

/** Below this many values the kernel's fixed cost (~0.1 µs: a dozen calls) outweighs its speed. */
const KERNEL_MIN = 64;

function pass(values: Float32Array, p: Pass, engine: ScanEngine, memory?: WasmMemory): ScanSums {
  if (engine === 'simd' || (engine === 'auto' && values.length >= KERNEL_MIN)) {
    const sums = kernelPass(values, p, memory);
    if (sums) return sums;
    if (engine === 'simd') throw new Error('the WebAssembly SIMD scan kernel is not available here');
  }
  const s = emptySums();
  (p === 'careful' ? carefulInto : p === 'full' ? fullInto : rangeInto)(values, 0, values.length, s);
  return s;
}

const finiteRange = (s: ScanSums) => Number.isFinite(s.min) && Number.isFinite(s.max);

/**
 * The sums of every value, one pass: values that hold NaN or ±Infinity show as a non-finite
 * min/max in the fast pass, and only then get the careful pass that counts and skips them.
 */
function sumsOf(values: NumericArray, fast: 'range' | 'full', engine: ScanEngine, memory?: WasmMemory): ScanSums {
  if (values instanceof Float32Array) {
    const s = pass(values, fast, engine, memory);
    if (values.length === 0 || finiteRange(s)) return s;
    return pass(values, 'careful', engine, memory);
  }
  const s = emptySums();
  carefulInto(values, 0, values.length, s);
  return s;
}

/**
 * Every statistic of TensorHealth over a tensor's values. `memory` is the WebAssembly.Memory
 * that `values` may be a view of (tfjs's wasm heap), so that the kernel reads it in place.
 */
export function scanValues(values: NumericArray, memory?: WasmMemory, engine: ScanEngine = 'auto'): TensorHealth {
  const s = sumsOf(values, 'full', engine, memory);
  const n = values.length;
  return healthFromSums(n, s.nan, s.posInf, s.negInf, s.min, s.max, sumAbsOf(s), Math.sqrt(sumSqOf(s)), s.zeros);
}

/** Only the range and non-finite counts: what the monitor checks every batch. */
export function scanRange(values: NumericArray, memory?: WasmMemory, engine: ScanEngine = 'auto'): TensorRange {
  const s = sumsOf(values, 'range', engine, memory);
  const any = values.length - s.nan - s.posInf - s.negInf > 0;
  return {
    size: values.length,
    nanCount: s.nan,
    posInfCount: s.posInf,
    negInfCount: s.negInf,
    min: any ? s.min : null,
    max: any ? s.max : null,
  };
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

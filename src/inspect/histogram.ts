import type { NumericArray } from './read-values.js';
import type { TensorRange } from './tensor-health.js';

/**
 * A histogram of a tensor's finite values, in TensorFlow's `HistogramProto` layout: bucket i
 * counts the values in [bucketLimit[i-1], bucketLimit[i]) (the first from -Number.MAX_VALUE).
 * Runs of empty buckets are merged into one, as TensorFlow stores them.
 */
export interface ValueHistogram {
  min: number;
  max: number;
  /** Finite values counted (NaN and ±Infinity are left out, as from min and max). */
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}

/**
 * TensorFlow's default bucket edges (core/lib/histogram/histogram.cc): ±1e-12 growing by 10% up
 * to 1e20, 0 between, ±Number.MAX_VALUE at the ends. They do not depend on the values, so one
 * pass gives the range and the histogram together, and a layer's histograms compare across steps.
 */
function defaultLimits(): { limits: Float64Array; positive: Float64Array } {
  const positive: number[] = [];
  // The same float64 products as TensorFlow's loop, so the edges are bit-identical.
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  const n = positive.length;
  const limits = new Float64Array(2 * n + 3);
  limits[0] = -Number.MAX_VALUE;
  for (let j = 0; j < n; j++) limits[n - j] = -positive[j]!;
  limits[n + 1] = 0;
  for (let j = 0; j < n; j++) limits[n + 2 + j] = positive[j]!;
  limits[2 * n + 2] = Number.MAX_VALUE;
  return { limits, positive: Float64Array.from(positive) };
}

const { limits: LIMITS, positive: POSITIVE } = defaultLimits();
const N = POSITIVE.length;

/** How many of the positive edges are below `a` (strictly, or with `orEqual` at or below). */
function countBelow(a: number, orEqual: boolean): number {
  let lo = 0;
  let hi = N;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const p = POSITIVE[mid]!;
    if (p < a || (orEqual && p === a)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The bucket of a finite value: the first edge above it (C++'s upper_bound, as TensorFlow does). */
export function bucketOf(v: number): number {
  if (v >= 0) return N + 2 + countBelow(v, true);
  return N + 1 - countBelow(-v, false);
}

/**
 * For float32 values, a jump table into the edges: by the value's exponent and its top 7 mantissa
 * bits (the high 15 bits of |v|), how many positive edges lie below the smallest value with those
 * bits. Such a span is < 0.8% wide and the edges 10% apart, so one comparison at most finds the
 * bucket, where a binary search takes ten unpredictable branches per value.
 */
let jumps: Uint16Array | null = null;
function jumpTable(): Uint16Array {
  if (jumps) return jumps;
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  jumps = new Uint16Array(1 << 15);
  for (let k = 0; k < jumps.length; k++) {
    bits[0] = k << 16;
    jumps[k] = Number.isFinite(asFloat[0]!) ? countBelow(asFloat[0]!, false) : N;
  }
  return jumps;
}

/** The default edges, for tests and for sinks that rebuild TensorFlow's full layout. */
export const histogramLimits = (): readonly number[] => Array.from(LIMITS);

/**
 * The range and non-finite counts (identical to `scanRange`'s) and the histogram of the finite
 * values, from one JS pass over the values: what a histogram step reads instead of the range scan.
 */
export function scanRangeHistogram(values: NumericArray): { range: TensorRange; histogram: ValueHistogram | null } {
  const counts = new Uint32Array(LIMITS.length);
  const bits = values instanceof Float32Array ? new Uint32Array(values.buffer, values.byteOffset, values.length) : null;
  const table = bits ? jumpTable() : null;
  let min = Infinity;
  let max = -Infinity;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    // v - v is 0 for finite v and NaN for NaN/±Infinity.
    if (v - v === 0) {
      // Math.min/Math.max's order (-0 < +0), by comparisons: Math.min here is ten times slower.
      if (v < min || (v === min && 1 / v < 0)) min = v;
      if (v > max || (v === max && 1 / v > 0)) max = v;
      sum += v;
      sumSquares += v * v;
      if (bits) {
        let c = table![(bits[i]! & 0x7fffffff) >>> 16]!;
        if (v >= 0) {
          while (c < N && POSITIVE[c]! <= v) c++;
          counts[N + 2 + c]!++;
        } else {
          while (c < N && POSITIVE[c]! < -v) c++;
          counts[N + 1 - c]!++;
        }
      } else counts[bucketOf(v)]!++;
    } else if (v !== v) nan++;
    else if (v > 0) posInf++;
    else negInf++;
  }
  const num = values.length - nan - posInf - negInf;
  const range: TensorRange = {
    size: values.length,
    nanCount: nan,
    posInfCount: posInf,
    negInfCount: negInf,
    min: num > 0 ? min : null,
    max: num > 0 ? max : null,
  };
  return { range, histogram: num > 0 ? { min, max, num, sum, sumSquares, ...compact(counts) } : null };
}

/** TensorFlow's EncodeToProto: each non-empty bucket, and one bucket per run of empty ones. */
function compact(counts: Uint32Array): { bucketLimit: number[]; bucket: number[] } {
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = LIMITS[i]!;
    const count = counts[i]!;
    i++;
    if (count <= 0) while (i < counts.length && counts[i]! <= 0) end = LIMITS[i++]!;
    bucketLimit.push(end);
    bucket.push(count);
  }
  return { bucketLimit, bucket };
}

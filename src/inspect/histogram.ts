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

/** The default edges, for tests and for sinks that rebuild TensorFlow's full layout. */
export const histogramLimits = (): readonly number[] => Array.from(LIMITS);

/**
 * The range and non-finite counts (identical to `scanRange`'s) and the histogram of the finite
 * values, from one JS pass over the values: what a histogram step reads instead of the range scan.
 */
export function scanRangeHistogram(values: NumericArray): { range: TensorRange; histogram: ValueHistogram | null } {
  const counts = new Float64Array(LIMITS.length);
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
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sumSquares += v * v;
      counts[bucketOf(v)]!++;
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
function compact(counts: Float64Array): { bucketLimit: number[]; bucket: number[] } {
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

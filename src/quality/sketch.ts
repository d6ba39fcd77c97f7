/**
 * The fixed, data-independent fine binning behind every numeric histogram: logarithmic buckets
 * of 1% relative width (as DDSketch), so any value from 1e-300 to the largest double has a
 * bucket known in advance. Two shards bucket the same value the same way, so their counts add:
 * the sketch merges exactly. The coarse bins that drift is measured on are then cut from the
 * merged sketch at the training quantiles (see quantileEdges).
 */
const RELATIVE_ACCURACY = 0.01;
export const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LN_GAMMA = Math.log(GAMMA);
/** |x| below this shares the zero bucket. */
const TINY = 1e-300;
const I_MIN = Math.floor(Math.log(TINY) / LN_GAMMA);
const I_MAX = Math.ceil(Math.log(Number.MAX_VALUE) / LN_GAMMA);
/** The keys of +Infinity and (negated) -Infinity: beyond every finite bucket. */
export const INF_KEY = I_MAX - I_MIN + 2;

/**
 * The bucket of a non-NaN number as an integer that orders like the numbers: 0 for |x| < 1e-300,
 * k > 0 for x in (γ^(k+I_MIN−2), γ^(k+I_MIN−1)], −k for the mirror bucket of −x, ±INF_KEY for ±∞.
 */
export function bucketKey(x: number): number {
  if (x === Infinity) return INF_KEY;
  if (x === -Infinity) return -INF_KEY;
  const a = Math.abs(x);
  if (a < TINY) return 0;
  const k = Math.max(I_MIN, Math.min(I_MAX, Math.ceil(Math.log(a) / LN_GAMMA))) - I_MIN + 1;
  return x > 0 ? k : -k;
}

/**
 * The value at the upper end of a bucket (the end nearer zero for negative buckets): an edge as
 * people read it. The ±∞ buckets give ±Number.MAX_VALUE, which JSON can hold.
 */
export function bucketEdge(key: number): number {
  if (key >= INF_KEY) return Number.MAX_VALUE;
  if (key <= -INF_KEY) return -Number.MAX_VALUE;
  if (key === 0) return 0;
  return key > 0 ? GAMMA ** (key + I_MIN - 1) : -(GAMMA ** (-key + I_MIN - 2));
}

/** Counts per bucket key. */
export class Sketch {
  readonly counts = new Map<number, number>();

  add(x: number, n = 1): void {
    const k = bucketKey(x);
    this.counts.set(k, (this.counts.get(k) ?? 0) + n);
  }

  merge(other: Sketch): void {
    for (const [k, n] of other.counts) this.counts.set(k, (this.counts.get(k) ?? 0) + n);
  }

  /** [key, count] pairs in key order: the form profiles store. */
  toJSON(): [number, number][] {
    return [...this.counts].sort((a, b) => a[0] - b[0]);
  }

  static from(pairs: readonly (readonly [number, number])[]): Sketch {
    const s = new Sketch();
    for (const [k, n] of pairs) s.counts.set(k, (s.counts.get(k) ?? 0) + n);
    return s;
  }

  /**
   * Up to `bins − 1` edge keys at the j/bins quantiles (the first bucket where the cumulative count
   * reaches j·total/bins), duplicates dropped: a feature with few distinct values gets fewer bins.
   */
  quantileEdges(bins: number): number[] {
    const pairs = this.toJSON();
    const total = pairs.reduce((s, [, n]) => s + n, 0);
    const edges: number[] = [];
    let cum = 0;
    let j = 1;
    for (const [key, n] of pairs) {
      cum += n;
      while (j < bins && cum * bins >= j * total) {
        if (edges.at(-1) !== key) edges.push(key);
        j++;
      }
    }
    return edges;
  }
}

/** The coarse bin of a bucket key: bin j holds keys in (edges[j−1], edges[j]]; the last bin is above every edge. */
export function binOf(key: number, edges: readonly number[]): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Coarse counts of a sketch under the given edge keys (exact: every bucket lies in one bin). */
export function coarseCounts(sketch: Sketch, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const [k, n] of sketch.counts) counts[binOf(k, edges)]! += n;
  return counts;
}

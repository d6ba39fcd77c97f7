import { z } from 'zod';

/** Buckets per doubling: each bucket is 2^(1/16) ≈ 4.4% wide, so a quantile is within ~2.2% of the exact one. */
const PER_OCTAVE = 16;
/** The lower edge of bucket 0, in the histogram's unit (seconds for latency): 10 ns. */
const BASE = 1e-8;
/** 10 ns · 2^(44) ≈ 49 h: values beyond land in the last bucket (max keeps the exact one). */
const MAX_INDEX = 44 * PER_OCTAVE - 1;
const RATIO = 2 ** (1 / PER_OCTAVE);
const LOG2_BASE = Math.log2(BASE);

/** A histogram as saved in a run file: the non-empty buckets as [index, count] pairs. */
export const histogramJson = z
  .object({
    perOctave: z.literal(PER_OCTAVE),
    base: z.literal(BASE),
    count: z.number().int().nonnegative(),
    sum: z.number().nonnegative(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    buckets: z.array(z.tuple([z.number().int().min(0).max(MAX_INDEX), z.number().int().positive()])),
  })
  .strict();
export type HistogramJson = z.infer<typeof histogramJson>;

/** The lower edge of bucket `i`. */
export const bucketLow = (i: number): number => BASE * RATIO ** i;

/**
 * A histogram of positive values in log-spaced buckets: bounded memory (at most 704 counts,
 * however many values), quantiles within half a bucket (~2.2%), exact count, sum, min and max.
 * Used for call latency, where a growing list of samples would leak in a long-running server.
 */
export class LogHistogram {
  /** Dense counts from bucket 0 to the highest bucket used so far. */
  private counts: number[] = [];
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  add(value: number): void {
    const v = value > BASE ? value : BASE;
    const i = Math.min(MAX_INDEX, Math.floor((Math.log2(v) - LOG2_BASE) * PER_OCTAVE));
    while (this.counts.length <= i) this.counts.push(0);
    this.counts[i]!++;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** The q-quantile (0..1), or null when empty. */
  quantile(q: number): number | null {
    return quantileOf(this.toJson(), q);
  }

  toJson(): HistogramJson {
    const buckets: [number, number][] = [];
    this.counts.forEach((c, i) => c > 0 && buckets.push([i, c]));
    const empty = this.count === 0;
    return { perOctave: PER_OCTAVE, base: BASE, count: this.count, sum: this.sum, min: empty ? null : this.min, max: empty ? null : this.max, buckets };
  }
}

/**
 * The q-quantile of a saved histogram, or of the same buckets with other counts (a bootstrap
 * resample): the bucket holding rank q·n, interpolated geometrically within it, and clamped to
 * the exact min and max.
 */
export function quantileOf(h: HistogramJson, q: number, counts: readonly number[] = h.buckets.map((b) => b[1])): number | null {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0 || h.min === null || h.max === null) return null;
  const rank = q * n;
  if (rank <= 0) return h.min;
  if (rank >= n) return h.max;
  let before = 0;
  for (let k = 0; k < h.buckets.length; k++) {
    const c = counts[k]!;
    if (c === 0) continue;
    if (before + c >= rank) {
      const frac = (rank - before) / c;
      const value = bucketLow(h.buckets[k]![0]) * RATIO ** frac;
      return Math.min(h.max, Math.max(h.min, value));
    }
    before += c;
  }
  return h.max;
}

/** The mean, taking each value at its bucket's geometric middle (for resampled counts). */
export function bucketMean(h: HistogramJson, counts: readonly number[]): number | null {
  let n = 0;
  let sum = 0;
  h.buckets.forEach(([i], k) => {
    n += counts[k]!;
    sum += counts[k]! * bucketLow(i) * Math.sqrt(RATIO);
  });
  return n === 0 ? null : sum / n;
}

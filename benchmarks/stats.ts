/**
 * The statistics of the benchmark, pure and deterministic: a bootstrap interval over rounds and
 * the verdict it allows on a target. No timing here, so it is unit-tested (test/bench/).
 */

export { mulberry32 } from '../src/core/random.js';
import { mulberry32 } from '../src/core/random.js';

/** A seed from a label (FNV-1a), so that each figure's interval does not depend on the others'. */
export function seedFrom(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The q-quantile of numbers sorted ascending, interpolated linearly between ranks. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no values');
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function median(values: readonly number[]): number {
  return quantileSorted([...values].sort((a, b) => a - b), 0.5);
}

/** A figure with its interval: the statistic over all rounds, and the bootstrap percentile bounds. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** Rounds it was computed from. */
  n: number;
}

export interface BootstrapOptions {
  /** Seed of the resampling (see seedFrom); the same values and seed give the same interval. */
  seed: number;
  /** Default: the median, which a burst of load on a shared machine moves least. */
  statistic?: (values: readonly number[]) => number;
  /** Default 0.95. */
  level?: number;
  /** Default 10 000. */
  resamples?: number;
}

/**
 * Percentile bootstrap over rounds: `resamples` times, draw as many rounds as there are, with
 * replacement, and take the statistic; the interval is the middle `level` of those statistics.
 * Rounds are the unit because within a round every variant ran under the same load.
 */
export function bootstrapInterval(values: readonly number[], options: BootstrapOptions): Interval {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) throw new Error('bootstrapInterval: no finite values to resample');
  const { seed, statistic = median, level = 0.95, resamples = 10_000 } = options;
  if (!(level > 0 && level < 1)) throw new Error(`bootstrapInterval: level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`bootstrapInterval: resamples must be a positive integer, got ${resamples}`);
  const n = finite.length;
  const random = mulberry32(seed);
  const stats = new Float64Array(resamples);
  const sample = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) sample[i] = finite[Math.floor(random() * n)]!;
    stats[r] = statistic(sample);
  }
  const sorted = Array.from(stats).sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { estimate: statistic(finite), low: quantileSorted(sorted, tail), high: quantileSorted(sorted, 1 - tail), n };
}

export type Verdict = 'met' | 'missed' | 'unresolved';

/** Fewer rounds than this give no verdict: a bootstrap over a handful of rounds is far too narrow. */
export const MIN_ROUNDS = 5;

/**
 * A target "figure ≤ limit" judged on an interval: met only when all of it is within the limit,
 * missed only when all of it is beyond, otherwise (or from fewer than MIN_ROUNDS rounds) unresolved.
 */
export function verdict(interval: Pick<Interval, 'low' | 'high' | 'n'>, limit: number): Verdict {
  if (interval.n < MIN_ROUNDS) return 'unresolved';
  if (interval.high <= limit) return 'met';
  if (interval.low > limit) return 'missed';
  return 'unresolved';
}

/** A fraction as a percentage, signed when asked (overheads can come out negative in noise). */
export function percent(fraction: number, signed = false, digits = 1): string {
  const text = `${(fraction * 100).toFixed(digits)}%`;
  return signed && fraction >= 0 ? `+${text}` : text;
}

/** "2.1% [1.8%, 2.6%]", or signed "+2.1% [-0.4%, +4.0%]": the estimate, then the interval. */
export function formatInterval(i: Interval, signed = false, digits = 1): string {
  return `${percent(i.estimate, signed, digits)} [${percent(i.low, signed, digits)}, ${percent(i.high, signed, digits)}]`;
}

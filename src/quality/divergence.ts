import { chiSquareQuantile, normalQuantile } from './stats.js';

const total = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

/**
 * Jensen–Shannon divergence, in bits (so it lies in [0, 1]), between two histograms given as
 * counts over the same bins. Empty bins need no smoothing: a bin empty on one side contributes
 * through the other side's share against the mixture, which is positive there (0·log 0 = 0).
 */
export function jensenShannon(a: readonly number[], b: readonly number[]): number {
  const na = total(a);
  const nb = total(b);
  let js = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i]! / na;
    const q = b[i]! / nb;
    const m = (p + q) / 2;
    if (p > 0) js += (p / 2) * Math.log2(p / m);
    if (q > 0) js += (q / 2) * Math.log2(q / m);
  }
  return Math.min(1, Math.max(0, js));
}

/**
 * Population stability index, Σ (q − p)·ln(q / p), reported beside JS for those used to its
 * scale (< 0.1 stable, > 0.25 a large shift). A bin empty on one side would make it infinite, so
 * counts get the Jeffreys prior: ½ is added to each side's count in every bin that either side
 * uses (bins empty on both sides are left out).
 */
export function psi(a: readonly number[], b: readonly number[]): number {
  const used = a.map((x, i) => x + b[i]! > 0);
  const k = used.filter(Boolean).length;
  const na = total(a) + k / 2;
  const nb = total(b) + k / 2;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    if (!used[i]) continue;
    const p = (a[i]! + 0.5) / na;
    const q = (b[i]! + 0.5) / nb;
    s += (q - p) * Math.log(q / p);
  }
  return s;
}

/** The largest difference in share of any category (TFDV's L-infinity distance), and which one. */
export function lInfinity(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): { value: number; category: string | null } {
  const na = total([...a.values()]);
  const nb = total([...b.values()]);
  let value = 0;
  let category: string | null = null;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const d = Math.abs((a.get(key) ?? 0) / na - (b.get(key) ?? 0) / nb);
    if (d > value) [value, category] = [d, key];
  }
  return { value, category };
}

/** The effective sample size of a two-sample comparison: n·m/(n + m). */
const harmonic = (na: number, nb: number) => (na * nb) / (na + nb);

/**
 * The JS value that sampling alone exceeds with probability `alpha` when both histograms come
 * from one distribution. The two-sample G statistic 2·Σ O·ln(O/E) is ≈ 8·n_h·JS (in nats) for
 * small differences and is χ² with k − 1 degrees of freedom (k: bins used by either side).
 */
export function jsNoiseFloor(a: readonly number[], b: readonly number[], alpha: number): number {
  const k = a.filter((x, i) => x + b[i]! > 0).length;
  if (k < 2) return 0;
  return chiSquareQuantile(1 - alpha, k - 1) / (8 * harmonic(total(a), total(b)) * Math.LN2);
}

/**
 * The L∞ value sampling alone exceeds with probability at most `alpha`: each category's share
 * difference has standard deviation √(r(1 − r)/n_h) (r: pooled share); a Bonferroni split over
 * the k categories bounds the chance that any one of them exceeds its z·σ.
 */
export function lInfinityNoiseFloor(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>, alpha: number): number {
  const na = total([...a.values()]);
  const nb = total([...b.values()]);
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((key) => (a.get(key) ?? 0) + (b.get(key) ?? 0) > 0);
  if (keys.length < 2) return 0;
  const z = normalQuantile(1 - alpha / (2 * keys.length));
  let floor = 0;
  for (const key of keys) {
    const r = ((a.get(key) ?? 0) + (b.get(key) ?? 0)) / (na + nb);
    floor = Math.max(floor, z * Math.sqrt((r * (1 - r)) / harmonic(na, nb)));
  }
  return floor;
}

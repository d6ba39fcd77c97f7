import { chiSquareSurvival, normalSurvival } from './stats.js';

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

/**
 * How likely sampling alone is to make two histograms of one distribution differ this much:
 * Pearson's χ² test of homogeneity on the bins either side uses (k − 1 degrees of freedom).
 * Pearson's rather than the G test that JS is akin to: its tail stays close to χ² with the
 * modest counts a window has, where G's is heavier (measured in the false-alarm test).
 */
export function homogeneityPValue(a: readonly number[], b: readonly number[]): number {
  const na = total(a);
  const nb = total(b);
  let x2 = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    const t = a[i]! + b[i]!;
    if (t === 0) continue;
    k++;
    const ea = (t * na) / (na + nb);
    const eb = (t * nb) / (na + nb);
    x2 += (a[i]! - ea) ** 2 / ea + (b[i]! - eb) ** 2 / eb;
  }
  return chiSquareSurvival(x2, k - 1);
}

/**
 * For L∞: the smallest p-value of a category whose share moved by more than `threshold` (or of
 * the one that moved most, when none did), Bonferroni-adjusted over the k categories either side
 * has. Each share difference is tested with its pooled standard error √(r(1 − r)(1/n + 1/m)).
 */
export function categoryPValue(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>, threshold: number): number {
  const na = total([...a.values()]);
  const nb = total([...b.values()]);
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((key) => (a.get(key) ?? 0) + (b.get(key) ?? 0) > 0);
  let best = 1;
  let largest = { d: -1, p: 1 };
  for (const key of keys) {
    const x = a.get(key) ?? 0;
    const y = b.get(key) ?? 0;
    const r = (x + y) / (na + nb);
    const d = Math.abs(x / na - y / nb);
    const se = Math.sqrt(r * (1 - r) * (1 / na + 1 / nb));
    const p = se > 0 ? Math.min(1, keys.length * 2 * normalSurvival(d / se)) : 1;
    if (d > threshold) best = Math.min(best, p);
    if (d > largest.d) largest = { d, p };
  }
  return keys.some((key) => Math.abs((a.get(key) ?? 0) / na - (b.get(key) ?? 0) / nb) > threshold) ? best : largest.p;
}

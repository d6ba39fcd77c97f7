import { jensenShannon, jsNoiseFloor, lInfinity, lInfinityNoiseFloor, psi } from './divergence.js';
import type { FeatureProfile } from './feature-profile.js';
import { categoryLabel, numericHistograms, referenceCategories, servedCategories, type Histograms, type ServedFeature } from './served.js';

export type DriftStatus = 'drift' | 'ok' | 'not-enough-data' | 'no-data' | 'not-judged';

/** One feature's (or the outputs') served distribution against the reference, in one window. */
export interface FeatureDrift {
  /** The feature, or '(output)' for the model's outputs. */
  feature: string;
  kind: 'numeric' | 'categorical';
  statistic: 'jensen-shannon' | 'l-infinity';
  /** null when not measured (no served data, or nothing to measure against). */
  value: number | null;
  threshold: number;
  /** The value sampling alone reaches with this window's false-alarm share, at these sample sizes. */
  noiseFloor: number | null;
  /** PSI on the same bins (numbers only), for reading beside JS. */
  psi: number | null;
  /** L∞: the category whose share moved most. */
  category: string | null;
  n: { reference: number; served: number };
  status: DriftStatus;
  /** Why a feature is not judged (e.g. too many distinct values). */
  reason: string | null;
  /** For charts: shares per bin (categories: the 20 largest), reference and served. */
  histograms: Histograms;
}

/** A drift row before the window's verdict, with its noise floor as a function of the false-alarm share. */
export interface Measured {
  row: FeatureDrift;
  floor: (alpha: number) => number;
}

const shares = (xs: readonly number[]) => {
  const n = xs.reduce((s, x) => s + x, 0);
  return xs.map((x) => (n ? x / n : 0));
};

function topCategories(a: Map<string, number>, b: Map<string, number>, max = 20): Histograms {
  const na = [...a.values()].reduce((s, x) => s + x, 0) || 1;
  const nb = [...b.values()].reduce((s, x) => s + x, 0) || 1;
  const keys = [...new Set([...a.keys(), ...b.keys()])]
    .filter((k) => (a.get(k) ?? 0) + (b.get(k) ?? 0) > 0)
    .sort((x, y) => Math.max((a.get(y) ?? 0) / na, (b.get(y) ?? 0) / nb) - Math.max((a.get(x) ?? 0) / na, (b.get(x) ?? 0) / nb));
  const shown = keys.slice(0, max);
  const rest = (m: Map<string, number>, n: number) => keys.slice(max).reduce((s, k) => s + (m.get(k) ?? 0), 0) / n;
  const h: Histograms = { labels: shown.map(categoryLabel), reference: shown.map((k) => (a.get(k) ?? 0) / na), served: shown.map((k) => (b.get(k) ?? 0) / nb) };
  if (keys.length > max) h.labels.push(`(${keys.length - max} more)`), h.reference.push(rest(a, na)), h.served.push(rest(b, nb));
  return h;
}

/** Measures one feature's drift: JS (and PSI) on the reference bins for numbers, L∞ for categories. */
export function measure(name: string, ref: FeatureProfile, refExamples: number, served: ServedFeature, servedExamples: number, threshold: number): Measured {
  const base = { feature: name, kind: ref.kind, threshold, noiseFloor: null, n: { reference: refExamples, served: servedExamples }, reason: null } as const;
  if (ref.kind === 'numeric') {
    const h = numericHistograms(ref, refExamples, served, servedExamples);
    const measurable = servedExamples > 0 && refExamples > 0;
    const row: FeatureDrift = {
      ...base,
      statistic: 'jensen-shannon',
      value: measurable ? jensenShannon(h.reference, h.served) : null,
      psi: measurable ? psi(h.reference, h.served) : null,
      category: null,
      status: 'ok',
      histograms: { labels: h.labels, reference: shares(h.reference), served: shares(h.served) },
    };
    return { row, floor: (alpha) => jsNoiseFloor(h.reference, h.served, alpha) };
  }
  const a = referenceCategories(ref, refExamples);
  const b = servedCategories(served, servedExamples);
  const measurable = servedExamples > 0 && refExamples > 0 && !ref.overflow;
  const l = measurable ? lInfinity(a, b) : null;
  const row: FeatureDrift = {
    ...base,
    statistic: 'l-infinity',
    value: l?.value ?? null,
    psi: null,
    category: l?.category == null ? null : categoryLabel(l.category),
    status: 'ok',
    reason: ref.overflow ? 'more distinct values in training than the profile keeps (maxCategories): bucket the feature, or profile with a larger maxCategories' : null,
    histograms: topCategories(a, b),
  };
  return { row, floor: (alpha) => lInfinityNoiseFloor(a, b, alpha) };
}

/**
 * The verdicts of one window: each statistic measured on enough data must clear its threshold
 * and its noise floor at falseAlarmRate / (statistics judged), so that a window drawn from the
 * reference's distribution raises a finding at most `falseAlarmRate` of the time.
 */
export function judgeWindow(measured: readonly Measured[], falseAlarmRate: number, minExamples: number): FeatureDrift[] {
  const judged = measured.filter(({ row }) => row.value !== null && row.n.served >= minExamples);
  const alpha = falseAlarmRate / Math.max(1, judged.length);
  return measured.map(({ row, floor }) => {
    if (row.reason) return { ...row, status: 'not-judged' };
    if (row.n.served === 0) return { ...row, status: 'no-data' };
    if (row.value === null) return { ...row, status: 'not-judged', reason: 'the reference has no examples' };
    if (row.n.served < minExamples) return { ...row, status: 'not-enough-data', reason: `${row.n.served} served example(s), fewer than the ${minExamples} needed` };
    const noiseFloor = floor(alpha);
    return { ...row, noiseFloor, status: row.value > Math.max(row.threshold, noiseFloor) ? 'drift' : 'ok' };
  });
}

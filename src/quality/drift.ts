import { categoryPValue, homogeneityPValue, jensenShannon, lInfinity, psi } from './divergence.js';
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
  /**
   * How likely sampling alone is to give a difference this large between two samples of one
   * distribution (Pearson's χ² on the bins for numbers; for categories, the Bonferroni-adjusted
   * test of the share changes larger than the threshold). null when not measured.
   */
  pValue: number | null;
  /** The p-value a finding needs to be under: the window's false-alarm share over the statistics it judges. */
  alpha: number | null;
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
export function measure(name: string, ref: FeatureProfile, refExamples: number, served: ServedFeature, servedExamples: number, threshold: number): FeatureDrift {
  const base = { feature: name, kind: ref.kind, threshold, alpha: null, n: { reference: refExamples, served: servedExamples }, reason: null } as const;
  if (ref.kind === 'numeric') {
    const h = numericHistograms(ref, refExamples, served, servedExamples);
    const measurable = servedExamples > 0 && refExamples > 0;
    return {
      ...base,
      statistic: 'jensen-shannon',
      value: measurable ? jensenShannon(h.reference, h.served) : null,
      pValue: measurable ? homogeneityPValue(h.reference, h.served) : null,
      psi: measurable ? psi(h.reference, h.served) : null,
      category: null,
      status: 'ok',
      histograms: { labels: h.labels, reference: shares(h.reference), served: shares(h.served) },
    };
  }
  const a = referenceCategories(ref, refExamples);
  const b = servedCategories(served, servedExamples);
  const measurable = servedExamples > 0 && refExamples > 0 && !ref.overflow;
  const l = measurable ? lInfinity(a, b) : null;
  return {
    ...base,
    statistic: 'l-infinity',
    value: l?.value ?? null,
    pValue: measurable ? categoryPValue(a, b, threshold) : null,
    psi: null,
    category: l?.category == null ? null : categoryLabel(l.category),
    status: 'ok',
    reason: ref.overflow ? 'more distinct values in training than the profile keeps (maxCategories): bucket the feature, or profile with a larger maxCategories' : null,
    histograms: topCategories(a, b),
  };
}

/**
 * The verdicts of one window: a statistic measured on enough data is drift when it exceeds its
 * threshold and its p-value is under falseAlarmRate / (2 × statistics judged in the window), so
 * that a window drawn from the reference's distribution raises a finding at most
 * `falseAlarmRate` of the time, however many features it has (Bonferroni). The factor 2 is a
 * margin for the χ² approximation's far tail, which is up to 1.5× too light for windows of a few
 * hundred examples against a reference that has sampling noise of its own (measured: without it,
 * 1.45% of such windows raised a finding at the default thresholds; see the false-alarm test).
 */
export function judgeWindow(rows: readonly FeatureDrift[], falseAlarmRate: number, minExamples: number): FeatureDrift[] {
  const judged = rows.filter((row) => row.value !== null && !row.reason && row.n.served >= minExamples);
  const alpha = falseAlarmRate / (2 * Math.max(1, judged.length));
  return rows.map((row) => {
    if (row.reason) return { ...row, status: 'not-judged' };
    if (row.n.served === 0) return { ...row, status: 'no-data' };
    if (row.value === null) return { ...row, status: 'not-judged', reason: 'the reference has no examples' };
    if (row.n.served < minExamples) return { ...row, status: 'not-enough-data', reason: `${row.n.served} served example(s), fewer than the ${minExamples} needed` };
    return { ...row, alpha, status: row.value > row.threshold && row.pValue! < alpha ? 'drift' : 'ok' };
  });
}

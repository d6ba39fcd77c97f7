import { scalars, type FeatureProfile, type ProfileFeatures } from './feature-profile.js';
import { binOf, bucketKey } from './sketch.js';

/** Keys of the special categories; a NUL cannot start a real category by accident in practice. */
export const MISSING = '\0missing';
export const INVALID = '\0invalid';
export const OTHER = '\0other';

/** Served values of one feature (or of the outputs) in one window, binned on the reference's edges. */
export class ServedFeature {
  present = 0;
  nan = 0;
  invalid = 0;
  /** Numeric: counts per reference bin. */
  readonly bins: number[];
  /** Categorical: counts per value; values the reference lacks beyond `maxOther` pool in OTHER. */
  readonly counts = new Map<string, number>();
  private unseen = 0;

  constructor(
    readonly reference: FeatureProfile,
    private readonly maxOther: number,
  ) {
    this.bins = reference.kind === 'numeric' ? new Array<number>(reference.histogram.keys.length + 1).fill(0) : [];
  }

  add(v: number | string | boolean): void {
    const ref = this.reference;
    if (ref.kind === 'numeric') {
      if (typeof v !== 'number') return void this.invalid++;
      this.present++;
      if (Number.isNaN(v)) this.nan++;
      else this.bins[binOf(bucketKey(v), ref.histogram.keys)]!++;
      return;
    }
    if (typeof v === 'number') return void this.invalid++;
    this.present++;
    let key = String(v);
    if (!this.counts.has(key) && !known(ref, key)) {
      if (this.unseen >= this.maxOther) key = OTHER;
      else this.unseen++;
    }
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

const knownValues = new WeakMap<FeatureProfile, Set<string>>();
function known(ref: FeatureProfile & { kind: 'categorical' }, key: string): boolean {
  let set = knownValues.get(ref);
  if (!set) knownValues.set(ref, (set = new Set(ref.counts.map(([v]) => v))));
  return set.has(key);
}

/** The served features of one window. */
export class ServedFeatures {
  examples = 0;
  violations = 0;
  readonly features = new Map<string, ServedFeature>();
  /** Served feature names the reference does not have (the first 100). */
  readonly extra = new Set<string>();

  constructor(reference: readonly FeatureProfile[], maxOther: number) {
    for (const f of reference) this.features.set(f.name, new ServedFeature(f, maxOther));
  }

  add(features: ProfileFeatures | null): void {
    if (!features) return void this.violations++;
    this.examples++;
    for (const [name, v] of scalars(features)) {
      const f = this.features.get(name);
      if (f) f.add(v);
      else if (this.extra.size < 100) this.extra.add(name);
    }
  }
}

/** A reference histogram and a served one over the same bins, with what each bin is. */
export interface Histograms {
  labels: string[];
  reference: number[];
  served: number[];
}

/** A category key as people read it. */
export const categoryLabel = (key: string) => (key === MISSING ? '(missing)' : key === INVALID ? '(wrong type)' : key === OTHER ? '(other unseen values)' : key);

/** Reference counts of a feature profile with missing and wrong-typed values as bins of their own. */
export function referenceCategories(ref: FeatureProfile & { kind: 'categorical' }, examples: number): Map<string, number> {
  const m = new Map(ref.counts);
  m.set(MISSING, examples - ref.present - ref.invalid);
  m.set(INVALID, ref.invalid);
  return m;
}

export function servedCategories(s: ServedFeature, examples: number): Map<string, number> {
  const m = new Map(s.counts);
  m.set(MISSING, examples - s.present - s.invalid);
  m.set(INVALID, s.invalid);
  return m;
}

/** Numeric bins, then NaN, missing and wrong-typed values as bins of their own. */
export function numericHistograms(ref: FeatureProfile & { kind: 'numeric' }, refExamples: number, s: ServedFeature, servedExamples: number): Histograms {
  const { edges, counts } = ref.histogram;
  const fmtEdge = (x: number) => String(+x.toPrecision(4));
  const labels = counts.map((_, j) =>
    edges.length === 0 ? 'all values' : j === 0 ? `≤ ${fmtEdge(edges[0]!)}` : j === edges.length ? `> ${fmtEdge(edges[j - 1]!)}` : `(${fmtEdge(edges[j - 1]!)}, ${fmtEdge(edges[j]!)}]`,
  );
  return {
    labels: [...labels, 'NaN', '(missing)', '(wrong type)'],
    reference: [...counts, ref.nan, refExamples - ref.present - ref.invalid, ref.invalid],
    served: [...s.bins, s.nan, servedExamples - s.present - s.invalid, s.invalid],
  };
}

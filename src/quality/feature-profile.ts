import { QualityInputError } from './errors.js';
import { coarseCounts, Sketch, bucketEdge } from './sketch.js';

/** A feature value as parity's feature logs hold it. */
export type ProfileValue = number | string | boolean | readonly number[];
export type ProfileFeatures = Readonly<Record<string, ProfileValue>>;

/** A numeric feature's distribution. `edges`/`keys` cut it into the bins drift is measured on. */
export interface NumericProfile {
  name: string;
  kind: 'numeric';
  /** Examples with a value (NaN included); missing = the profile's examples − present. */
  present: number;
  nan: number;
  /** Values of another type (a string where numbers were seen). */
  invalid: number;
  /** The fine log buckets ([key, count]), what merging adds up. */
  sketch: [number, number][];
  /**
   * Derived from the sketch: bin j holds values up to edges[j] (bucket key keys[j]); the last bin
   * holds everything above the last edge. The edges are the training quantiles, rounded outward
   * to the 1% bucket that holds them.
   */
  histogram: { edges: number[]; keys: number[]; counts: number[] };
}

/** A categorical (string or boolean) feature's value counts. */
export interface CategoricalProfile {
  name: string;
  kind: 'categorical';
  present: number;
  invalid: number;
  /** More distinct values than the profile keeps: counts are dropped and drift is not judged. */
  overflow: boolean;
  /** [value, count], by value. */
  counts: [string, number][];
}

export type FeatureProfile = NumericProfile | CategoricalProfile;

/** Each scalar of a feature record: arrays give `name[i]` elements, as FeatureSet.toRows names columns. */
export function* scalars(features: ProfileFeatures): Generator<[string, number | string | boolean]> {
  for (const name of Object.keys(features)) {
    const v = features[name]!;
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) yield [`${name}[${i}]`, v[i]!];
    else yield [name, v as number | string | boolean];
  }
}

/** A numeric feature being profiled. */
export class NumericAccumulator {
  readonly kind = 'numeric';
  present = 0;
  nan = 0;
  invalid = 0;
  sketch = new Sketch();

  constructor(readonly name: string) {}

  add(v: number | string | boolean): void {
    if (typeof v !== 'number') {
      this.invalid++;
      return;
    }
    this.present++;
    if (Number.isNaN(v)) this.nan++;
    else this.sketch.add(v);
  }

  merge(o: NumericAccumulator): void {
    this.present += o.present;
    this.nan += o.nan;
    this.invalid += o.invalid;
    this.sketch.merge(o.sketch);
  }

  toJSON(bins: number): NumericProfile {
    const keys = this.sketch.quantileEdges(bins);
    return {
      name: this.name,
      kind: 'numeric',
      present: this.present,
      nan: this.nan,
      invalid: this.invalid,
      sketch: this.sketch.toJSON(),
      histogram: { edges: keys.map(bucketEdge), keys, counts: coarseCounts(this.sketch, keys) },
    };
  }

  static from(p: NumericProfile): NumericAccumulator {
    const a = new NumericAccumulator(p.name);
    Object.assign(a, { present: p.present, nan: p.nan, invalid: p.invalid, sketch: Sketch.from(p.sketch) });
    return a;
  }
}

/** A categorical feature being profiled; at most `maxCategories` distinct values are kept. */
export class CategoricalAccumulator {
  readonly kind = 'categorical';
  present = 0;
  invalid = 0;
  overflow = false;
  counts = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly maxCategories: number,
  ) {}

  add(v: number | string | boolean): void {
    if (typeof v === 'number') {
      this.invalid++;
      return;
    }
    this.present++;
    if (this.overflow) return;
    const key = String(v);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.checkOverflow();
  }

  /** Overflow depends only on the union of values, so shards merge to what one pass gives. */
  private checkOverflow(): void {
    if (this.counts.size > this.maxCategories) {
      this.overflow = true;
      this.counts.clear();
    }
  }

  merge(o: CategoricalAccumulator): void {
    this.present += o.present;
    this.invalid += o.invalid;
    this.overflow ||= o.overflow;
    if (this.overflow) this.counts.clear();
    else for (const [k, n] of o.counts) this.counts.set(k, (this.counts.get(k) ?? 0) + n);
    this.checkOverflow();
  }

  toJSON(): CategoricalProfile {
    const counts = [...this.counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { name: this.name, kind: 'categorical', present: this.present, invalid: this.invalid, overflow: this.overflow, counts };
  }

  static from(p: CategoricalProfile, maxCategories: number): CategoricalAccumulator {
    const a = new CategoricalAccumulator(p.name, maxCategories);
    Object.assign(a, { present: p.present, invalid: p.invalid, overflow: p.overflow, counts: new Map(p.counts) });
    return a;
  }
}

export type FeatureAccumulator = NumericAccumulator | CategoricalAccumulator;

/** Every feature of a stream of records; a feature's kind is fixed by its first value. */
export class FeaturesAccumulator {
  examples = 0;
  /** Records without features (they broke the input schema). */
  violations = 0;
  readonly features = new Map<string, FeatureAccumulator>();

  constructor(private readonly maxCategories: number) {}

  add(features: ProfileFeatures | null): void {
    if (!features) {
      this.violations++;
      return;
    }
    this.examples++;
    for (const [name, v] of scalars(features)) this.feature(name, typeof v === 'number').add(v);
  }

  private feature(name: string, numeric: boolean): FeatureAccumulator {
    let f = this.features.get(name);
    if (!f) {
      f = numeric ? new NumericAccumulator(name) : new CategoricalAccumulator(name, this.maxCategories);
      this.features.set(name, f);
    }
    return f;
  }

  merge(o: FeaturesAccumulator): void {
    this.examples += o.examples;
    this.violations += o.violations;
    for (const [name, f] of o.features) {
      const mine = this.features.get(name);
      if (!mine) this.features.set(name, f);
      else if (mine.kind !== f.kind) throw new QualityInputError(`feature ${name} is ${mine.kind} in one profile and ${f.kind} in the other: they cannot be merged`);
      else mine.merge(f as never);
    }
  }

  toJSON(bins: number): FeatureProfile[] {
    return [...this.features.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((f) => (f.kind === 'numeric' ? f.toJSON(bins) : f.toJSON()));
  }

  static from(examples: number, violations: number, profiles: readonly FeatureProfile[], maxCategories: number): FeaturesAccumulator {
    const a = new FeaturesAccumulator(maxCategories);
    a.examples = examples;
    a.violations = violations;
    for (const p of profiles) a.features.set(p.name, p.kind === 'numeric' ? NumericAccumulator.from(p) : CategoricalAccumulator.from(p, maxCategories));
    return a;
  }
}

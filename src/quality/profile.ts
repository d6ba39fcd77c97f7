import { z } from 'zod';
import { parseOptions } from '../options/validate.js';
import { QualityInputError } from './errors.js';
import { CategoricalAccumulator, FeaturesAccumulator, NumericAccumulator, type FeatureProfile, type ProfileFeatures, type ProfileValue } from './feature-profile.js';
import { MetricsAccumulator, outcome, type Label, type MetricsJson, type ModelOutput, type Task } from './metrics.js';

export const PROFILE_FORMAT = 'tfjs-monitor-reference-profile';

/** Per-slice validation metrics for one slice key (a categorical feature). */
export interface SliceProfile {
  feature: string;
  overflow: boolean;
  values: { value: string; metrics: MetricsJson }[];
}

/**
 * What the model saw, as a small JSON file: the training features' distributions, and on the
 * validation set the distribution of the model's outputs and its metrics, overall and per slice.
 */
export interface ReferenceProfile {
  format: typeof PROFILE_FORMAT;
  formatVersion: 1;
  model: string | null;
  version: string | null;
  task: Task;
  classes: string[] | null;
  /** Quantile bins per numeric feature, and the most distinct values a categorical feature keeps. */
  bins: number;
  maxCategories: number;
  slices: string[];
  training: { examples: number; violations: number; features: FeatureProfile[] };
  validation: { examples: number; output: FeatureProfile; metrics: MetricsJson; slices: SliceProfile[] };
}

const builderOptions = z
  .object({
    task: z.enum(['classification', 'regression']),
    /** Class names, in the order of the model's output probabilities. */
    classes: z.array(z.string()).min(2).optional(),
    model: z.string().optional(),
    version: z.string().optional(),
    /** 10 bins at the training deciles: each holds ~10% of training, so no bin is sparse and the χ² test of a window holds. */
    bins: z.number().int().min(2).max(100).default(10),
    maxCategories: z.number().int().min(1).default(10_000),
    /** Categorical features whose values slice the validation metrics (and the served ones). */
    slices: z.array(z.string()).default([]),
  })
  .strict()
  .refine((o) => (o.task === 'classification') === (o.classes !== undefined), { message: 'classes are required for classification, and only for it', path: ['classes'] });
export type ProfileOptions = z.input<typeof builderOptions>;

const sortByValue = <T extends { value: string }>(xs: T[]) => xs.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));

/**
 * Builds a reference profile one example at a time (streaming), or from profiles of shards
 * (`merge`): every count and sum in it adds exactly, so the shards' merge equals one pass.
 */
export class ProfileBuilder {
  private readonly opts: z.output<typeof builderOptions>;
  private training: FeaturesAccumulator;
  private validationExamples = 0;
  private output: NumericAccumulator | CategoricalAccumulator;
  private metrics = new MetricsAccumulator();
  private slices = new Map<string, { overflow: boolean; values: Map<string, MetricsAccumulator> }>();

  constructor(options: ProfileOptions) {
    this.opts = parseOptions(builderOptions, options, 'reference profile options');
    this.training = new FeaturesAccumulator(this.opts.maxCategories);
    this.output = this.opts.task === 'classification' ? new CategoricalAccumulator('(output)', this.opts.maxCategories) : new NumericAccumulator('(output)');
    for (const s of this.opts.slices) this.slices.set(s, { overflow: false, values: new Map() });
  }

  /** One training example's features (null: it broke the input schema, counted as a violation). */
  addTraining(features: ProfileFeatures | null): this {
    this.training.add(features);
    return this;
  }

  /**
   * One validation example: the model's output (class probabilities, or the score), its label,
   * and its features when the profile slices by some of them.
   */
  addValidation({ output, label, features }: { output: ModelOutput; label: Label; features?: ProfileFeatures }): this {
    const o = outcome(this.opts.task, this.opts.classes ?? null, output, label);
    if (typeof o === 'string') throw new QualityInputError(`validation example ${this.validationExamples}: ${o}`);
    this.validationExamples++;
    this.output.add(o.predicted);
    this.metrics.add(o);
    for (const [feature, slice] of this.slices) {
      const v: ProfileValue | undefined = features && Object.hasOwn(features, feature) ? features[feature] : undefined;
      if (v === undefined) throw new QualityInputError(`validation example ${this.validationExamples - 1}: no value for the slice feature ${feature}`);
      if (slice.overflow) continue;
      const key = String(v);
      let m = slice.values.get(key);
      if (!m) slice.values.set(key, (m = new MetricsAccumulator()));
      m.add(o);
      if (slice.values.size > this.opts.maxCategories) {
        slice.overflow = true;
        slice.values.clear();
      }
    }
    return this;
  }

  /** Adds a profile of another shard, made with the same options. */
  merge(other: ReferenceProfile): this {
    const o = this.opts;
    const mine = { task: o.task, bins: o.bins, maxCategories: o.maxCategories, model: o.model ?? null, version: o.version ?? null, classes: o.classes ?? null, slices: o.slices };
    for (const key of ['task', 'bins', 'maxCategories', 'model', 'version', 'classes', 'slices'] as const) {
      if (JSON.stringify(mine[key]) !== JSON.stringify(other[key])) {
        throw new QualityInputError(`profiles with different ${key} cannot be merged: ${JSON.stringify(mine[key])} and ${JSON.stringify(other[key])}`);
      }
    }
    const t = other.training;
    this.training.merge(FeaturesAccumulator.from(t.examples, t.violations, t.features, this.opts.maxCategories));
    const v = other.validation;
    this.validationExamples += v.examples;
    const out = v.output;
    if (out.kind === 'numeric' && this.output instanceof NumericAccumulator) this.output.merge(NumericAccumulator.from(out));
    else if (out.kind === 'categorical' && this.output instanceof CategoricalAccumulator) this.output.merge(CategoricalAccumulator.from(out, this.opts.maxCategories));
    this.metrics.merge(MetricsAccumulator.from(v.metrics));
    for (const s of v.slices) {
      const slice = this.slices.get(s.feature)!;
      slice.overflow ||= s.overflow;
      for (const { value, metrics } of s.values) {
        const m = slice.values.get(value);
        if (m) m.merge(MetricsAccumulator.from(metrics));
        else slice.values.set(value, MetricsAccumulator.from(metrics));
      }
      if (slice.overflow || slice.values.size > this.opts.maxCategories) {
        slice.overflow = true;
        slice.values.clear();
      }
    }
    return this;
  }

  toJSON(): ReferenceProfile {
    const { task, classes, model, version, bins, maxCategories, slices } = this.opts;
    return {
      format: PROFILE_FORMAT,
      formatVersion: 1,
      model: model ?? null,
      version: version ?? null,
      task,
      classes: classes ?? null,
      bins,
      maxCategories,
      slices,
      training: { examples: this.training.examples, violations: this.training.violations, features: this.training.toJSON(bins) },
      validation: {
        examples: this.validationExamples,
        output: this.output.kind === 'numeric' ? this.output.toJSON(bins) : this.output.toJSON(),
        metrics: this.metrics.toJSON(),
        slices: [...this.slices].map(([feature, s]) => ({
          feature,
          overflow: s.overflow,
          values: sortByValue([...s.values].map(([value, m]) => ({ value, metrics: m.toJSON() }))),
        })),
      },
    };
  }

  /** A builder holding a saved profile, to add more examples or shards to. */
  static from(profile: ReferenceProfile): ProfileBuilder {
    const { task, classes, model, version, bins, maxCategories, slices } = profile;
    const b = new ProfileBuilder({ task, bins, maxCategories, slices, ...(classes ? { classes } : {}), ...(model !== null ? { model } : {}), ...(version !== null ? { version } : {}) });
    return b.merge(profile);
  }
}

/** Merges profiles of shards made with the same options: the result equals one pass over all of them. */
export function mergeProfiles(profiles: readonly ReferenceProfile[]): ReferenceProfile {
  if (profiles.length === 0) throw new QualityInputError('no profiles to merge');
  const b = ProfileBuilder.from(profiles[0]!);
  for (const p of profiles.slice(1)) b.merge(p);
  return b.toJSON();
}

import { z } from 'zod';
import { InvalidOptionsError, parseOptions } from '../options/validate.js';
import { readFeatureLog, type FeatureLogRecord } from './feature-log.js';
import type { FeatureValue } from './feature-set.js';
import { valuesMatch, type Tolerance } from './tolerance.js';

const SAMPLES = 5;

const parityOptions = z
  .object({
    /** Per feature: `{ abs?, rel? }`. Features not named are compared exactly. */
    tolerance: z.record(z.string(), z.object({ abs: z.number().nonnegative().optional(), rel: z.number().nonnegative().optional() }).strict()).default({}),
    /** A feature is skewed when its mismatch rate over joined examples is above this. */
    maxMismatchRate: z.number().min(0).max(1).default(0),
    /**
     * A data-invariant finding is raised when serving's schema-violation rate, overall or for one
     * field, exceeds training's by more than this (absolute). 0.01: one request in a hundred
     * breaking the contract more often than the training data did is an upstream change, not noise.
     */
    maxViolationRateIncrease: z.number().min(0).max(1).default(0.01),
  })
  .strict();
export type ParityOptions = z.input<typeof parityOptions>;

export interface FeatureSkew {
  feature: string;
  /** Joined examples with the feature on the training side (base) and on the serving side (test). */
  base: number;
  test: number;
  match: number;
  mismatch: number;
  /** Joined examples where only one side has the feature. */
  baseOnly: number;
  testOnly: number;
  mismatchRate: number;
  skewed: boolean;
  /** A few mismatching examples with both values. */
  examples: { id: string; training: FeatureValue | null; serving: FeatureValue | null }[];
}

export interface SideSummary {
  path: string;
  records: number;
  malformed: { count: number; lines: { line: number; error: string }[] };
  duplicateIds: number;
  fingerprints: Record<string, number>;
  /** Data invariants: records that broke the input schema, and per field. */
  violations: { records: number; rate: number; fields: Record<string, number> };
}

export interface InvariantFinding {
  kind: 'invariant-violation';
  field: string | null;
  trainingRate: number;
  servingRate: number;
  message: string;
}

export interface ParityReport {
  training: SideSummary;
  serving: SideSummary;
  /** Neither log has a usable record: nothing was compared, which is not "no skew". */
  empty: boolean;
  ids: {
    joined: number;
    trainingOnly: number;
    servingOnly: number;
    sampleTrainingOnly: string[];
    sampleServingOnly: string[];
  };
  /** Served examples computed by a definition other than the one(s) training used. */
  fingerprintMismatches: { records: number; servingFingerprints: string[]; trainingFingerprints: string[] };
  features: FeatureSkew[];
  summary: {
    /** The number of features that exhibit skew. */
    skewedFeatures: number;
    /** For each skewed feature, the number of examples exhibiting skew. */
    examplesPerSkewedFeature: Record<string, number>;
  };
  invariants: InvariantFinding[];
  /** Whether anything is past its threshold: skew, fingerprint mismatch, invariant finding, or an empty log. */
  ok: boolean;
}

function side(path: string): SideSummary {
  return { path, records: 0, malformed: { count: 0, lines: [] }, duplicateIds: 0, fingerprints: {}, violations: { records: 0, rate: 0, fields: {} } };
}

function count(summary: SideSummary, r: FeatureLogRecord): void {
  summary.records++;
  summary.fingerprints[r.fp] = (summary.fingerprints[r.fp] ?? 0) + 1;
  if (r.violations.length) {
    summary.violations.records++;
    for (const f of r.violations) summary.violations.fields[f] = (summary.violations.fields[f] ?? 0) + 1;
  }
}

function malformed(summary: SideSummary, line: number, error: string): void {
  summary.malformed.count++;
  if (summary.malformed.lines.length < 20) summary.malformed.lines.push({ line, error });
}

/** A log's well-formed records; malformed lines are counted in `summary`, valid ones tallied. */
async function* records(path: string, summary: SideSummary): AsyncGenerator<FeatureLogRecord> {
  for await (const entry of readFeatureLog(path)) {
    if ('error' in entry) {
      malformed(summary, entry.line, entry.error);
      continue;
    }
    count(summary, entry.record);
    yield entry.record;
  }
}

/**
 * Joins a training and a serving feature log on example id and reports, per feature, matches and
 * mismatches under its tolerance, with the number of skewed features and the examples showing
 * each; ids on one side only, duplicate ids, fingerprint mismatches, malformed lines and schema
 * violations. The serving log is streamed; memory holds the training records not yet joined and
 * the serving ids seen (for duplicates).
 */
export async function checkParity(trainingLog: string, servingLog: string, options: ParityOptions = {}): Promise<ParityReport> {
  const opts = parseOptions(parityOptions, options, 'parity options');
  const training = side(trainingLog);
  const serving = side(servingLog);

  const base = new Map<string, FeatureLogRecord>();
  for await (const r of records(trainingLog, training)) {
    if (base.has(r.id)) training.duplicateIds++;
    else base.set(r.id, { side: r.side, id: r.id, fp: r.fp, ts: r.ts, features: r.features, violations: r.violations }); // without raw
  }

  const featureNames = new Set<string>();
  for (const r of base.values()) for (const f of Object.keys(r.features ?? {})) featureNames.add(f);
  const unknown = Object.keys(opts.tolerance).filter((f) => !featureNames.has(f));
  if (unknown.length && featureNames.size) {
    throw new InvalidOptionsError(
      `tolerance names feature(s) not in the training log: ${unknown.join(', ')}; its features are: ${[...featureNames].sort().join(', ')}`,
      unknown,
    );
  }

  const skew = new Map<string, FeatureSkew>();
  const skewOf = (feature: string) => {
    let s = skew.get(feature);
    if (!s) {
      s = { feature, base: 0, test: 0, match: 0, mismatch: 0, baseOnly: 0, testOnly: 0, mismatchRate: 0, skewed: false, examples: [] };
      skew.set(feature, s);
    }
    return s;
  };
  const trainingFingerprints = new Set(Object.keys(training.fingerprints));
  const seen = new Set<string>();
  let joined = 0;
  const sampleServingOnly: string[] = [];
  let servingOnly = 0;
  let fingerprintMismatches = 0;

  for await (const r of records(servingLog, serving)) {
    if (trainingFingerprints.size && !trainingFingerprints.has(r.fp)) fingerprintMismatches++;
    if (seen.has(r.id)) {
      serving.duplicateIds++;
      continue;
    }
    seen.add(r.id);
    const t = base.get(r.id);
    if (!t) {
      servingOnly++;
      if (sampleServingOnly.length < SAMPLES) sampleServingOnly.push(r.id);
      continue;
    }
    base.delete(r.id); // joined: what is left in `base` at the end is training-only, and memory shrinks as we go
    joined++;
    if (!t.features || !r.features) continue; // a schema violation: counted as such, not as skew
    for (const f of new Set([...Object.keys(t.features), ...Object.keys(r.features)])) {
      const s = skewOf(f);
      // Own properties only: a feature named like an Object.prototype member must not read it.
      const a = Object.hasOwn(t.features, f) ? t.features[f] : undefined;
      const b = Object.hasOwn(r.features, f) ? r.features[f] : undefined;
      if (a !== undefined) s.base++;
      if (b !== undefined) s.test++;
      if (a === undefined || b === undefined) {
        if (a === undefined) s.testOnly++;
        else s.baseOnly++;
        if (s.examples.length < SAMPLES) s.examples.push({ id: r.id, training: a ?? null, serving: b ?? null });
        continue;
      }
      if (valuesMatch(a, b, opts.tolerance[f] as Tolerance | undefined)) s.match++;
      else {
        s.mismatch++;
        if (s.examples.length < SAMPLES) s.examples.push({ id: r.id, training: a, serving: b });
      }
    }
  }

  const trainingOnly = base.size;
  const sampleTrainingOnly = [...base.keys()].slice(0, SAMPLES);

  const features = [...skew.values()].sort((a, b) => a.feature.localeCompare(b.feature));
  for (const s of features) {
    const compared = s.match + s.mismatch + s.baseOnly + s.testOnly;
    s.mismatchRate = compared ? (s.mismatch + s.baseOnly + s.testOnly) / compared : 0;
    s.skewed = s.mismatchRate > opts.maxMismatchRate;
  }
  const skewed = features.filter((s) => s.skewed);

  for (const summary of [training, serving]) summary.violations.rate = summary.records ? summary.violations.records / summary.records : 0;
  const invariants: InvariantFinding[] = [];
  const judge = (field: string | null, tRate: number, sRate: number) => {
    if (sRate - tRate <= opts.maxViolationRateIncrease) return;
    const what = field ? `field ${field}` : 'the input schema';
    invariants.push({
      kind: 'invariant-violation',
      field,
      trainingRate: tRate,
      servingRate: sRate,
      message: `${what} is broken by ${(100 * sRate).toFixed(2)}% of served examples against ${(100 * tRate).toFixed(2)}% in training`,
    });
  };
  if (serving.records) {
    judge(null, training.violations.rate, serving.violations.rate);
    for (const field of Object.keys(serving.violations.fields).sort()) {
      const t = training.records ? (training.violations.fields[field] ?? 0) / training.records : 0;
      judge(field, t, serving.violations.fields[field]! / serving.records);
    }
  }

  const empty = training.records === 0 || serving.records === 0;
  return {
    training,
    serving,
    empty,
    ids: { joined, trainingOnly, servingOnly, sampleTrainingOnly, sampleServingOnly },
    fingerprintMismatches: {
      records: fingerprintMismatches,
      servingFingerprints: Object.keys(serving.fingerprints),
      trainingFingerprints: [...trainingFingerprints],
    },
    features,
    summary: {
      skewedFeatures: skewed.length,
      examplesPerSkewedFeature: Object.fromEntries(skewed.map((s) => [s.feature, s.mismatch + s.baseOnly + s.testOnly])),
    },
    invariants,
    ok: !empty && skewed.length === 0 && fingerprintMismatches === 0 && invariants.length === 0,
  };
}

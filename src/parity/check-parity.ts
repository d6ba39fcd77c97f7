import { z } from 'zod';
import { InvalidOptionsError, parseOptions } from '../options/validate.js';
import { example } from './cut.js';
import { readFeatureLog, type FeatureLogRecord } from './feature-log.js';
import { count, invariantFindings, malformed, side, type FeatureSkew, type ParityReport, type SideSummary } from './parity-report.js';
import { toleranceMap, valuesMatch, type Tolerances } from './tolerance.js';

export type { FeatureSkew, InvariantFinding, ParityReport, SideSummary } from './parity-report.js';

const SAMPLES = 5;

const parityOptions = z
  .object({
    /** Per feature: `{ abs?, rel? }`. Features not named are compared exactly. Checked by toleranceMap. */
    tolerance: z.unknown().optional(),
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
export type ParityOptions = Omit<z.input<typeof parityOptions>, 'tolerance'> & { tolerance?: Tolerances };

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
  const tolerance = toleranceMap(opts.tolerance);
  const training = side(trainingLog);
  const serving = side(servingLog);

  const base = new Map<string, FeatureLogRecord>();
  for await (const r of records(trainingLog, training)) {
    if (base.has(r.id)) training.duplicateIds++;
    else base.set(r.id, { side: r.side, id: r.id, fp: r.fp, ts: r.ts, features: r.features, violations: r.violations }); // without raw
  }

  const featureNames = new Set<string>();
  for (const r of base.values()) for (const f of Object.keys(r.features ?? {})) featureNames.add(f);
  const unknown = [...tolerance.keys()].filter((f) => !featureNames.has(f));
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
        if (s.examples.length < SAMPLES) s.examples.push(example(r.id, a ?? null, b ?? null, tolerance.get(f)));
        continue;
      }
      if (valuesMatch(a, b, tolerance.get(f))) s.match++;
      else {
        s.mismatch++;
        if (s.examples.length < SAMPLES) s.examples.push(example(r.id, a, b, tolerance.get(f)));
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

  const invariants = invariantFindings(training, serving, opts.maxViolationRateIncrease);

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

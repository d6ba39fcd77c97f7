import { cutText, type ValueExample } from './cut.js';
import type { FeatureLogRecord } from './log-record.js';

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
  /** A few mismatching examples with both values; long values cut (see ValueExample.cut). */
  examples: ValueExample[];
}

export interface SideSummary {
  path: string;
  records: number;
  malformed: { count: number; lines: { line: number; error: string }[] };
  duplicateIds: number;
  /** Records per fingerprint. Like `violations.fields`, an object without prototype: keys are data. */
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

/** Keyed by names from the logs: no prototype, so `constructor` or `__proto__` count like any name. */
const tally = (): Record<string, number> => Object.create(null);

export function side(path: string): SideSummary {
  return { path, records: 0, malformed: { count: 0, lines: [] }, duplicateIds: 0, fingerprints: tally(), violations: { records: 0, rate: 0, fields: tally() } };
}

export function count(summary: SideSummary, r: FeatureLogRecord): void {
  summary.records++;
  summary.fingerprints[r.fp] = (summary.fingerprints[r.fp] ?? 0) + 1;
  if (r.violations.length) {
    summary.violations.records++;
    for (const f of r.violations) summary.violations.fields[f] = (summary.violations.fields[f] ?? 0) + 1;
  }
}

export function malformed(summary: SideSummary, line: number, error: string): void {
  summary.malformed.count++;
  if (summary.malformed.lines.length < 20) summary.malformed.lines.push({ line, error: cutText(error, 300) });
}

/**
 * Data invariants (Monitor 2): a finding when serving's schema-violation rate, overall or for one
 * field, exceeds training's by more than `maxIncrease`.
 */
export function invariantFindings(training: SideSummary, serving: SideSummary, maxIncrease: number): InvariantFinding[] {
  for (const summary of [training, serving]) summary.violations.rate = summary.records ? summary.violations.records / summary.records : 0;
  const invariants: InvariantFinding[] = [];
  const judge = (field: string | null, tRate: number, sRate: number) => {
    if (sRate - tRate <= maxIncrease) return;
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
  return invariants;
}

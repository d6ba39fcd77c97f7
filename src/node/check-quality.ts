import { readFeatureLog } from '../parity/feature-log.js';
import { idHash } from '../parity/feature-set.js';
import { QualityInputError } from '../quality/errors.js';
import { countProblem, logSummary, QualityJoin } from '../quality/join.js';
import type { QualityOptions } from '../quality/options.js';
import type { ReferenceProfile } from '../quality/profile.js';
import type { LogSummary, QualityReport } from '../quality/report-types.js';
import { readPredictionLog } from './prediction-log.js';
import { readProfile } from './profile-file.js';

export interface QualityInput {
  /** The reference profile, or the path of its file. */
  reference: string | ReferenceProfile;
  /** Parity serving feature logs (FeatureSet.logServing): input drift, and slice values. */
  features?: string | readonly string[];
  /** Prediction logs (openPredictionLog): output drift, and with labels, served quality. */
  predictions?: string | readonly string[];
  /** Logs holding the label records (may be the prediction logs themselves). */
  labels?: string | readonly string[];
}

const list = (x: string | readonly string[] | undefined): string[] => (x === undefined ? [] : typeof x === 'string' ? [x] : [...x]);
const combined = (paths: string[]): LogSummary | null => (paths.length ? logSummary(paths.join(', ')) : null);

/** Which of `parts` join passes an id belongs to (a hash independent of the sampling's). */
const partOf = (id: string, parts: number) => (parts === 1 ? 0 : (Math.imul(idHash(id), 0x9e3779b1) >>> 0) % parts);

/**
 * Input drift, output drift and served quality from the logs, streamed: memory holds the
 * histograms per window, and at most `maxLabelsInMemory` labels. With more labels than that, the
 * labels are split by a hash of their id and each part is joined in its own pass over the logs,
 * so memory stays bounded however long the logs are.
 */
export async function checkQuality(input: QualityInput, options: QualityOptions = {}): Promise<QualityReport> {
  const reference = typeof input.reference === 'string' ? readProfile(input.reference) : input.reference;
  const featurePaths = list(input.features);
  const predictionPaths = list(input.predictions);
  const labelPaths = list(input.labels);
  if (!featurePaths.length && !predictionPaths.length) throw new QualityInputError('nothing to check: give served feature logs, prediction logs, or both');
  if (labelPaths.length && !predictionPaths.length) throw new QualityInputError('labels need the prediction logs they label: give the prediction logs too');

  const join = new QualityJoin(reference, options, featurePaths.length > 0);
  const logs = { features: combined(featurePaths), predictions: combined(predictionPaths), labels: combined(labelPaths) };

  /**
   * Holds the labels of one part of the ids, and returns how many label records that part has.
   * The first read (one part) stops holding past the limit and goes on counting, to size the parts.
   */
  const loadLabels = async (part: number, parts: number, first: boolean): Promise<number> => {
    let seen = 0;
    for (const path of labelPaths) {
      for await (const e of readPredictionLog(path)) {
        if ('error' in e) {
          if (first) countProblem(logs.labels!.malformed, e.line, `${path}: ${e.error}`);
          continue;
        }
        if (e.record.kind !== 'label') continue;
        if (first) logs.labels!.records++;
        if (partOf(e.record.id, parts) !== part) continue;
        if (++seen <= join.opts.maxLabelsInMemory || !first) join.addLabel(e.record);
      }
    }
    return seen;
  };

  let parts = 1;
  const labels = await loadLabels(0, 1, true);
  if (labels > join.opts.maxLabelsInMemory) {
    join.dropLabels();
    parts = Math.ceil(labels / join.opts.maxLabelsInMemory) + 1; // hash parts are uneven: one part of headroom
  }
  for (let part = 0; part < parts; part++) {
    if (parts > 1) await loadLabels(part, parts, false);
    const first = part === 0;
    if (first || join.served.sliceKeys.length) {
      for (const path of featurePaths) {
        for await (const e of readFeatureLog(path)) {
          if ('error' in e) {
            if (first) countProblem(logs.features!.malformed, e.line, `${path}: ${e.error}`);
            continue;
          }
          if (first) logs.features!.records++;
          join.addFeatures(e.record, { drift: first });
        }
      }
      if (first && featurePaths.length) join.checkFeatureSet(featurePaths.join(', '));
    }
    for (const path of predictionPaths) {
      for await (const e of readPredictionLog(path)) {
        if ('error' in e) {
          if (first) countProblem(logs.predictions!.malformed, e.line, `${path}: ${e.error}`);
          continue;
        }
        if (e.record.kind !== 'prediction') continue;
        if (first) logs.predictions!.records++;
        const problem = join.addPrediction(e.record, { drift: first });
        if (problem !== null && first) countProblem(logs.predictions!.invalid, e.line, `${path}: id ${e.record.id}: ${problem}`);
      }
    }
    join.endLabels();
  }
  if (logs.features) logs.features.outside = join.served.outside.features;
  if (logs.predictions) logs.predictions.outside = join.served.outside.predictions;
  join.labelSummary.passes = parts;
  return join.report({ referencePath: typeof input.reference === 'string' ? input.reference : null, logs, labelled: labelPaths.length > 0 });
}

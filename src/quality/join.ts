import { FeatureSetMismatchError, QualityInputError } from './errors.js';
import type { ProfileFeatures } from './feature-profile.js';
import { outcome, type Label, type ModelOutput } from './metrics.js';
import { resolveQualityOptions, type QualityOptions, type ResolvedQualityOptions } from './options.js';
import type { ReferenceProfile } from './profile.js';
import { buildQualityReport, OUTPUT, type ReportContext } from './report.js';
import type { LabelSummary, LogSummary, QualityReport } from './report-types.js';
import { ServedData } from './served-data.js';

/** A served example's features, as parity's serving log records them. */
export interface ServedRecord {
  id: string;
  ts: number;
  features: ProfileFeatures | null;
}

/** A logged prediction: which model version made it, when, and its output. */
export interface PredictionRecord {
  id: string;
  ts: number;
  version: string;
  output: ModelOutput;
}

/** A label that arrived for an example id. */
export interface LabelRecord {
  id: string;
  label: Label;
  ts?: number;
}

const SAMPLE = 5;

/**
 * Joins served features, predictions and later labels on the example id and accumulates drift
 * and quality. Labels are held (one small entry each); features and predictions stream through.
 * A caller with more labels than memory allows feeds them in partitions (see checkQuality).
 */
export class QualityJoin {
  readonly opts: ResolvedQualityOptions;
  readonly served: ServedData;
  /** Per label: its value, how many predictions it joined, and its slice values (aligned with the slice keys). */
  private labels = new Map<string, { label: Label; joined: number; slices: (string | undefined)[] | null }>();
  readonly labelSummary: LabelSummary = { records: 0, joined: 0, unknownIds: 0, sampleUnknownIds: [], duplicates: 0, passes: 1 };

  /** `withFeatures`: whether served features will come; slices need them (a label's slice is its served feature value). */
  constructor(
    readonly reference: ReferenceProfile,
    options: QualityOptions = {},
    withFeatures = true,
  ) {
    this.opts = resolveQualityOptions(options);
    if (!withFeatures && this.opts.slices?.length) {
      throw new QualityInputError(`slicing by ${this.opts.slices.join(', ')} needs the served features (parity's serving log) to read each example's slice value: give them too`);
    }
    const slices = this.opts.slices ?? (withFeatures ? reference.slices : []);
    const unknownSlices = slices.filter((s) => !reference.slices.includes(s));
    if (unknownSlices.length) {
      throw new QualityInputError(
        `slice key(s) ${unknownSlices.join(', ')} not in the reference profile, which has per-slice validation metrics for: ${reference.slices.join(', ') || 'no feature'}; profile with slices: [...]`,
      );
    }
    const names = new Set([...reference.training.features.map((f) => f.name), OUTPUT]);
    const unknown = Object.keys(this.opts.thresholds).filter((f) => !names.has(f));
    if (unknown.length) throw new QualityInputError(`thresholds name feature(s) not in the reference profile: ${unknown.join(', ')}; its features are: ${[...names].join(', ')}`);
    this.served = new ServedData(reference, this.opts, slices);
  }

  /** A label for an id; a later label for the same id replaces it (a correction) and is counted. */
  addLabel(r: LabelRecord): void {
    this.labelSummary.records++;
    const held = this.labels.get(r.id);
    if (held) {
      this.labelSummary.duplicates++;
      held.label = r.label;
    } else this.labels.set(r.id, { label: r.label, joined: 0, slices: null });
  }

  /** A served feature record: its histograms (when `drift`), and its slice values if it is labelled. */
  addFeatures(r: ServedRecord, { drift = true } = {}): void {
    if (drift) this.served.addFeatures(r.ts, r.features);
    const held = this.served.sliceKeys.length && r.features ? this.labels.get(r.id) : undefined;
    if (!held) return;
    held.slices = this.served.sliceKeys.map((key) => (Object.hasOwn(r.features!, key) ? String(r.features![key]) : undefined));
  }

  /** A prediction: its output (when `drift`), and its outcome if labelled. Returns what is wrong with it, or null. */
  addPrediction(r: PredictionRecord, { drift = true } = {}): string | null {
    const ref = this.reference;
    const held = this.labels.get(r.id);
    const o = outcome(ref.task, ref.classes, r.output, held?.label);
    if (typeof o === 'string') return o;
    if (drift) this.served.addOutput(r.ts, r.version, o.predicted);
    if (held) {
      held.joined++;
      this.served.addLabelled(r.ts, r.version, o, held.slices);
    }
    return null;
  }

  /** Forgets the labels held (to hold them again in parts). */
  dropLabels(): void {
    this.labels.clear();
    Object.assign(this.labelSummary, { records: 0, joined: 0, unknownIds: 0, sampleUnknownIds: [], duplicates: 0 });
  }

  /** Labels held now. */
  get heldLabels(): number {
    return this.labels.size;
  }

  /** Ends a batch of labels: those no prediction joined are counted as labels for unknown ids. */
  endLabels(): void {
    for (const [id, held] of this.labels) {
      if (held.joined) this.labelSummary.joined++;
      else {
        this.labelSummary.unknownIds++;
        if (this.labelSummary.sampleUnknownIds.length < SAMPLE) this.labelSummary.sampleUnknownIds.push(id);
      }
    }
    this.labels.clear();
  }

  /** The served features must be the reference's: a feature never served, or one it lacks, is an error naming them. */
  checkFeatureSet(where: string): void {
    const inputs = [...this.served.inputs.values()];
    if (!inputs.some((s) => s.examples > 0)) return;
    const missing = this.reference.training.features
      .filter((f) => inputs.every((s) => { const x = s.features.get(f.name)!; return x.present + x.invalid === 0; }))
      .map((f) => f.name);
    const extra = [...new Set(inputs.flatMap((s) => [...s.extra]))].sort();
    if (missing.length || extra.length) throw new FeatureSetMismatchError(missing, extra, where);
  }

  report(ctx: Omit<ReportContext, 'labels'> & { labelled: boolean }): QualityReport {
    return buildQualityReport(this.served, this.opts, { ...ctx, labels: ctx.labelled ? this.labelSummary : null });
  }
}

/** An empty summary of a log (or an in-memory source) to count into. */
export function logSummary(path: string): LogSummary {
  return { path, records: 0, malformed: { count: 0, lines: [] }, invalid: { count: 0, lines: [] }, outside: 0 };
}

/** Counts a malformed or invalid line, keeping the first 20 with their numbers. */
export function countProblem(list: LogSummary['malformed'], line: number, error: string): void {
  list.count++;
  if (list.lines.length < 20) list.lines.push({ line, error: error.length > 300 ? `${error.slice(0, 300)}…` : error });
}

/**
 * Drift and served quality from records in memory (in a browser, or in tests): the same
 * computation as the Node `checkQuality`, which streams the logs instead. Records are numbered
 * from 1 in problems.
 */
export function evaluateQuality(
  reference: ReferenceProfile,
  data: { features?: Iterable<ServedRecord>; predictions?: Iterable<PredictionRecord>; labels?: Iterable<LabelRecord> },
  options: QualityOptions = {},
): QualityReport {
  const join = new QualityJoin(reference, options, data.features !== undefined);
  const logs: QualityReport['logs'] = {
    features: data.features ? logSummary('(features)') : null,
    predictions: data.predictions ? logSummary('(predictions)') : null,
    labels: data.labels ? logSummary('(labels)') : null,
  };
  for (const l of data.labels ?? []) {
    logs.labels!.records++;
    join.addLabel(l);
  }
  for (const f of data.features ?? []) {
    logs.features!.records++;
    join.addFeatures(f);
  }
  if (data.features) join.checkFeatureSet('the served records');
  for (const p of data.predictions ?? []) {
    const problem = join.addPrediction(p);
    if (problem !== null) countProblem(logs.predictions!.invalid, logs.predictions!.records + 1, `id ${p.id}: ${problem}`);
    logs.predictions!.records++;
  }
  join.endLabels();
  if (logs.features) logs.features.outside = join.served.outside.features;
  if (logs.predictions) logs.predictions.outside = join.served.outside.predictions;
  return join.report({ referencePath: null, logs, labelled: data.labels !== undefined });
}

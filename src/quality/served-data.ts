import { QualityInputError } from './errors.js';
import type { ProfileFeatures } from './feature-profile.js';
import { MetricsAccumulator, type Outcome } from './metrics.js';
import type { ResolvedQualityOptions } from './options.js';
import type { ReferenceProfile } from './profile.js';
import { ServedFeature, ServedFeatures } from './served.js';

/** More windows than this is almost surely a wrong --window or a stray timestamp. */
export const MAX_WINDOWS = 1000;

/** One model version in one window: its predictions, and the labelled ones' metrics, overall and per slice. */
export interface QualityGroup {
  version: string;
  window: number;
  predictions: number;
  labelled: number;
  overall: MetricsAccumulator;
  /** slice feature → value → metrics */
  slices: Map<string, Map<string, MetricsAccumulator>>;
}

export interface OutputGroup {
  version: string;
  window: number;
  served: ServedFeature;
  n: number;
}

/** A window as reports show it: [start, end) in ISO time, or the span of the data when unwindowed. */
export interface WindowSpan {
  start: string | null;
  end: string | null;
}

/**
 * Everything served, accumulated per time window: feature histograms (input drift), output
 * histograms per model version (output drift), and labelled outcomes per version (quality).
 * Memory depends on the number of windows, versions, features and slices, not on the examples.
 */
export class ServedData {
  readonly inputs = new Map<number, ServedFeatures>();
  readonly outputs = new Map<string, OutputGroup>();
  readonly groups = new Map<string, QualityGroup>();
  /** Records left out by since/until. */
  readonly outside = { features: 0, predictions: 0 };
  first = Infinity;
  last = -Infinity;

  constructor(
    readonly reference: ReferenceProfile,
    readonly opts: ResolvedQualityOptions,
    readonly sliceKeys: readonly string[],
  ) {}

  /** The start of the window a time falls in (0 when unwindowed), or null outside since/until. */
  window(ts: number): number | null {
    const { since, until, windowMs } = this.opts;
    if ((since !== undefined && ts < since) || (until !== undefined && ts >= until)) return null;
    if (ts < this.first) this.first = ts;
    if (ts > this.last) this.last = ts;
    return windowMs ? Math.floor(ts / windowMs) * windowMs : 0;
  }

  /** A served feature record (null features: it broke the input schema). */
  addFeatures(ts: number, features: ProfileFeatures | null): void {
    const w = this.window(ts);
    if (w === null) return void this.outside.features++;
    let s = this.inputs.get(w);
    if (!s) this.inputs.set(w, (s = new ServedFeatures(this.reference.training.features, this.opts.maxCategories)));
    s.add(features);
  }

  /** A prediction's output (its predicted class, or its score), for output drift. */
  addOutput(ts: number, version: string, predicted: string | number): void {
    const w = this.window(ts);
    if (w === null) return void this.outside.predictions++;
    const key = `${version}\0${w}`;
    let o = this.outputs.get(key);
    if (!o) this.outputs.set(key, (o = { version, window: w, served: new ServedFeature(this.reference.validation.output, this.opts.maxCategories), n: 0 }));
    o.served.add(predicted);
    o.n++;
    this.group(version, w).predictions++;
  }

  /** A labelled prediction's outcome, with the values of its slice features in sliceKeys' order (null: no features logged). */
  addLabelled(ts: number, version: string, o: Outcome, slices: readonly (string | undefined)[] | null): void {
    const w = this.window(ts);
    if (w === null) return;
    const g = this.group(version, w);
    g.labelled++;
    g.overall.add(o);
    for (const [i, key] of this.sliceKeys.entries()) {
      const value = slices?.[i] ?? '(no features logged)';
      let byValue = g.slices.get(key);
      if (!byValue) g.slices.set(key, (byValue = new Map()));
      let m = byValue.get(value);
      if (!m) byValue.set(value, (m = new MetricsAccumulator()));
      m.add(o);
    }
  }

  private group(version: string, window: number): QualityGroup {
    const key = `${version}\0${window}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { version, window, predictions: 0, labelled: 0, overall: new MetricsAccumulator(), slices: new Map() }));
    return g;
  }

  /** Every window from the first record's to the last's, gaps included (they have no data). */
  windows(): number[] {
    if (this.first > this.last) return [];
    const w = this.opts.windowMs;
    if (!w) return [0];
    const from = Math.floor(this.first / w) * w;
    const count = Math.floor(this.last / w) - Math.floor(this.first / w) + 1;
    if (count > MAX_WINDOWS) {
      throw new QualityInputError(
        `the logs span ${new Date(this.first).toISOString()} to ${new Date(this.last).toISOString()}: ${count} windows of ${w} ms, over the ${MAX_WINDOWS} a report shows; ` +
          'choose a longer window, or narrow the period with since/until',
      );
    }
    return Array.from({ length: count }, (_, i) => from + i * w);
  }

  span(window: number): WindowSpan {
    const w = this.opts.windowMs;
    if (w) return { start: new Date(window).toISOString(), end: new Date(window + w).toISOString() };
    if (this.first > this.last) return { start: null, end: null };
    return { start: new Date(this.first).toISOString(), end: new Date(this.last).toISOString() };
  }
}

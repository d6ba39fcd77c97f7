import { MetricsAccumulator, type MetricName, type Moments } from './metrics.js';
import { newcombeDifference, welchDifference, wilson, type Interval } from './stats.js';

export type MetricStatus = 'regression' | 'ok' | 'not-enough-labels' | 'no-labels' | 'no-reference' | 'small-reference';

/** One metric of served predictions against the reference (validation) value. */
export interface MetricVerdict {
  metric: MetricName;
  reference: number | null;
  served: number | null;
  /** The served value's interval at the verdict's confidence (Wilson for accuracy). */
  interval: Interval | null;
  /** served − reference, and its interval (Newcombe for accuracy, Welch for the means). */
  change: number | null;
  changeInterval: Interval | null;
  /** The worsening that is tolerated, in the metric's units. */
  tolerance: number;
  n: { reference: number; served: number };
  status: MetricStatus;
}

export interface Tolerances {
  accuracy: number;
  logLoss: number;
  mae: number;
  rmse: number;
}

const meanInterval = (m: Moments, z: number): Interval => [m.mean - z * Math.sqrt(m.variance / m.n), m.mean + z * Math.sqrt(m.variance / m.n)];

/** RMSE from the squared errors' moments, with the delta-method variance Var(MSE) / (4·MSE). */
function rmseMoments(sq: Moments): Moments {
  const rmse = Math.sqrt(sq.mean);
  return { n: sq.n, mean: rmse, variance: sq.mean > 0 ? sq.variance / (4 * sq.mean) : 0 };
}

function moments(m: MetricsAccumulator, metric: Exclude<MetricName, 'accuracy'>): Moments {
  return metric === 'logLoss' ? m.logLoss() : metric === 'mae' ? m.absError() : rmseMoments(m.sqError());
}

/** A metric's value on a group (NaN when it has no labelled example). */
export function metricValue(m: MetricsAccumulator, metric: MetricName): number {
  return metric === 'accuracy' ? m.accuracy() : moments(m, metric).mean;
}

/**
 * Judges one metric at normal quantile `z` (one-sided: only a worsening is a finding). It is a
 * regression only when the whole interval of the change is worse than the tolerance: even the
 * most favourable value the data allow is a worsening worth reporting. Accuracy's tolerance is
 * absolute; the others' are a share of the reference value.
 */
export function judgeMetric(metric: MetricName, ref: MetricsAccumulator, served: MetricsAccumulator, z: number, tolerances: Tolerances, minLabelled: number): MetricVerdict {
  const n = { reference: ref.n, served: served.n };
  const refValue = ref.n ? metricValue(ref, metric) : null;
  const tolerance = metric === 'accuracy' ? tolerances.accuracy : (refValue ?? 0) * tolerances[metric];
  const base = { metric, reference: refValue, tolerance, n };
  const empty = { served: null, interval: null, change: null, changeInterval: null };
  if (served.n === 0) return { ...base, ...empty, status: 'no-labels' };
  const servedValue = metricValue(served, metric);
  const partial = { ...base, ...empty, served: servedValue, change: refValue === null ? null : servedValue - refValue };
  if (ref.n < 2) return { ...partial, status: 'no-reference' };
  if (served.n < minLabelled) return { ...partial, status: 'not-enough-labels' };
  // A mean's interval rests on the central limit theorem on both sides, which a few skewed
  // per-example losses do not satisfy (17 small log-losses say little about the mean); accuracy's
  // score interval stays sound on a small reference.
  if (metric !== 'accuracy' && ref.n < minLabelled) return { ...partial, status: 'small-reference' };
  if (metric === 'accuracy') {
    const changeInterval = newcombeDifference(served.correct, served.n, ref.correct, ref.n, z);
    return { ...partial, interval: wilson(served.correct, served.n, z), changeInterval, status: changeInterval[1] < -tolerance ? 'regression' : 'ok' };
  }
  const s = moments(served, metric);
  const r = moments(ref, metric);
  const changeInterval = welchDifference(s.mean, s.variance, s.n, r.mean, r.variance, r.n, z);
  let interval = meanInterval(s, z);
  if (metric === 'rmse') {
    const sq = meanInterval(served.sqError(), z); // the RMSE's own interval: √ of the MSE's, which needs no delta method
    interval = [Math.sqrt(Math.max(0, sq[0])), Math.sqrt(Math.max(0, sq[1]))];
  }
  return { ...partial, interval, changeInterval, status: changeInterval[0] > tolerance ? 'regression' : 'ok' };
}

/** How much worse served is than the reference: accuracy points lost, or the loss's relative increase; null when unknown. */
export function worsening(v: MetricVerdict): number | null {
  if (v.change === null || v.reference === null) return null;
  return v.metric === 'accuracy' ? -v.change : v.change / Math.max(Math.abs(v.reference), 1e-12);
}

import { fmt } from '../core/format-number.js';
import type { FeatureDrift } from './drift.js';
import type { WindowSpan } from './served-data.js';
import type { MetricVerdict } from './verdict.js';

export const STATISTIC_NAMES = { 'jensen-shannon': 'Jensen-Shannon', 'l-infinity': 'L-infinity' } as const;
export const METRIC_NAMES = { accuracy: 'accuracy', logLoss: 'log-loss', mae: 'MAE', rmse: 'RMSE' } as const;

/** A p-value or a false-alarm bound: two significant digits, tiny ones as powers of ten. */
export function fmtP(p: number): string {
  if (p < 1e-300) return '< 1e-300';
  return p < 1e-3 ? p.toExponential(1) : String(+p.toPrecision(2));
}

/** "2026-11-20T00:00Z–2026-11-21T00:00Z", or "all data" when unwindowed and empty. */
export function describeWindow(w: WindowSpan): string {
  if (!w.start || !w.end) return 'no data';
  const short = (iso: string) => iso.replace(/:00\.000Z$/, 'Z').replace(/\.000Z$/, 'Z');
  return `${short(w.start)}–${short(w.end)}`;
}

export function driftMessage(what: string, name: string, f: FeatureDrift, w: WindowSpan): string {
  const category = f.category !== null ? ` (${f.category})` : '';
  return (
    `${what} ${name} (${describeWindow(w)}): ${STATISTIC_NAMES[f.statistic]} ${fmt(f.value!)}${category} > threshold ${fmt(f.threshold)}` +
    `, beyond noise (p ${fmtP(f.pValue!)} < ${fmtP(f.alpha!)}) on ${f.n.reference} reference / ${f.n.served} served examples` +
    (f.psi !== null ? `; PSI ${fmt(f.psi)}` : '')
  );
}

export function regressionMessage(q: WindowSpan & { version: string; confidence: number }, m: MetricVerdict, slice: { feature: string; value: string } | null): string {
  const where = slice ? ` on slice ${slice.feature}=${slice.value}` : '';
  const [lo, hi] = m.changeInterval!;
  return (
    `quality regression of version ${q.version}${where} (${describeWindow(q)}): ${METRIC_NAMES[m.metric]} ${fmt(m.served!)} against ${fmt(m.reference!)} on validation` +
    ` (change ${fmt(m.change!)}, ${fmt(100 * q.confidence, 3)}% interval [${fmt(lo)}, ${fmt(hi)}], beyond the tolerance of ${fmt(m.tolerance)})` +
    ` on ${m.n.served} labelled served / ${m.n.reference} validation examples`
  );
}

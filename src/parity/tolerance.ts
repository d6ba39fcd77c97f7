import { InvalidOptionsError } from '../options/validate.js';
import type { FeatureValue } from './feature-set.js';

/** How close two values of a numeric feature must be to match. Exact when absent. */
export interface Tolerance {
  abs?: number;
  rel?: number;
}

/**
 * `f=abs:1e-6,g=rel:0.01,h=abs:1e-6+rel:1e-3` → { f: { abs: 1e-6 }, … }. A numeric value matches
 * when |a − b| ≤ max(abs, rel · max(|a|, |b|)); arrays element by element; strings and booleans exactly.
 */
export function parseTolerances(text: string): Record<string, Tolerance> {
  const out: Record<string, Tolerance> = {};
  for (const item of text.split(',').filter(Boolean)) {
    const [feature, spec] = item.split('=');
    const bad = () =>
      new InvalidOptionsError(
        `--tolerance: cannot read ${JSON.stringify(item)}; write feature=abs:1e-6, feature=rel:0.01 or feature=abs:1e-6+rel:0.01`,
        [item],
      );
    if (!feature || !spec) throw bad();
    const tolerance: Tolerance = {};
    for (const part of spec.split('+')) {
      const [kind, value] = part.split(':');
      const n = Number(value);
      if ((kind !== 'abs' && kind !== 'rel') || value === undefined || !Number.isFinite(n) || n < 0) throw bad();
      tolerance[kind] = n;
    }
    out[feature.trim()] = tolerance;
  }
  return out;
}

function close(a: number, b: number, t: Tolerance | undefined): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  // Past here a non-finite value differs from the other: |∞ − x| ≤ rel · ∞ must not make it a match.
  if (!t || !Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= Math.max(t.abs ?? 0, (t.rel ?? 0) * Math.max(Math.abs(a), Math.abs(b)));
}

/** Whether a training and a serving value of one feature match under its tolerance. */
export function valuesMatch(a: FeatureValue, b: FeatureValue, t: Tolerance | undefined): boolean {
  if (typeof a === 'number' && typeof b === 'number') return close(a, b, t);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]!, t));
  return a === b;
}

import { z } from 'zod';
import { InvalidOptionsError, parseOptions } from '../options/validate.js';
import type { FeatureValue } from './feature-set.js';

/** How close two values of a numeric feature must be to match. Exact when absent. */
export interface Tolerance {
  abs?: number;
  rel?: number;
}

/** Per feature. A plain object is read by its own properties only, so `__proto__` is a name like any other. */
export type Tolerances = Record<string, Tolerance> | ReadonlyMap<string, Tolerance>;

/**
 * `f=abs:1e-6,g=rel:0.01,h=abs:1e-6+rel:1e-3` → { f: { abs: 1e-6 }, … }. A numeric value matches
 * when |a − b| ≤ max(abs, rel · max(|a|, |b|)); arrays element by element; strings and booleans exactly.
 * The result has no prototype: `__proto__=abs:1` is a feature name, not a prototype to set.
 */
export function parseTolerances(text: string): Record<string, Tolerance> {
  const out: Record<string, Tolerance> = Object.create(null);
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

const tolerance = z.object({ abs: z.number().nonnegative().optional(), rel: z.number().nonnegative().optional() }).strict();

/**
 * The tolerances as a Map, each checked. Not through a zod record: it drops a `__proto__` key,
 * so `--tolerance __proto__=abs:1` would be ignored where `constructor=abs:1` is rejected.
 */
export function toleranceMap(value: unknown): Map<string, Tolerance> {
  if (value === undefined) return new Map();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionsError('Invalid parity options:\n  - tolerance: must map feature names to { abs?, rel? }', ['tolerance']);
  }
  const entries = value instanceof Map ? [...(value as Map<unknown, unknown>)] : Object.entries(value);
  return new Map(entries.map(([feature, t]) => [String(feature), parseOptions(tolerance, t, `parity options: tolerance.${String(feature)}`)]));
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

/** The first index where two values differ under the tolerance (strings by character), or -1. */
export function firstDifference(a: FeatureValue, b: FeatureValue, t: Tolerance | undefined): number {
  const n = Math.min((a as string | number[]).length, (b as string | number[]).length);
  if (typeof a === 'string' && typeof b === 'string') {
    for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  } else if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < n; i++) if (!close(a[i]!, b[i]!, t)) return i;
  } else return -1;
  return (a as string | number[]).length === (b as string | number[]).length ? -1 : n;
}

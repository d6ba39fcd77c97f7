import type { FeatureValue } from './feature-set.js';
import { firstDifference, type Tolerance } from './tolerance.js';

/** How much of a long value a report keeps: strings in characters, arrays in elements. */
export const CUT_CHARS = 100;
export const CUT_ELEMENTS = 20;

/** A value the report kept only part of: `length` is the whole value's, `from` where the part starts. */
export interface Cut {
  length: number;
  from: number;
}

/** A mismatching example with both values, long ones cut (`cut` says which, and from where). */
export interface ValueExample {
  id: string;
  training: FeatureValue | null;
  serving: FeatureValue | null;
  cut?: { training?: Cut; serving?: Cut };
}

const limit = (v: string | number[]) => (typeof v === 'string' ? CUT_CHARS : CUT_ELEMENTS);

/**
 * The example as the report keeps it: a 10 MB string is compared in full but kept as the part
 * around its first difference from the other side, so that the report shows why they differ.
 */
export function example(id: string, training: FeatureValue | null, serving: FeatureValue | null, t: Tolerance | undefined): ValueExample {
  const long = (v: FeatureValue | null): v is string | number[] => (typeof v === 'string' || Array.isArray(v)) && v.length > limit(v);
  if (!long(training) && !long(serving)) return { id, training, serving };
  const d = training !== null && serving !== null ? firstDifference(training, serving, t) : -1;
  const out: ValueExample = { id, training, serving, cut: {} };
  for (const side of ['training', 'serving'] as const) {
    const v = out[side];
    if (!long(v)) continue;
    const n = limit(v);
    // Start a quarter of the window before the difference, unless it is in view from the start.
    let from = d > (3 * n) / 4 ? Math.min(d - Math.floor(n / 4), v.length - n) : 0;
    if (typeof v === 'string' && from > 0 && isLowSurrogate(v.charCodeAt(from))) from--; // keep a character whole
    out[side] = v.slice(from, from + n);
    out.cut![side] = { length: v.length, from };
  }
  return out;
}

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** A string for a one-line display: cut at `max` characters, saying so and how long it was. */
export function cutText(text: string, max = CUT_CHARS): string {
  if (text.length <= max) return text;
  const end = isLowSurrogate(text.charCodeAt(max)) ? max - 1 : max;
  return `${text.slice(0, end)}… (cut, ${text.length} chars)`;
}

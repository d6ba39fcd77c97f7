import picomatch from 'picomatch';
import type { WeightRef } from '../inspect/model-weights.js';
import type { TensorRange } from '../inspect/tensor-health.js';
import type { ResolvedWeightBoundRule } from './options.js';

export interface BoundBreach {
  rule: number;
  action: ResolvedWeightBoundRule['action'];
  weight: number;
  bound: 'min' | 'max' | 'maxAbs';
  observed: number;
  limit: number;
  /** The allowed interval, for counting the elements outside it. */
  lo: number;
  hi: number;
}

function matcher(pattern: string | undefined): (name: string) => boolean {
  return pattern === undefined ? () => true : picomatch(pattern, { dot: true });
}

/** A weight pattern with a '/' matches the full name (`dense_1/kernel`), else the part after the layer. */
function weightMatcher(pattern: string | undefined): (fullName: string) => boolean {
  const match = matcher(pattern);
  if (pattern?.includes('/')) return match;
  return (fullName) => match(fullName.slice(fullName.lastIndexOf('/') + 1));
}

/** Weight-bound rules, matched to the model's weights once per run. */
export class WeightBounds {
  private readonly pairs: { rule: number; weight: number }[] = [];

  constructor(
    private readonly rules: readonly ResolvedWeightBoundRule[],
    weights: readonly WeightRef[],
  ) {
    rules.forEach((rule, r) => {
      const layerMatches = matcher(rule.layer);
      const weightMatches = weightMatcher(rule.weight);
      weights.forEach((w, i) => {
        if (layerMatches(w.layer) && weightMatches(w.weight)) this.pairs.push({ rule: r, weight: i });
      });
    });
  }

  /** Every bound broken in `healths` (aligned with the weights). Non-finite values are not bounds' business. */
  breaches(healths: readonly TensorRange[]): BoundBreach[] {
    const out: BoundBreach[] = [];
    for (const { rule: r, weight: i } of this.pairs) {
      const h = healths[i]!;
      if (h.min === null || h.max === null) continue;
      const rule = this.rules[r]!;
      const base = { rule: r, action: rule.action, weight: i };
      const maxAbs = Math.max(-h.min, h.max);
      if (rule.maxAbs !== undefined && maxAbs > rule.maxAbs) {
        out.push({ ...base, bound: 'maxAbs', observed: maxAbs, limit: rule.maxAbs, lo: -rule.maxAbs, hi: rule.maxAbs });
      }
      if (rule.min !== undefined && h.min < rule.min) {
        out.push({ ...base, bound: 'min', observed: h.min, limit: rule.min, lo: rule.min, hi: Infinity });
      }
      if (rule.max !== undefined && h.max > rule.max) {
        out.push({ ...base, bound: 'max', observed: h.max, limit: rule.max, lo: -Infinity, hi: rule.max });
      }
    }
    return out;
  }
}

import picomatch from 'picomatch';
import { z } from 'zod';
import { ACTIONS } from '../core/actions.js';
import type { FindingBase } from '../core/findings.js';
import { fmt } from '../core/format-number.js';
import type { TensorRange } from '../inspect/tensor-health.js';

const finiteNumber = z.number().refine(Number.isFinite, 'expected a finite number');

/** One `weightBounds` rule. */
export const weightBoundRule = z
  .object({
    /** Layer name, exact or glob (`dense_*`). Default: every layer. */
    layer: z.string().min(1).optional(),
    /** Weight name, exact or glob: `kernel` matches the part after the layer, `dense_1/kernel` the full name. Default: every weight. */
    weight: z.string().min(1).optional(),
    /** Smallest allowed value. No default. */
    min: finiteNumber.optional(),
    /** Largest allowed value. No default. */
    max: finiteNumber.optional(),
    /** Largest allowed |value|. No default. */
    maxAbs: finiteNumber.refine((v) => v > 0, 'expected a number > 0').optional(),
    /** Default 'warn'. */
    action: z.enum(ACTIONS).default('warn'),
  })
  .strict()
  .refine((r) => r.min !== undefined || r.max !== undefined || r.maxAbs !== undefined, {
    message: 'a weight-bound rule needs at least one of min, max or maxAbs',
  })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
    message: 'min must not be greater than max',
  });

export type WeightBoundRule = z.input<typeof weightBoundRule>;
export type ResolvedWeightBoundRule = z.output<typeof weightBoundRule>;

/**
 * The default bound: |w| ≤ 1e4 for every weight but BatchNorm's moving variance (a statistic of
 * the data, which is legitimately large on unnormalised inputs). Initialisers put weights well
 * under 1, and trained weights of healthy models rarely pass 100; a weight past 1e4 means the
 * updates are diverging, usually a few steps before the first Infinity. The action is 'warn',
 * since a bound is a heuristic while NaN is a fact.
 */
export const DEFAULT_WEIGHT_BOUNDS: readonly ResolvedWeightBoundRule[] = Object.freeze([
  { weight: '!moving_variance', maxAbs: 1e4, action: 'warn' },
]);

export interface WeightBoundFinding extends FindingBase {
  kind: 'weight-bound';
  layer: string;
  weight: string;
  bound: 'min' | 'max' | 'maxAbs';
  observed: number;
  limit: number;
  /** Fraction of the weight's elements outside the bound when it was first breached. */
  fractionOutOfBounds: number;
  /** Index of the rule in `weightBounds`. */
  rule: number;
}

/** The message of a breach, with the share of values outside the bound. */
export function describeBreach(names: { layer: string; weight: string }, breach: BoundBreach, outside: number, size: number): string {
  const fraction = size > 0 ? outside / size : 0;
  const op = breach.bound === 'min' ? '<' : '>';
  const name = breach.bound === 'maxAbs' ? 'max |w|' : breach.bound;
  return (
    `layer '${names.layer}', weight '${names.weight}': ${name} = ${fmt(breach.observed)} ${op} ${breach.bound} ${fmt(breach.limit)} ` +
    `(${fmt(100 * fraction)}% of ${size} values out of bounds; rule weightBounds[${breach.rule}])`
  );
}

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
    weights: readonly { layer: string; weight: string }[],
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

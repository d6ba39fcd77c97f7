import { z } from 'zod';
import { ACTIONS } from '../core/actions.js';
import type { FindingBase } from '../core/findings.js';
import { fmt } from '../core/format-number.js';
import { nonFiniteCount, type TensorRange } from '../inspect/tensor-health.js';

/** `nonFinite` options. */
export const nonFiniteOptions = z
  .object({
    /**
     * What the first NaN/Infinity does. Default 'fail': training stops at that batch and `fit`
     * (or the loop's `step`) rejects. 'rollback-and-stop' also restores the last weights that
     * passed the checks.
     */
    action: z.enum([...ACTIONS, 'rollback-and-stop']).default('fail'),
  })
  .strict();

/** The first kernel run whose output held NaN or Infinity. */
export interface KernelFault {
  kernel: string;
  /** 'backward' when it ran while tfjs back-propagated gradients. */
  pass: 'forward' | 'backward';
  /** The layer class whose `call` was on the stack (forward pass), e.g. 'Dense'; null when none. */
  layerClass: string | null;
  /** Whether every input was finite: true means this kernel *produced* the NaN/Infinity. */
  inputsFinite: boolean;
  nanCount: number;
  infCount: number;
  size: number;
}

/** One checked tensor that held NaN or Infinity. */
export interface NonFiniteValues {
  layer?: string;
  /** `layer/name` of the weight (or of the variable whose gradient this is), or the loss's log key (`loss`). */
  weight: string;
  /** True for a gradient handed to the loop hook: found before the update wrote it into the weights. */
  gradient?: true;
  nanCount: number;
  infCount: number;
  size: number;
}

/** A tensor the check looks at, by name. `layer` is absent for losses. */
export interface NamedRange {
  layer?: string;
  weight: string;
  range: TensorRange;
  /** 'gradient' for a gradient handed to the loop hook: found before the update writes it. */
  role?: 'loss' | 'weight' | 'gradient';
}

/** The first NaN/Infinity of the run. `affected` lists everything non-finite at that check. */
export interface NonFiniteFinding extends FindingBase {
  kind: 'non-finite';
  weight: string;
  nanCount: number;
  infCount: number;
  size: number;
  affected: NonFiniteValues[];
  /** When only losses are non-finite, the weight with the largest finite |value| at that check. */
  largestWeight?: { layer: string; weight: string; maxAbs: number };
  /** With `rollback-and-stop`: the step whose weights were restored (-1: the initial weights). */
  rolledBackTo?: number;
  /** With `locate`: the first kernel whose output held NaN/Infinity. */
  origin?: KernelFault;
  /** Why the kernel could not be located, when attribution was tried and failed. */
  originError?: string;
}

/** The non-finite ones among `checked`, in order (losses, gradients, weights as given). */
export function findNonFinite(checked: readonly NamedRange[]): NonFiniteValues[] {
  return checked.flatMap(({ layer, weight, range, role }) => {
    if (nonFiniteCount(range) === 0) return [];
    const values: NonFiniteValues = { ...(layer === undefined ? {} : { layer }), weight, nanCount: range.nanCount, infCount: range.posInfCount + range.negInfCount, size: range.size };
    if (role === 'gradient') values.gradient = true;
    return [values];
  });
}

function where(first: NonFiniteValues): string {
  if (first.gradient) {
    return `the gradient of '${first.weight}' has ${first.nanCount} NaN and ${first.infCount} Infinity among ${first.size} values`;
  }
  if (first.layer === undefined) return `the ${first.weight === 'loss' ? 'loss' : `loss '${first.weight}'`} is ${first.nanCount ? 'NaN' : 'Infinite'}`;
  return `layer '${first.layer}', weight '${first.weight}' has ${first.nanCount} NaN and ${first.infCount} Infinity among ${first.size} values`;
}

/** Where the first non-finite value is, in words, and what else was non-finite at the same check. */
export function describeNonFinite(
  affected: readonly NonFiniteValues[],
  weights: readonly NamedRange[],
): { message: string; largestWeight?: NonFiniteFinding['largestWeight'] } {
  const first = affected[0]!;
  const others = affected.slice(1);
  const list = others.slice(0, 3).map((v) => (v.gradient ? `gradient of ${v.weight}` : v.weight)).join(', ') + (others.length > 3 ? ', …' : '');
  let message = `first non-finite value: ${where(first)}` + (others.length ? ` (${others.length} more non-finite: ${list})` : '');
  if (affected.some((a) => a.layer !== undefined || a.gradient)) return { message };

  // Only losses are bad: the forward pass overflowed. The largest weight is where to look first.
  let largestWeight: NonFiniteFinding['largestWeight'];
  for (const { layer, weight, range } of weights) {
    if (range.min === null || range.max === null || layer === undefined) continue;
    const maxAbs = Math.max(-range.min, range.max);
    if (!largestWeight || maxAbs > largestWeight.maxAbs) largestWeight = { layer, weight, maxAbs };
  }
  if (largestWeight) {
    message +=
      `; every weight is still finite, the largest being layer '${largestWeight.layer}', ` +
      `weight '${largestWeight.weight}' (max |w| = ${fmt(largestWeight.maxAbs)})`;
  }
  return largestWeight ? { message, largestWeight } : { message };
}

/** The attribution part of the message: what is known, and only that. */
export function describeOrigin(origin: KernelFault | null | undefined, replayed: boolean, originError?: string): string {
  if (originError) return `; the producing kernel could not be located (${originError})`;
  if (origin) {
    return (
      `; first produced by kernel ${origin.kernel} (${origin.pass} pass${origin.layerClass ? `, in a ${origin.layerClass} layer` : ''}) ` +
      `from ${origin.inputsFinite ? 'finite inputs' : 'inputs that were already non-finite'}` +
      (replayed ? ' (replaying the probe batch on the last finite weights)' : '')
    );
  }
  // No kernel made it from the last finite weights on the probe: say that, and no more.
  return origin === null && replayed ? '; replaying the probe batch on the last finite weights did not reproduce it' : '';
}

import type { WeightRef } from '../inspect/model-weights.js';
import type { TensorRange } from '../inspect/tensor-health.js';
import type { NonFiniteFinding, NonFiniteValues } from './findings.js';

/** 1.2346, or 1.235e+5 for large and tiny magnitudes. */
export function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(+v.toFixed(4));
}

/** Where the first non-finite value is, in words, and what else was non-finite at the same check. */
export function describeNonFinite(
  affected: NonFiniteValues[],
  weights: readonly WeightRef[],
  healths: readonly TensorRange[],
): { message: string; largestWeight?: NonFiniteFinding['largestWeight'] } {
  const first = affected[0]!;
  const where =
    first.layer === undefined
      ? `the ${first.weight === 'loss' ? 'loss' : `loss '${first.weight}'`} is ${first.nanCount ? 'NaN' : 'Infinite'}`
      : `layer '${first.layer}', weight '${first.weight}' has ${first.nanCount} NaN and ${first.infCount} Infinity among ${first.size} values`;
  const others = affected.slice(1);
  const list = others.slice(0, 3).map((v) => v.weight).join(', ') + (others.length > 3 ? ', …' : '');
  let message = `first non-finite value: ${where}` + (others.length ? ` (${others.length} more non-finite: ${list})` : '');
  if (affected.some((a) => a.layer !== undefined)) return { message };

  // Only losses are bad: the forward pass overflowed. The largest weight is where to look first.
  let largestWeight: NonFiniteFinding['largestWeight'];
  healths.forEach((h, i) => {
    if (h.min === null || h.max === null) return;
    const maxAbs = Math.max(-h.min, h.max);
    if (!largestWeight || maxAbs > largestWeight.maxAbs) largestWeight = { layer: weights[i]!.layer, weight: weights[i]!.weight, maxAbs };
  });
  if (largestWeight) {
    message +=
      `; every weight is still finite, the largest being layer '${largestWeight.layer}', ` +
      `weight '${largestWeight.weight}' (max |w| = ${fmt(largestWeight.maxAbs)})`;
  }
  return largestWeight ? { message, largestWeight } : { message };
}

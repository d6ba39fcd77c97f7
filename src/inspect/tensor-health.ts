/** Non-finite counts and the range of the finite values: what the monitor checks every batch. */
export interface TensorRange {
  size: number;
  nanCount: number;
  posInfCount: number;
  negInfCount: number;
  min: number | null;
  max: number | null;
}

/**
 * Health of one tensor's values. `min`, `max`, `meanAbs` and `l2` are taken over the finite
 * values only, so one NaN does not hide the scale of the rest. They are `null` when the tensor
 * has no finite value at all.
 */
export interface TensorHealth extends TensorRange {
  meanAbs: number | null;
  l2: number | null;
  zeroFraction: number;
}

/** Number of NaN and ±Infinity values. */
export function nonFiniteCount(h: TensorRange): number {
  return h.nanCount + h.posInfCount + h.negInfCount;
}

/** Largest finite |value|, or null when no value is finite. */
export function maxAbsOf(h: TensorRange): number | null {
  if (h.min === null || h.max === null) return null;
  return Math.max(Math.abs(h.min), Math.abs(h.max));
}

/** Builds a TensorHealth from raw sums; shared by the JS scan and the device reduction. */
export function healthFromSums(
  size: number,
  nanCount: number,
  posInfCount: number,
  negInfCount: number,
  min: number,
  max: number,
  sumAbs: number,
  l2: number,
  zeroCount: number,
): TensorHealth {
  const finite = size - nanCount - posInfCount - negInfCount;
  const any = finite > 0;
  return {
    size,
    nanCount,
    posInfCount,
    negInfCount,
    min: any ? min : null,
    max: any ? max : null,
    meanAbs: any ? sumAbs / finite : null,
    l2: any ? l2 : null,
    zeroFraction: size === 0 ? 0 : zeroCount / size,
  };
}

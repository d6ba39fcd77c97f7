import { describe, expect, it } from 'vitest';
import { bucketOf, histogramLimits, scanRangeHistogram } from '../src/inspect/histogram.js';
import { scanRange } from '../src/inspect/scan.js';

/** TensorFlow's default edges, written out again from histogram.cc's loop. */
function tfLimits(): number[] {
  const pos: number[] = [];
  for (let v = 1.0e-12; v < 1.0e20; v *= 1.1) pos.push(v);
  return [-Number.MAX_VALUE, ...pos.map((v) => -v).reverse(), 0, ...pos, Number.MAX_VALUE];
}

/** std::upper_bound by a linear walk: the first edge above v. */
const upperBound = (limits: number[], v: number) => {
  const i = limits.findIndex((l) => l > v);
  return i === -1 ? limits.length : i;
};

function seeded(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('weight histograms', () => {
  const limits = tfLimits();

  it("uses TensorFlow's default bucket edges", () => {
    expect(histogramLimits()).toEqual(limits);
    expect(limits.length).toBe(2 * 774 + 3); // 774 edges from 1e-12 to 1e20, mirrored, 0, ±MAX_VALUE
  });

  it('puts each value in the bucket of the first edge above it, as TensorFlow does', () => {
    const random = seeded(7);
    const values = [0, -0, 1e-13, -1e-13, 1e-12, -1e-12, 3.4e38, -3.4e38, 1e25, ...limits.slice(1, -1).filter((_, i) => i % 37 === 0)];
    for (let i = 0; i < 3000; i++) values.push((random() - 0.5) * 10 ** Math.floor(random() * 30 - 15));
    for (const v of values) expect(bucketOf(v), `value ${v}`).toBe(upperBound(limits, v));
  });

  it('gives the same range as the range scan, and counts every finite value once', () => {
    const random = seeded(3);
    for (const size of [0, 1, 7, 64, 1000]) {
      const values = Float32Array.from({ length: size }, () => (random() - 0.5) * 4);
      if (size > 7) values.set([NaN, Infinity, -Infinity, -0, 0], 2);
      const { range, histogram } = scanRangeHistogram(values);
      expect(range).toEqual(scanRange(values, undefined, 'js'));
      expect(range).toEqual(scanRange(values, undefined, 'auto'));
      const finite = Array.from(values).filter(Number.isFinite);
      if (finite.length === 0) {
        expect(histogram).toBeNull();
        continue;
      }
      expect(histogram!.num).toBe(finite.length);
      expect(histogram!.bucket.reduce((a, b) => a + b, 0)).toBe(finite.length);
      expect(histogram!.min).toBe(Math.min(...finite));
      expect(histogram!.max).toBe(Math.max(...finite));
      expect(histogram!.sum).toBeCloseTo(finite.reduce((a, b) => a + b, 0), 9);
      // Each bucket holds exactly the values in [previous edge, its edge).
      histogram!.bucketLimit.forEach((hi, i) => {
        const lo = i === 0 ? -Infinity : histogram!.bucketLimit[i - 1]!;
        expect(finite.filter((v) => v >= lo && v < hi).length).toBe(histogram!.bucket[i]);
      });
      // Runs of empty buckets are merged: no two empty buckets follow each other.
      histogram!.bucket.forEach((c, i) => expect(c === 0 && histogram!.bucket[i + 1] === 0).toBe(false));
    }
  });

  it('buckets float32 values at and beside every edge exactly as the reference does', () => {
    // Each edge rounded to float32, and the float32 values just below and above it, both signs.
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    const values: number[] = [];
    for (const edge of limits.slice(1, -1)) {
      f[0] = edge;
      const b = bits[0]!;
      for (const d of [-1, 0, 1]) {
        bits[0] = (b + d) >>> 0;
        if (Number.isFinite(f[0])) values.push(f[0]!, -f[0]!); // below +0 is a NaN pattern
      }
    }
    const { histogram } = scanRangeHistogram(Float32Array.from(values));
    // Bucket index (in the full layout) → count: the reference's, and the histogram's non-empty ones.
    const expected: Record<number, number> = {};
    for (const v of values) expected[upperBound(limits, v)] = (expected[upperBound(limits, v)] ?? 0) + 1;
    const got: Record<number, number> = {};
    histogram!.bucketLimit.forEach((limit, i) => {
      if (histogram!.bucket[i]) got[limits.indexOf(limit)] = histogram!.bucket[i]!;
    });
    expect(got).toEqual(expected);
  });

  it('has no histogram for a tensor without a finite value', () => {
    expect(scanRangeHistogram(Float32Array.of(NaN, Infinity)).histogram).toBeNull();
    expect(scanRangeHistogram(Int32Array.of(3, -2)).histogram).toMatchObject({ min: -2, max: 3, num: 2, sum: 1, sumSquares: 13 });
  });
});

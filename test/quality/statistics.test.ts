import { describe, expect, it } from 'vitest';
import { evaluateQuality, mergeProfiles, ProfileBuilder, type NumericProfile } from '../../src/node/index.js';
import { ExactSum } from '../../src/quality/exact-sum.js';
import { bucketEdge, bucketKey, GAMMA, INF_KEY } from '../../src/quality/sketch.js';
import { chiSquareSurvival, newcombeDifference, normalQuantile, normalSurvival, wilson } from '../../src/quality/stats.js';
import { referenceOf, rng, world } from './fixtures.js';

// Independent computations, written differently from the library's.
const entropyBits = (shares: number[]) => -shares.reduce((s, p) => (p > 0 ? s + p * (Math.log(p) / Math.LN2) : s), 0);
function jsByEntropy(a: number[], b: number[]): number {
  const sa = a.reduce((s, x) => s + x, 0);
  const sb = b.reduce((s, x) => s + x, 0);
  const p = a.map((x) => x / sa);
  const q = b.map((x) => x / sb);
  return entropyBits(p.map((x, i) => (x + q[i]!) / 2)) - (entropyBits(p) + entropyBits(q)) / 2;
}
function psiSmoothed(a: number[], b: number[]): number {
  const pairs = a.map((x, i) => [x, b[i]!] as const).filter(([x, y]) => x + y > 0);
  const sa = pairs.reduce((s, [x]) => s + x + 0.5, 0);
  const sb = pairs.reduce((s, [, y]) => s + y + 0.5, 0);
  return pairs.reduce((s, [x, y]) => {
    const p = (x + 0.5) / sa;
    const q = (y + 0.5) / sb;
    return s + (q - p) * Math.log(q / p);
  }, 0);
}
/** Bins by comparing values with the edges (the library bins by bucket keys). */
const binByValue = (xs: number[], edges: number[]) => {
  const counts = new Array(edges.length + 1).fill(0);
  for (const x of xs) {
    const j = edges.findIndex((e) => x <= e);
    counts[j < 0 ? edges.length : j]++;
  }
  return counts;
};

describe('exact sums (what makes profiles merge exactly)', () => {
  /** The exact sum with BigInt arithmetic, rounded once. Values must lie in [2^-200, 2^200]. */
  function bigSum(xs: number[]): number {
    const view = new DataView(new ArrayBuffer(8));
    let s = 0n;
    for (const x of xs) {
      view.setFloat64(0, x);
      const bits = view.getBigUint64(0);
      const exp = Number((bits >> 52n) & 0x7ffn);
      const mant = (bits & ((1n << 52n) - 1n)) | (exp ? 1n << 52n : 0n);
      const scaled = mant << BigInt(Math.max(1, exp) - 1075 + 400); // x · 2^400, an integer
      s += bits >> 63n ? -scaled : scaled;
    }
    return Number(s) / 2 ** 400;
  }

  it('adds in any order, and merges shards, to the correctly rounded exact sum', () => {
    const r = rng(7);
    const xs = Array.from({ length: 5000 }, () => (r.uniform() < 0.5 ? -1 : 1) * r.uniform() * 2 ** Math.floor(r.uniform() * 120 - 60));
    xs.push(1e30, 1, -1e30, 2 ** -60); // cancellation that a naive sum gets wrong
    const expected = bigSum(xs);
    expect(xs.reduce((s, x) => s + x, 0)).not.toBe(expected);
    const forward = ExactSum.from(xs);
    const backward = ExactSum.from([...xs].reverse());
    const shards = [0, 1, 2].map((k) => ExactSum.from(xs.filter((_, i) => i % 3 === k)));
    const merged = new ExactSum();
    for (const s of shards) merged.merge(s);
    for (const s of [forward, backward, merged]) {
      expect(s.value()).toBe(expected);
      expect(s.toJSON()).toEqual(forward.toJSON());
    }
    expect(ExactSum.from(forward.toJSON()).value()).toBe(expected);
  });
});

describe('the fine buckets', () => {
  it('order like the numbers, are 1% wide, and hold each value between their edges', () => {
    const r = rng(3);
    const xs = [0, 1e-320, -1e-320, Infinity, -Infinity, 1, -1, 2, 1e300, -1e300, ...Array.from({ length: 2000 }, () => (r.uniform() - 0.5) * 10 ** (r.uniform() * 20 - 10))];
    xs.sort((a, b) => a - b);
    const keys = xs.map(bucketKey);
    for (let i = 1; i < keys.length; i++) expect(keys[i]).toBeGreaterThanOrEqual(keys[i - 1]!);
    expect(bucketKey(Infinity)).toBe(INF_KEY);
    for (const x of xs.filter((v) => v > 1e-299 && v < 1e300)) {
      const k = bucketKey(x);
      expect(x).toBeLessThanOrEqual(bucketEdge(k) * (1 + 1e-12));
      expect(x).toBeGreaterThan(bucketEdge(k - 1) * (1 - 1e-12));
      expect(bucketEdge(k) / bucketEdge(k - 1)).toBeCloseTo(GAMMA, 12);
    }
    expect(GAMMA).toBeCloseTo(1.0202, 4);
  });
});

describe('quantiles and intervals', () => {
  it('match published tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 6);
    expect(normalSurvival(1.959964)).toBeCloseTo(0.025, 7);
    expect(normalSurvival(-2.326348)).toBeCloseTo(0.99, 7);
    expect(normalSurvival(6) / 9.865876e-10).toBeCloseTo(1, 5);
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 7);
    expect(chiSquareSurvival(21.66599, 9)).toBeCloseTo(0.01, 7);
    expect(chiSquareSurvival(13.81551, 2)).toBeCloseTo(0.001, 8);
    expect(chiSquareSurvival(29.33603, 30)).toBeCloseTo(0.5, 6);
    expect(chiSquareSurvival(100, 9) / 1.5735176e-17).toBeCloseTo(1, 6); // far tails keep their digits (scipy: 1.5735176e-17)
    // Newcombe (1998), Statistics in Medicine 17:873, Table II example (a): 56/70 − 48/80.
    const [lo, hi] = newcombeDifference(56, 70, 48, 80, normalQuantile(0.975));
    expect(lo).toBeCloseTo(0.0524, 4);
    expect(hi).toBeCloseTo(0.3339, 4);
  });

  it('Wilson bounds are where the score test is exactly at z', () => {
    const z = 2.5;
    for (const [k, n] of [[81, 263], [3, 12], [0, 40], [40, 40]] as const) {
      const [lo, hi] = wilson(k, n, z);
      const p = k / n;
      for (const b of [lo, hi]) if (b > 0 && b < 1) expect(Math.abs(p - b) / Math.sqrt((b * (1 - b)) / n)).toBeCloseTo(z, 9);
    }
  });
});

describe('drift statistics on planted shifts', () => {
  const ref = referenceOf(1, 10_000, 2000);
  const trainingF0 = (() => {
    const draw = world(1);
    return Array.from({ length: 10_000 }, (_, i) => draw(i).features['f0'] as number);
  })();

  it('the profile keeps the decile edges and counts every training value in its bin', () => {
    const f0 = ref.training.features.find((f) => f.name === 'f0') as NumericProfile;
    expect(f0.histogram.edges).toHaveLength(9);
    expect(binByValue(trainingF0, f0.histogram.edges)).toEqual(f0.histogram.counts);
    for (const c of f0.histogram.counts) expect(c / 10_000).toBeCloseTo(0.1, 1); // about a tenth each
  });

  // The default threshold, JS 0.02, is a mean shift of about a third of σ: 0.25 σ passes, 0.4 σ does not.
  for (const shift of [0.1, 0.25, 0.4, 0.5, 1, 3]) {
    it(`a mean shift of ${shift} σ: JS and PSI as computed independently from the raw values`, () => {
      const draw = world(2, { shift });
      const served = Array.from({ length: 4000 }, (_, i) => ({ ...draw(i), ts: 0 }));
      const r = evaluateQuality(ref, { features: served }, {});
      const row = r.inputDrift[0]!.features.find((f) => f.feature === 'f0')!;
      const f0 = ref.training.features.find((f) => f.name === 'f0') as NumericProfile;
      const a = [...f0.histogram.counts, 0, 0, 0];
      const b = [...binByValue(served.map((s) => s.features['f0'] as number), f0.histogram.edges), 0, 0, 0];
      expect(row.value).toBeCloseTo(jsByEntropy(a, b), 12);
      expect(row.psi).toBeCloseTo(psiSmoothed(a, b), 12);
      expect(row.status).toBe(shift >= 0.4 ? 'drift' : 'ok');
      expect(r.inputDrift[0]!.features.find((f) => f.feature === 'f1')!.status).toBe('ok'); // unshifted features stay quiet
    });
  }

  it('JS grows with the shift and stays in [0, 1]; PSI ≈ 8 ln 2 · JS for small shifts', () => {
    const js = [0.2, 0.4, 0.8, 1.6, 10].map((shift) => {
      const draw = world(5, { shift });
      const row = evaluateQuality(ref, { features: Array.from({ length: 20_000 }, (_, i) => ({ ...draw(i), ts: 0 })) }).inputDrift[0]!.features[0]!;
      if (shift === 0.2) expect(row.psi! / (8 * Math.LN2 * row.value!)).toBeCloseTo(1, 0);
      return row.value!;
    });
    for (let i = 1; i < js.length; i++) expect(js[i]).toBeGreaterThan(js[i - 1]!);
    // All served values above the last edge, where a tenth of training is: JS = ½·0.9 + ½·(0.1·log2(0.2/1.1) + log2(2/1.1)).
    const t = (ref.training.features.find((f) => f.name === 'f0') as NumericProfile).histogram.counts.at(-1)! / 10_000;
    expect(js.at(-1)).toBeCloseTo(((1 - t) + t * Math.log2((2 * t) / (1 + t)) + Math.log2(2 / (1 + t))) / 2, 12);
    expect(js.at(-1)).toBeLessThanOrEqual(1);
  });

  it('a category share change: L-infinity as counted from the raw values, naming the category', () => {
    const weights = [0.25, 0.3, 0.2, 0.25]; // north falls from 40% to 25%
    const draw = world(3, { regionWeights: weights });
    const served = Array.from({ length: 3000 }, (_, i) => ({ ...draw(i), ts: 0 }));
    const row = evaluateQuality(ref, { features: served }).inputDrift[0]!.features.find((f) => f.feature === 'region')!;
    const regions = ref.training.features.find((f) => f.name === 'region')!;
    const refShare = new Map(regions.kind === 'categorical' ? regions.counts.map(([v, n]) => [v, n / 10_000]) : []);
    const servedShare = (v: string) => served.filter((s) => s.features['region'] === v).length / served.length;
    const diffs = [...refShare].map(([v, p]) => [v, Math.abs(p - servedShare(v))] as const).sort((x, y) => y[1] - x[1]);
    expect(row.value).toBeCloseTo(diffs[0]![1], 12);
    expect(row.category).toBe(diffs[0]![0]);
    expect(row.value).toBeGreaterThan(0.12);
    expect(row.status).toBe('drift');
  });

  it('NaN and missing values are bins of their own, so a field that stops arriving drifts', () => {
    const draw = world(4);
    const served = Array.from({ length: 2000 }, (_, i) => {
      const e = draw(i);
      if (i % 4 === 0) e.features['f1'] = NaN;
      if (i % 4 === 1) delete e.features['f1'];
      return { ...e, ts: 0 };
    });
    const row = evaluateQuality(ref, { features: served }).inputDrift[0]!.features.find((f) => f.feature === 'f1')!;
    const h = row.histograms;
    expect(h.served[h.labels.indexOf('NaN')]).toBeCloseTo(0.25, 12);
    expect(h.served[h.labels.indexOf('(missing)')]).toBeCloseTo(0.25, 12);
    expect(h.reference[h.labels.indexOf('NaN')]).toBe(0);
    expect(row.status).toBe('drift');
  });
});

describe('profiles merge', () => {
  const build = (rows: number[]) => {
    const b = new ProfileBuilder({ task: 'classification', classes: ['no', 'yes'], slices: ['region'], model: 'm', version: '1' });
    const draw = world(9);
    const all = Array.from({ length: 4000 }, (_, i) => draw(i));
    for (const i of rows) {
      if (i < 3000) b.addTraining(all[i]!.features);
      else b.addValidation(all[i]!);
    }
    return b.toJSON();
  };

  it('shards profiled apart, in any order, merge to exactly the one-pass profile', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => i);
    const onePass = build(ids);
    const shards = [0, 1, 2].map((k) => build(ids.filter((i) => i % 3 === k).reverse()));
    expect(JSON.stringify(mergeProfiles(shards))).toBe(JSON.stringify(onePass));
    expect(JSON.stringify(mergeProfiles([shards[2]!, shards[0]!, shards[1]!]))).toBe(JSON.stringify(onePass));
    expect(JSON.stringify(onePass).length).toBeLessThan(30_000); // small: 3000 examples, 4 features
  });

  it('refuses to merge profiles made with different options, saying which', () => {
    const other = new ProfileBuilder({ task: 'classification', classes: ['no', 'yes'], slices: ['region'], model: 'm', version: '1', bins: 20 }).toJSON();
    expect(() => mergeProfiles([build([1, 2, 3]), other])).toThrow(/different bins cannot be merged: 10 and 20/);
  });
});

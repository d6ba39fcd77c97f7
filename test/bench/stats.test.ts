import { describe, expect, it } from 'vitest';
import { MIN_ROUNDS, bootstrapInterval, formatInterval, median, mulberry32, quantileSorted, seedFrom, verdict } from '../../benchmarks/stats.js';

/** Normal draws (Box–Muller) from a seeded generator: a known distribution to check intervals against. */
function normals(seed: number, n: number, mean: number, sd: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

describe('mulberry32 and seedFrom', () => {
  it('draws the same numbers from the same seed, in [0, 1), evenly', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(draws);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((s, x) => s + x, 0) / draws.length).toBeCloseTo(0.5, 1);
    expect(mulberry32(43)()).not.toBe(mulberry32(42)());
  });

  it('gives each label its own stable seed', () => {
    expect(seedFrom('wasm MLP: default')).toBe(seedFrom('wasm MLP: default'));
    expect(seedFrom('wasm MLP: default')).not.toBe(seedFrom('wasm MLP: everything on'));
    expect(Number.isInteger(seedFrom(''))).toBe(true);
  });
});

describe('quantileSorted and median', () => {
  it('interpolates between ranks', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([10], 0.9)).toBe(10);
    expect(median([5, 1, 3])).toBe(3);
    expect(() => quantileSorted([], 0.5)).toThrow(/no values/);
  });
});

describe('bootstrapInterval', () => {
  const rounds = [0.021, 0.034, 0.018, 0.025, 0.029, 0.022, 0.041, 0.019, 0.027, 0.024, 0.031, 0.02];

  it('is deterministic for a seed, and brackets the median of the rounds', () => {
    const a = bootstrapInterval(rounds, { seed: seedFrom('x') });
    expect(bootstrapInterval(rounds, { seed: seedFrom('x') })).toEqual(a);
    expect(a.estimate).toBe(median(rounds));
    expect(a.low).toBeLessThanOrEqual(a.estimate);
    expect(a.high).toBeGreaterThanOrEqual(a.estimate);
    expect(a.low).toBeGreaterThanOrEqual(Math.min(...rounds));
    expect(a.high).toBeLessThanOrEqual(Math.max(...rounds));
    expect(a.n).toBe(rounds.length);
  });

  it('collapses to the value when every round agrees', () => {
    expect(bootstrapInterval([0.02, 0.02, 0.02], { seed: 1 })).toEqual({ estimate: 0.02, low: 0.02, high: 0.02, n: 3 });
    expect(bootstrapInterval([0.05], { seed: 1 })).toEqual({ estimate: 0.05, low: 0.05, high: 0.05, n: 1 });
  });

  it('narrows with more rounds', () => {
    const width = (n: number) => {
      const i = bootstrapInterval(normals(7, n, 0.03, 0.01), { seed: 3 });
      return i.high - i.low;
    };
    expect(width(400)).toBeLessThan(width(10) / 2);
  });

  it('covers the true median about 95% of the time', () => {
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const i = bootstrapInterval(normals(1000 + t, 40, 0.03, 0.01), { seed: t, resamples: 2000 });
      if (i.low <= 0.03 && 0.03 <= i.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThan(0.995);
  });

  it('takes another statistic and level', () => {
    const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const i95 = bootstrapInterval(rounds, { seed: 5, statistic: mean });
    const i50 = bootstrapInterval(rounds, { seed: 5, statistic: mean, level: 0.5 });
    expect(i95.estimate).toBeCloseTo(mean(rounds), 12);
    expect(i50.high - i50.low).toBeLessThan(i95.high - i95.low);
  });

  it('leaves out rounds that measured nothing, and refuses to make up an interval from none', () => {
    expect(bootstrapInterval([0.02, NaN, 0.02, Infinity], { seed: 1 })).toEqual({ estimate: 0.02, low: 0.02, high: 0.02, n: 2 });
    expect(() => bootstrapInterval([], { seed: 1 })).toThrow(/no finite values/);
    expect(() => bootstrapInterval([NaN], { seed: 1 })).toThrow(/no finite values/);
    expect(() => bootstrapInterval(rounds, { seed: 1, level: 1 })).toThrow(/level/);
    expect(() => bootstrapInterval(rounds, { seed: 1, resamples: 0 })).toThrow(/resamples/);
  });
});

describe('verdict', () => {
  it('meets a target only when the whole interval is within it', () => {
    expect(verdict({ low: 0.01, high: 0.029, n: 9 }, 0.03)).toBe('met');
    expect(verdict({ low: 0.01, high: 0.03, n: 9 }, 0.03)).toBe('met');
    expect(verdict({ low: 0.01, high: 0.031, n: 9 }, 0.03)).toBe('unresolved');
  });

  it('misses it only when the whole interval is beyond it', () => {
    expect(verdict({ low: 0.031, high: 0.07, n: 9 }, 0.03)).toBe('missed');
    expect(verdict({ low: 0.03, high: 0.07, n: 9 }, 0.03)).toBe('unresolved');
  });

  it('calls a wide interval across the limit unresolved, wherever its estimate is', () => {
    expect(verdict({ low: -0.02, high: 0.08, n: 9 }, 0.03)).toBe('unresolved');
  });

  it('gives no verdict from fewer than MIN_ROUNDS rounds, however narrow the interval', () => {
    expect(verdict({ low: 0.3, high: 0.3, n: 1 }, 0.03)).toBe('unresolved');
    expect(verdict({ low: 0.01, high: 0.01, n: MIN_ROUNDS - 1 }, 0.03)).toBe('unresolved');
    expect(verdict({ low: 0.01, high: 0.01, n: MIN_ROUNDS }, 0.03)).toBe('met');
  });
});

describe('formatInterval', () => {
  it('writes the estimate, then the interval, signed for overheads', () => {
    expect(formatInterval({ estimate: 0.021, low: -0.004, high: 0.04, n: 9 }, true)).toBe('+2.1% [-0.4%, +4.0%]');
    expect(formatInterval({ estimate: 0.021, low: 0.018, high: 0.026, n: 9 }, false, 2)).toBe('2.10% [1.80%, 2.60%]');
  });
});

import { describe, expect, it } from 'vitest';
import { LogHistogram, quantileOf } from '../../src/node/index.js';
import { servingRun } from '../../src/serving/run.js';
import { quantile } from '../../src/speed/stats.js';
import { latencies, syntheticRun } from './runs.js';

describe('the latency histogram', () => {
  it('gives p50, p95 and p99 within 2.5% of the exact quantiles of 100,000 calls, in at most 704 buckets', () => {
    const values = latencies(100_000, 0.002, 1, 0.6);
    const h = new LogHistogram();
    for (const v of values) h.add(v);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = quantile(values, q)!;
      expect(Math.abs(h.quantile(q)! / exact - 1)).toBeLessThan(0.025);
    }
    const json = h.toJson();
    expect(json.count).toBe(100_000);
    expect(json.buckets.length).toBeLessThanOrEqual(704);
    expect(json.min).toBe(Math.min(...values));
    expect(json.max).toBe(Math.max(...values));
    expect(JSON.stringify(json).length).toBeLessThan(4000);
  });

  it('keeps values outside its range at the exact extremes (0 s, and beyond two days)', () => {
    const h = new LogHistogram();
    for (const v of [0, 1e-9, 0.001, 3e5]) h.add(v);
    expect(h.quantile(0)).toBe(0);
    expect(h.quantile(1)).toBe(3e5);
    expect(quantileOf(h.toJson(), 0.5)).toBeGreaterThan(0);
    expect(new LogHistogram().quantile(0.5)).toBeNull();
  });

  it('round-trips through the run file schema', () => {
    const run = syntheticRun(latencies(500, 0.001, 2));
    const parsed = servingRun.parse(JSON.parse(JSON.stringify(run)));
    expect(quantileOf(parsed.latency, 0.95)).toBe(run.latencySeconds.p95);
  });
});

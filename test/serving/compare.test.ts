import { describe, expect, it } from 'vitest';
import { compareServingRuns, DEFAULT_SERVING_TOLERANCE, formatServingComparison, servingVerdictLine } from '../../src/node/index.js';
import { latencies, syntheticRun } from './runs.js';

const row = (c: ReturnType<typeof compareServingRuns>, metric: string) => c.rows.find((r) => r.metric.startsWith(metric))!;

describe('version against version', () => {
  it('is not fooled by noise: runs of one distribution are never a regression, even at a 5% tolerance', () => {
    const tolerance = { ...DEFAULT_SERVING_TOLERANCE, latency: 0.05 };
    let regressions = 0;
    let beyondTolerance = 0;
    for (let seed = 0; seed < 30; seed++) {
      const c = compareServingRuns(syntheticRun(latencies(250, 0.001, 2 * seed, 0.8)), syntheticRun(latencies(250, 0.001, 2 * seed + 1, 0.8)), tolerance);
      regressions += c.regressions.filter((r) => r.metric.startsWith('latency')).length;
      beyondTolerance += c.rows.filter((r) => r.metric.startsWith('latency p95') && r.change! > 0.05).length;
    }
    // p95 of 250 calls moves by more than 5% between identical runs again and again…
    expect(beyondTolerance).toBeGreaterThan(5);
    // …and the interval says it is noise.
    expect(regressions).toBeLessThanOrEqual(1);
  });

  it('finds a 50% slowdown every time, with an interval around it', () => {
    for (let seed = 0; seed < 10; seed++) {
      const c = compareServingRuns(syntheticRun(latencies(400, 0.001, 2 * seed)), syntheticRun(latencies(400, 0.0015, 2 * seed + 1)));
      const p50 = row(c, 'latency p50');
      expect(p50.verdict).toBe('regression');
      expect(p50.interval![0]).toBeGreaterThan(0.2);
      expect(p50.interval![0]).toBeLessThan(0.5);
      expect(p50.interval![1]).toBeGreaterThan(0.5);
      expect(row(c, 'latency p95').verdict).toBe('regression');
      expect(row(c, 'throughput').verdict).toBe('regression');
      expect(servingVerdictLine(c)).toMatch(/^\d regression\(s\): latency p50 \(ms\), latency p95 \(ms\), throughput/);
    }
  });

  it('says "not enough data", with the minimum and the counts, instead of guessing', () => {
    const c = compareServingRuns(syntheticRun(latencies(150, 0.001, 1)), syntheticRun(latencies(900, 0.004, 2)));
    expect(c.enoughData).toBe(false);
    expect(c.regressions).toEqual([]);
    expect(row(c, 'latency p50').verdict).toBe('not enough data');
    expect(servingVerdictLine(c)).toBe('not enough data: each run needs at least 200 returned calls; nothing was judged');
    const text = formatServingComparison(c, syntheticRun(latencies(150, 0.001, 1)), syntheticRun(latencies(900, 0.004, 2)));
    expect(text).toMatch(/calls: baseline 150, run 900; at least 200 returned calls in each are needed to judge — NOT ENOUGH DATA \(baseline 150, run 900 returned\)/);
  });

  it('refuses to compare runs of different batch sizes or models', () => {
    const base = syntheticRun(latencies(300, 0.001, 1));
    const batched = syntheticRun(latencies(300, 0.003, 2), { batchSize: { min: 32, max: 32, mean: 32 } });
    expect(compareServingRuns(base, batched).notComparable).toMatch(/baseline served 1 examples per call on average, the run 32/);
    expect(compareServingRuns(base, syntheticRun(latencies(300, 0.001, 2), { model: 'other' })).notComparable).toMatch(/model "mnist-mlp", the run "other"/);
  });

  it('judges the error rate with an interval: 1 in 300 is not a regression, 12 in 1,000 is', () => {
    const ok = syntheticRun(latencies(1000, 0.001, 1));
    const one = compareServingRuns(syntheticRun(latencies(300, 0.001, 1)), syntheticRun(latencies(299, 0.001, 2), { thrownCalls: 1 }));
    expect(row(one, 'error rate')).toMatchObject({ verdict: 'within noise' });
    const twelve = compareServingRuns(ok, syntheticRun(latencies(988, 0.001, 2), { thrownCalls: 12 }));
    expect(row(twelve, 'error rate')).toMatchObject({ verdict: 'regression', change: 0.012 });
    expect(row(twelve, 'error rate').interval![0]).toBeGreaterThan(0);
  });

  it('judges peak memory by tolerance, and lists changed dependencies', () => {
    const base = syntheticRun(latencies(300, 0.001, 1));
    const run = syntheticRun(latencies(300, 0.001, 2), {
      memory: { ...base.memory, peakNumTensors: 40, peakHeapUsed: 9e7 },
      dependencies: { ...base.dependencies, backend: { name: 'cpu', flags: {} }, packages: { ...base.dependencies.packages, '@tensorflow/tfjs-core': '4.21.0' } },
    });
    const c = compareServingRuns(base, run);
    expect(row(c, 'peak tensors')).toMatchObject({ verdict: 'regression', change: 1 });
    expect(row(c, 'peak RSS')).toMatchObject({ verdict: 'ok' });
    // The JS heap's peak depends on when the collector last ran: shown, never judged.
    const heap = compareServingRuns({ ...base, memory: { ...base.memory, peakHeapUsed: 3e7 } }, run);
    expect(row(heap, 'peak JS heap')).toMatchObject({ change: 2, tolerance: null });
    expect(heap.regressions.map((r) => r.metric)).toEqual(['peak tensors']);
    expect(c.dependencies.backendChanged).toBe(true);
    expect(c.dependencies.changes.map((x) => `${x.dependency} ${x.from} → ${x.to}`)).toEqual(['@tensorflow/tfjs-core 4.22.0 → 4.21.0', 'backend wasm → cpu']);
  });
});

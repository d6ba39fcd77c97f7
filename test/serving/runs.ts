import { LogHistogram, type ServingRun } from '../../src/node/index.js';
import { SERVING_RUN_FORMAT } from '../../src/serving/run.js';

/** A seeded generator (mulberry32), so that synthetic traffic is the same every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n latencies in seconds, log-normal around `median` (the shape of real call latency, with a right tail). */
export function latencies(n: number, median: number, seed: number, sigma = 0.35): number[] {
  const rand = seeded(seed);
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
    return median * Math.exp(sigma * z);
  });
}

/**
 * A serving run with the given call latencies, built the way the monitor builds one (a
 * LogHistogram), for comparisons whose ground truth is known; memory and dependencies are fixed.
 */
export function syntheticRun(values: number[], overrides: Partial<ServingRun> & { thrownCalls?: number } = {}): ServingRun {
  const h = new LogHistogram();
  for (const v of values) h.add(v);
  const thrown = overrides.thrownCalls ?? 0;
  const calls = values.length + thrown;
  const sum = values.reduce((a, b) => a + b, 0);
  const { thrownCalls: _, ...rest } = overrides;
  return {
    format: SERVING_RUN_FORMAT,
    model: 'mnist-mlp',
    modelType: 'LayersModel',
    versions: { modelVersion: 'v1', codeVersion: 'c1', dataVersion: 'd1' },
    backend: 'wasm',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:01:00.000Z',
    calls,
    thrown,
    examples: values.length,
    batchSize: { min: 1, max: 1, mean: 1 },
    outputs: { every: 1, budget: null, checked: values.length, nonFinite: 0 },
    errorRate: calls ? thrown / calls : null,
    activeSeconds: sum,
    examplesPerSecond: sum > 0 ? values.length / sum : null,
    latency: h.toJson(),
    latencySeconds: { p50: h.quantile(0.5), p95: h.quantile(0.95), p99: h.quantile(0.99), mean: values.length ? sum / values.length : null },
    inFlight: { peak: 1 },
    memory: { peakNumTensors: 20, peakNumBytes: 100_000, endNumTensors: 18, endNumBytes: 90_000, peakRss: 3e8 },
    monitor: { own: new LogHistogram().toJson(), meanMicros: null, shareOfLatency: null },
    findings: [],
    dependencies: {
      packages: { '@tensorflow/tfjs-core': '4.22.0', '@tensorflow/tfjs-layers': '4.22.0' },
      backend: { name: 'wasm', flags: { WASM_HAS_SIMD_SUPPORT: true } },
      runtime: { name: 'node', version: 'v20.20.2' },
      lockfile: { file: 'package-lock.json', sha256: 'a'.repeat(64) },
      dataSources: [{ name: 'mnist', version: '1' }],
    },
    ...rest,
  };
}

import type { DependencySet } from '../deps/dependency-set.js';
import type { ServingFinding } from './findings.js';
import type { ResolvedServingOptions } from './options.js';
import type { ServingRecorder } from './recorder.js';
import { SERVING_RUN_FORMAT, type ServingRun } from './run.js';
import { summarizeMemory } from '../speed/summary.js';

export interface RunInput {
  options: ResolvedServingOptions;
  kind: ServingRun['modelType'];
  backend: string;
  startedAt: Date;
  /** performance.now() */
  now: number;
  recorder: ServingRecorder;
  checkEvery: number | null;
  checkBudget: number | null;
  findings: readonly ServingFinding[];
  dependencies: DependencySet;
}

/**
 * Errors over calls. Non-finite outputs are counted on checked calls only; with one call in N
 * checked, their rate among checked calls stands for every call that returned.
 */
export function errorRate(calls: number, thrown: number, checked: number, nonFinite: number): number | null {
  if (calls === 0) return null;
  const returned = calls - thrown;
  const badReturns = checked > 0 ? (nonFinite / checked) * returned : 0;
  return (thrown + badReturns) / calls;
}

export function buildRun(input: RunInput): ServingRun {
  const { options: o, recorder: r } = input;
  const active = r.activeSeconds(input.now);
  const mean = (h: { count: number; sum: number }) => (h.count > 0 ? h.sum / h.count : null);
  const latencyMean = mean(r.latency);
  const ownMean = mean(r.own);
  const memory = summarizeMemory(r.peak, r.last);
  return {
    format: SERVING_RUN_FORMAT,
    model: o.model,
    modelType: input.kind,
    versions: { modelVersion: o.modelVersion, codeVersion: o.codeVersion, dataVersion: o.dataVersion },
    backend: input.backend,
    startedAt: input.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    calls: r.calls,
    thrown: r.thrown,
    examples: r.examples,
    batchSize: r.calls > 0 ? { min: r.batchMin, max: r.batchMax, mean: r.batchSum / r.calls } : { min: null, max: null, mean: null },
    outputs: { every: input.checkEvery, budget: input.checkBudget, checked: r.checked, nonFinite: r.nonFinite },
    errorRate: errorRate(r.calls, r.thrown, r.checked, r.nonFinite),
    activeSeconds: active,
    examplesPerSecond: active > 0 ? r.examples / active : null,
    latency: r.latency.toJson(),
    latencySeconds: { p50: r.latency.quantile(0.5), p95: r.latency.quantile(0.95), p99: r.latency.quantile(0.99), mean: latencyMean },
    inFlight: { peak: r.peakInFlight },
    memory,
    monitor: {
      own: r.own.toJson(),
      meanMicros: ownMean === null ? null : ownMean * 1e6,
      shareOfLatency: ownMean !== null && latencyMean ? ownMean / latencyMean : null,
    },
    findings: input.findings.map((f) => ({ ...f })),
    dependencies: input.dependencies,
  };
}

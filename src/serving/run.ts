import { z } from 'zod';
import { dependencySet } from '../deps/dependency-set.js';
import { histogramJson } from './histogram.js';
import { memorySummary } from '../speed/summary.js';

export const SERVING_RUN_FORMAT = 'tfjs-monitor/serving-run@1';

const count = z.number().int().nonnegative();
const nullableNumber = z.number().nullable();

/**
 * A run of served traffic, as `served.run()` returns it and `saveServingRun` writes it: what
 * `tfjs-monitor serving compare` compares with the run of the version served before. Latency is
 * kept as a histogram (seconds, calls that returned), so a run of any length has a bounded size.
 */
export const servingRun = z.object({
  format: z.literal(SERVING_RUN_FORMAT),
  model: z.string().min(1),
  modelType: z.enum(['LayersModel', 'GraphModel']),
  versions: z.object({ modelVersion: z.string().min(1), codeVersion: z.string().min(1), dataVersion: z.string().min(1) }).strict(),
  backend: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  calls: count,
  /** Calls that threw (the error was rethrown to the caller). */
  thrown: count,
  /** Examples (first dimension of the first input) in calls that returned. */
  examples: z.number().nonnegative(),
  batchSize: z.object({ min: nullableNumber, max: nullableNumber, mean: nullableNumber }).strict(),
  /** One call in `every` checked, or (every null) as many as fit in `budget` of the model's time. */
  outputs: z.object({ every: z.number().int().positive().nullable(), budget: z.number().positive().nullable(), checked: count, nonFinite: count }).strict(),
  /** Errors over calls: thrown ones, plus non-finite outputs scaled from the checked calls to all that returned. */
  errorRate: nullableNumber,
  /** Seconds with at least one call in flight. */
  activeSeconds: z.number().nonnegative(),
  /** Examples per active second. */
  examplesPerSecond: nullableNumber,
  latency: histogramJson,
  latencySeconds: z.object({ p50: nullableNumber, p95: nullableNumber, p99: nullableNumber, mean: nullableNumber }).strict(),
  inFlight: z.object({ peak: count }).strict(),
  /** Seen at the end of calls; RSS and JS heap read every `processMemoryEvery` calls (Node; the heap also in Chromium). */
  memory: memorySummary.strict(),
  /** The monitor's own time per call (seconds), measured directly around the model call. */
  monitor: z.object({ own: histogramJson, meanMicros: nullableNumber, shareOfLatency: nullableNumber }).strict(),
  findings: z.array(z.object({ kind: z.string(), message: z.string() }).passthrough()),
  dependencies: dependencySet,
});
export type ServingRun = z.infer<typeof servingRun>;

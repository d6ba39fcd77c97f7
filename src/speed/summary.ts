import { z } from 'zod';
import { dependencySet } from '../deps/dependency-set.js';

/** Which runs are comparable: same code, model, data and backend. */
export const baselineKey = z
  .object({
    codeVersion: z.string().min(1),
    modelVersion: z.string().min(1),
    dataVersion: z.string().min(1),
    backend: z.string().min(1),
  })
  .strict();
export type BaselineKey = z.infer<typeof baselineKey>;

const nullableNumber = z.number().nullable();

export const epochSpeed = z.object({
  epoch: z.number().int(),
  ms: z.number(),
  batches: z.number().int(),
  examples: z.number().nullable(),
  examplesPerSecond: nullableNumber,
});
export type EpochSpeed = z.infer<typeof epochSpeed>;

/** Memory over a run (training's batches, serving's calls): peaks, the figures at the end, what the platform adds. */
export const memorySummary = z.object({
  peakNumTensors: z.number(),
  peakNumBytes: z.number(),
  endNumTensors: z.number(),
  endNumBytes: z.number(),
  peakBackendBytes: z.number().optional(),
  peakRss: z.number().optional(),
  /** JS heap in use (Node; Chromium's performance.memory in a page for serving). */
  peakHeapUsed: z.number().optional(),
});
export type MemorySummary = z.infer<typeof memorySummary>;

type Figures = { numTensors: number; numBytes: number; backendBytes?: number; rss?: number; heapUsed?: number };

/** The memory summary of a run's peak figures and its last ones; figures a platform never measured stay absent. */
export function summarizeMemory(peak: Figures, last: Pick<Figures, 'numTensors' | 'numBytes'>): MemorySummary {
  const memory: MemorySummary = { peakNumTensors: peak.numTensors, peakNumBytes: peak.numBytes, endNumTensors: last.numTensors, endNumBytes: last.numBytes };
  if (peak.backendBytes !== undefined) memory.peakBackendBytes = peak.backendBytes;
  if (peak.rss !== undefined) memory.peakRss = peak.rss;
  if (peak.heapUsed !== undefined) memory.peakHeapUsed = peak.heapUsed;
  return memory;
}

/** A run's speed and memory in numbers that can be compared with another run's. */
export const speedSummary = z.object({
  key: baselineKey,
  batches: z.number().int().nonnegative(),
  msPerBatch: z.object({ median: nullableNumber, p95: nullableNumber, mean: nullableNumber }),
  /** Median over batches of examples / second. */
  examplesPerSecond: nullableNumber,
  epochs: z.array(epochSpeed),
  memory: memorySummary,
  /**
   * What the run depended on (tfjs packages and backend as loaded, runtime, lockfile, data
   * sources): a later run whose set differs carries a `dependency-change` finding. Absent in
   * baselines recorded before tfjs-monitor recorded it.
   */
  dependencies: dependencySet.optional(),
});
export type SpeedSummary = z.infer<typeof speedSummary>;

export function describeKey(key: BaselineKey): string {
  return `code ${key.codeVersion}, model ${key.modelVersion}, data ${key.dataVersion}, backend ${key.backend}`;
}

export function sameKey(a: BaselineKey, b: BaselineKey): boolean {
  return (
    a.codeVersion === b.codeVersion &&
    a.modelVersion === b.modelVersion &&
    a.dataVersion === b.dataVersion &&
    a.backend === b.backend
  );
}

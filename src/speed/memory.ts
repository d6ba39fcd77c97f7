import * as tf from '@tensorflow/tfjs-core';

/** One memory sample: tfjs's exact tensor figures, the backend's own where it has them, the process's. */
export interface MemorySample {
  step: number;
  numTensors: number;
  numBytes: number;
  /** wasm heap size, or GPU bytes on webgl: whatever the backend reports as a number. */
  backendBytes?: number;
  rss?: number;
  heapUsed?: number;
}

function backendBytes(info: tf.MemoryInfo): number | undefined {
  const gpu = (info as { numBytesInGPU?: unknown }).numBytesInGPU;
  if (typeof gpu === 'number') return gpu;
  const wasm = (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return wasm?.HEAPU8 ? wasm.HEAPU8.byteLength : undefined;
}

/** The process's own memory, where the platform has it (Node's `process.memoryUsage`). */
export type ProcessMemory = () => { rss: number; heapUsed: number };

/** Samples memory; the process figures only when `processMemory` is given (a syscall, so not every batch). */
export function sampleMemory(step: number, processMemory: ProcessMemory | null): MemorySample {
  const info = tf.memory();
  const sample: MemorySample = { step, numTensors: info.numTensors, numBytes: info.numBytes };
  const bytes = backendBytes(info);
  if (bytes !== undefined) sample.backendBytes = bytes;
  if (processMemory) {
    const usage = processMemory();
    sample.rss = usage.rss;
    sample.heapUsed = usage.heapUsed;
  }
  return sample;
}

const maxOf = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** Merges adjacent samples for a bounded series, keeping the peaks. */
export function mergeMemory(a: MemorySample, b: MemorySample): MemorySample {
  const merged: MemorySample = {
    step: b.step,
    numTensors: Math.max(a.numTensors, b.numTensors),
    numBytes: Math.max(a.numBytes, b.numBytes),
  };
  const backend = maxOf(a.backendBytes, b.backendBytes);
  const rss = maxOf(a.rss, b.rss);
  const heapUsed = maxOf(a.heapUsed, b.heapUsed);
  if (backend !== undefined) merged.backendBytes = backend;
  if (rss !== undefined) merged.rss = rss;
  if (heapUsed !== undefined) merged.heapUsed = heapUsed;
  return merged;
}

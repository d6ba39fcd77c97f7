import * as tf from '@tensorflow/tfjs-core';
import { inspectRanges, resolveStrategy } from '../inspect/inspect-tensor.js';
import { readValuesSync, wasmHeapMemory, type InspectStrategy } from '../inspect/read-values.js';
import { scanRange } from '../inspect/scan.js';
import type { TensorRange } from '../inspect/tensor-health.js';
import type { WasmMemory } from '../inspect/simd/wasm-api.js';
import type { ResolvedServingOptions } from './options.js';

/** One output that held NaN or ±Infinity. */
export interface BadOutput {
  output: string;
  range: TensorRange;
}

/** The float outputs of a call, named by index, or by key for a map of outputs. */
export function floatOutputs(out: unknown): [string, tf.Tensor][] {
  const entries: [string, unknown][] =
    out instanceof tf.Tensor ? [['0', out]] : Array.isArray(out) ? out.map((t, i) => [String(i), t]) : Object.entries((out ?? {}) as object);
  return entries.filter((e): e is [string, tf.Tensor] => e[1] instanceof tf.Tensor && e[1].dtype === 'float32' && !e[1].isDisposed);
}

const NONE: readonly BadOutput[] = Object.freeze([]);

function nonFinite(r: TensorRange): boolean {
  return r.nanCount + r.posInfCount + r.negInfCount > 0;
}

/**
 * Checks a call's outputs for NaN/±Infinity with the inspector, one call in `every`. On cpu and
 * wasm the scan (inspectRanges' own) reads the values in place, synchronously. On other backends
 * the reductions are issued at once on clones (which share the data, so the caller may dispose
 * its outputs) and read back asynchronously; the clones are disposed when the read ends.
 */
export class OutputCheck {
  readonly strategy: InspectStrategy;
  readonly every: number;
  private countdown = 0;
  private heapOf: unknown = null;
  private heap: WasmMemory | undefined;

  constructor(options: ResolvedServingOptions['outputs']) {
    this.strategy = resolveStrategy(options.strategy);
    this.every = options.every === 'auto' ? (this.strategy === 'scan' ? 1 : 10) : options.every;
  }

  /** Whether this call's outputs are checked: the first call, then one in `every`. */
  due(): boolean {
    if (this.countdown > 0) {
      this.countdown--;
      return false;
    }
    this.countdown = this.every - 1;
    return true;
  }

  /** The bad outputs now (scan), or a promise of them (device); the tensors are only read. */
  run(out: unknown): readonly BadOutput[] | Promise<readonly BadOutput[]> {
    if (this.strategy === 'scan') {
      // One output tensor is the common case: no list is built for it.
      if (out instanceof tf.Tensor) return out.dtype === 'float32' && !out.isDisposed ? this.scan('0', out) : NONE;
      return floatOutputs(out).flatMap(([name, t]) => this.scan(name, t));
    }
    const outputs = floatOutputs(out);
    const clones = outputs.map(([, t]) => t.clone());
    return inspectRanges(clones, 'device')
      .then((ranges) => ranges.flatMap((range, k) => (nonFinite(range) ? [{ output: outputs[k]![0], range }] : [])))
      .finally(() => tf.dispose(clones));
  }

  private scan(name: string, t: tf.Tensor): readonly BadOutput[] {
    // The wasm heap's Memory object lives as long as the backend: looked up once per backend.
    const backend = tf.backend();
    if (backend !== this.heapOf) {
      this.heapOf = backend;
      this.heap = wasmHeapMemory();
    }
    const range = scanRange(readValuesSync(t), this.heap);
    return nonFinite(range) ? [{ output: name, range }] : NONE;
  }
}

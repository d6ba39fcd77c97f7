import * as tf from '@tensorflow/tfjs-core';
import { inspectRanges, resolveStrategy } from '../inspect/inspect-tensor.js';
import { readValuesSync, wasmHeapMemory, type InspectStrategy, type NumericArray } from '../inspect/read-values.js';
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

/** Up to this many values, a plain loop tells a clean output without allocating anything (the common case). */
const LOOP_MAX = 4096;

/** Whether any value is NaN or ±Infinity (v - v is NaN exactly for those). */
function anyNonFinite(values: NumericArray): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) return true;
  }
  return false;
}

function nonFinite(r: TensorRange): boolean {
  return r.nanCount + r.posInfCount + r.negInfCount > 0;
}

/**
 * Checks a call's outputs for NaN/±Infinity with the inspector, one call in `every`. On cpu and
 * wasm the values are read in place, synchronously: a small clean output by a plain loop, anything
 * else by the inspector's scan (inspectRanges' own, the SIMD kernel), which also counts them. On other backends
 * the reductions are issued at once on clones (which share the data, so the caller may dispose
 * its outputs) and read back asynchronously; the clones are disposed when the read ends.
 */
export class OutputCheck {
  readonly strategy: InspectStrategy;
  /** One call in `every`, or null: within the time budget (scan backends with every: 'auto'). */
  readonly every: number | null;
  readonly budget: number | null;
  private countdown = 0;
  private sinceCheck = 0;
  private checkMs = 0;
  private modelMs = 0;
  private heapOf: unknown = null;
  private heap: WasmMemory | undefined;
  private readonly engine = tf.engine();

  constructor(options: ResolvedServingOptions['outputs']) {
    this.strategy = resolveStrategy(options.strategy);
    this.every = options.every !== 'auto' ? options.every : this.strategy === 'scan' ? null : 10;
    this.budget = this.every === null ? options.budget : null;
  }

  /**
   * Whether this call's outputs are checked: the first call; then one in `every`, or, within the
   * budget, whenever the checks so far have cost at most `budget` of the model's time so far (and
   * after at most 99 unchecked calls). `modelMs` is this call's model time.
   */
  due(modelMs: number): boolean {
    this.modelMs += modelMs;
    if (this.every !== null) {
      if (this.countdown > 0) {
        this.countdown--;
        return false;
      }
      this.countdown = this.every - 1;
      return true;
    }
    if (this.sinceCheck > 0 && this.sinceCheck < 100 && this.checkMs > this.budget! * this.modelMs) {
      this.sinceCheck++;
      return false;
    }
    this.sinceCheck = 1;
    return true;
  }

  /** Adds a check's own time, for the budget. */
  spent(ms: number): void {
    this.checkMs += ms;
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
    const backend = this.engine.backend;
    if (backend !== this.heapOf) {
      this.heapOf = backend;
      this.heap = wasmHeapMemory();
    }
    const values = readValuesSync(t);
    if (values.length <= LOOP_MAX && !anyNonFinite(values)) return NONE;
    const range = scanRange(values, this.heap);
    return nonFinite(range) ? [{ output: name, range }] : NONE;
  }
}

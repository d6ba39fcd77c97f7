import * as tf from '@tensorflow/tfjs-core';
import type { KernelFault } from '../stability/non-finite.js';

export type { KernelFault };

/** A wrapped kernel function carries the config it wraps, so a trap never mistakes a trap for an original. */
const ORIGINAL = Symbol.for('tfjs-monitor.original-kernel');
type Wrapped = tf.KernelFunc & { [ORIGINAL]?: tf.KernelConfig };

/** The trap in force per backend, process-wide (shared by every copy of this package through a global). */
const ACTIVE_KEY = Symbol.for('tfjs-monitor.active-kernel-traps');
const globals = globalThis as { [ACTIVE_KEY]?: Map<string, KernelTrap> };
const active = (globals[ACTIVE_KEY] ??= new Map<string, KernelTrap>());

interface TensorInfoLike {
  dataId: object;
  dtype: string;
}

interface BackendLike {
  readSync(dataId: object): ArrayLike<number> | string[];
}

function count(backend: BackendLike, t: TensorInfoLike): { nan: number; inf: number; size: number } {
  if (t.dtype !== 'float32') return { nan: 0, inf: 0, size: 0 };
  const values = backend.readSync(t.dataId) as ArrayLike<number>;
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) {
      if (v !== v) nan++;
      else inf++;
    }
  }
  return { nan, inf, size: values.length };
}

/**
 * The current stack, deep enough to reach the layer's `call`: V8 keeps 10 frames by default, and
 * a `tf.tidy` inside a layer (or a fused kernel of Dense) pushes `call` past them.
 */
function deepStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  try {
    return new Error().stack ?? '';
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The layer class and pass from a stack trace: `Dense.call` frames, tfjs's backprop frames. */
function fromStack(stack: string): { pass: KernelFault['pass']; layerClass: string | null } {
  const pass = /backpropagateGradients|gradients?\b.*tape/i.test(stack) || /\bbackprop/i.test(stack) ? 'backward' : 'forward';
  const layer = stack.match(/at (?:\w+\.)?(\w+)\.call \(/);
  return { pass, layerClass: pass === 'forward' && layer ? layer[1]! : null };
}

/**
 * Wraps every kernel of a backend, through tfjs's public kernel registry, to read each output as
 * it is produced and remember the first one holding NaN or Infinity, with whether its inputs were
 * finite. Reading every output costs time (a few % on cpu, more on wasm): for debugging runs.
 * `uninstall` puts the original kernels back, exactly as they were. A trap left installed (by a
 * fit that tfjs aborted) is removed before a new one goes in, and by `KernelTrap.restoreAll()`.
 */
export class KernelTrap {
  private firstFault: KernelFault | null = null;
  private readonly originals: tf.KernelConfig[];
  private installed = true;

  private constructor(readonly backendName: string) {
    active.get(backendName)?.uninstall();
    // Kernels that are still wrapped (by a trap from another copy of tfjs-monitor) give their original back.
    this.originals = tf.getKernelsForBackend(backendName).map((k) => (k.kernelFunc as Wrapped)[ORIGINAL] ?? k);
    active.set(backendName, this);
    try {
      for (const original of this.originals) {
        tf.unregisterKernel(original.kernelName, backendName);
        const wrapped: Wrapped = (args) => this.run(original, args);
        wrapped[ORIGINAL] = original;
        tf.registerKernel({ ...original, kernelFunc: wrapped });
      }
    } catch (e) {
      this.uninstall();
      throw e;
    }
  }

  static install(backendName: string = tf.getBackend()): KernelTrap {
    return new KernelTrap(backendName);
  }

  /** Removes every trap still installed, on any backend. */
  static restoreAll(): void {
    for (const trap of [...active.values()]) trap.uninstall();
  }

  get fault(): KernelFault | null {
    return this.firstFault;
  }

  /** Forgets the fault seen so far, to trap the next one. */
  reset(): void {
    this.firstFault = null;
  }

  private run(original: tf.KernelConfig, args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
    const out = original.kernelFunc(args);
    if (this.firstFault) return out;
    const backend = args.backend as unknown as BackendLike;
    const outputs = (Array.isArray(out) ? out : [out]) as TensorInfoLike[];
    let nan = 0;
    let inf = 0;
    let size = 0;
    for (const o of outputs) {
      const c = count(backend, o);
      nan += c.nan;
      inf += c.inf;
      size += c.size;
    }
    if (nan + inf === 0) return out;
    const inputs = Object.values(args.inputs).filter((t) => t != null) as unknown as TensorInfoLike[];
    const inputsFinite = inputs.every((t) => {
      const c = count(backend, t);
      return c.nan + c.inf === 0;
    });
    this.firstFault = { kernel: original.kernelName, ...fromStack(deepStack()), inputsFinite, nanCount: nan, infCount: inf, size };
    return out;
  }

  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    if (active.get(this.backendName) === this) active.delete(this.backendName);
    for (const original of this.originals) {
      try {
        tf.unregisterKernel(original.kernelName, this.backendName);
      } catch {
        // not registered: nothing to remove
      }
      tf.registerKernel(original);
    }
  }
}

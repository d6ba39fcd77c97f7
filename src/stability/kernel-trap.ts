import * as tf from '@tensorflow/tfjs-core';

/** The first kernel run whose output held NaN or Infinity. */
export interface KernelFault {
  kernel: string;
  /** 'backward' when it ran while tfjs back-propagated gradients. */
  pass: 'forward' | 'backward';
  /** The layer class whose `call` was on the stack (forward pass), e.g. 'Dense'; null when none. */
  layerClass: string | null;
  /**
   * Whether every input was finite: true means this kernel *produced* the NaN/Infinity; false
   * means it only passed on a bad input.
   */
  inputsFinite: boolean;
  nanCount: number;
  infCount: number;
  size: number;
}

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
 * `uninstall` puts the original kernels back, exactly as they were.
 */
export class KernelTrap {
  private firstFault: KernelFault | null = null;
  private readonly originals: tf.KernelConfig[];

  private constructor(readonly backendName: string) {
    this.originals = tf.getKernelsForBackend(backendName);
    try {
      for (const original of this.originals) {
        tf.unregisterKernel(original.kernelName, backendName);
        tf.registerKernel({ ...original, kernelFunc: (args) => this.run(original, args) });
      }
    } catch (e) {
      this.uninstall();
      throw e;
    }
  }

  static install(backendName: string = tf.getBackend()): KernelTrap {
    return new KernelTrap(backendName);
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
    this.firstFault = { kernel: original.kernelName, ...fromStack(new Error().stack ?? ''), inputsFinite, nanCount: nan, infCount: inf, size };
    return out;
  }

  uninstall(): void {
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

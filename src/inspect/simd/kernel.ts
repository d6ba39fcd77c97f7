import { carefulInto, fullInto, rangeInto, type ScanSums } from '../scan-js.js';
import { SCAN_WASM_BASE64 } from './scan-wasm.generated.js';
import { wasmApi, type WasmMemory } from './wasm-api.js';

type Getter = () => number;

/** simd/scan.wat's exports: passes that add n values at byte ptr to the state, and getters. */
interface KernelExports extends Record<'min' | 'max' | 'nan' | 'posInf' | 'negInf' | 'zeros', Getter> {
  reset(): void;
  range(ptr: number, n: number): void;
  full(ptr: number, n: number): void;
  careful(ptr: number, n: number): void;
  abs0: Getter;
  abs1: Getter;
  abs2: Getter;
  abs3: Getter;
  sq0: Getter;
  sq1: Getter;
  sq2: Getter;
  sq3: Getter;
}

/**
 * Values copied into the kernel's own memory per call: 4 KiB, read back from L1 while the
 * source streams through. Measured on 10M floats, 1K values per copy beat 512, 2K, 4K and 64K.
 */
export const CHUNK = 1 << 10;

let compiled: object | null | undefined;

/**
 * The kernel, compiled once; null where WebAssembly or its SIMD is missing (validate says so)
 * or compiling is refused (a CSP without 'wasm-unsafe-eval'): the JS scan is used there.
 * Compiled synchronously, as the scan is synchronous: Chrome allows that on the main thread up
 * to 4 KB, which the build checks the kernel stays under.
 */
function kernelModule(): object | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    const wasm = wasmApi();
    if (!wasm || typeof atob !== 'function') return null;
    const bytes = Uint8Array.from(atob(SCAN_WASM_BASE64), (c) => c.charCodeAt(0));
    if (wasm.validate(bytes)) compiled = new wasm.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

export function simdAvailable(): boolean {
  return kernelModule() !== null;
}

const instances = new WeakMap<WasmMemory, KernelExports | null>();

/** An instance reading `memory`, which may be another module's (tfjs's heap); null if refused. */
function instanceFor(memory: WasmMemory): KernelExports | null {
  let k = instances.get(memory);
  if (k !== undefined) return k;
  const module = kernelModule();
  k = null;
  if (module) {
    try {
      // Fails for a shared memory (tfjs's threaded build): the import is declared unshared.
      k = new (wasmApi()!.Instance)(module, { env: { memory } }).exports as unknown as KernelExports;
    } catch {
      k = null;
    }
  }
  instances.set(memory, k);
  return k;
}

let own: { memory: WasmMemory; view: Float32Array; kernel: KernelExports } | null | undefined;

/** The kernel with a memory of its own, one chunk long, for values that live in JS memory. */
function ownInstance() {
  if (own !== undefined) return own;
  own = null;
  if (!kernelModule()) return own;
  const memory = new (wasmApi()!.Memory)({ initial: Math.ceil((CHUNK * 4) / 65536) });
  const kernel = instanceFor(memory);
  if (kernel) own = { memory, view: new Float32Array(memory.buffer, 0, CHUNK), kernel };
  return own;
}

/** The state after a pass; a range pass has only min and max (and is then all finite). */
function results(k: KernelExports, pass: Pass): ScanSums {
  if (pass === 'range') {
    return { min: k.min(), max: k.max(), nan: 0, posInf: 0, negInf: 0, zeros: 0, abs: [0, 0, 0, 0], sq: [0, 0, 0, 0] };
  }
  return {
    min: k.min(),
    max: k.max(),
    // Counts come back as i32; >>> 0 reads them unsigned, right up to 2^32 - 1 values.
    nan: k.nan() >>> 0,
    posInf: k.posInf() >>> 0,
    negInf: k.negInf() >>> 0,
    zeros: k.zeros() >>> 0,
    abs: [k.abs0(), k.abs1(), k.abs2(), k.abs3()],
    sq: [k.sq0(), k.sq1(), k.sq2(), k.sq3()],
  };
}

export type Pass = 'range' | 'full' | 'careful';

/**
 * One pass of the kernel over `values`, the last n mod 4 of them added by the JS scan in their
 * lanes. In place when `values` is a view of `memory` (tfjs's wasm heap: no copy at all), else
 * (JS memory, or a shared memory the kernel can't import) copied into the kernel's own memory
 * a chunk at a time. Null when the kernel can't run here.
 */
export function kernelPass(values: Float32Array, pass: Pass, memory?: WasmMemory): ScanSums | null {
  const m = values.length - (values.length % 4);
  let sums: ScanSums | null = null;
  const inPlace = memory && values.buffer === memory.buffer ? instanceFor(memory) : null;
  if (inPlace) {
    inPlace.reset();
    inPlace[pass](values.byteOffset, m);
    sums = results(inPlace, pass);
  } else {
    const o = ownInstance();
    if (!o) return null;
    const { kernel: k, view } = o;
    k.reset();
    for (let at = 0; at < m; at += CHUNK) {
      const end = Math.min(at + CHUNK, m);
      view.set(values.subarray(at, end));
      k[pass](0, end - at);
    }
    sums = results(k, pass);
  }
  if (m < values.length) {
    const into = pass === 'careful' ? carefulInto : pass === 'full' ? fullInto : rangeInto;
    into(values, m, values.length, sums);
  }
  return sums;
}

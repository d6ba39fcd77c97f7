import * as tf from '@tensorflow/tfjs-core';
import type { WasmMemory } from './simd/wasm-api.js';

export type NumericArray = Float32Array | Int32Array | Uint8Array;

/**
 * tfjs's engine, one per tfjs-core copy for the life of the process. Its fields are read directly:
 * tf.getBackend() and tf.backend() cost 2–3.5 µs each where they run rarely (an output check one
 * serving call in 50, measured on wasm), engine.backendName 0.3 µs.
 */
const ENGINE = tf.engine();

/** How the inspector reads a tensor: a JS scan of host memory, or a reduction on the device. */
export type InspectStrategy = 'scan' | 'device';

/**
 * cpu and wasm keep tensors in JS-visible memory, so one JS pass is cheapest. Every other
 * backend (tfjs-node, webgl, webgpu) copies on read, so it reduces on the device instead.
 */
export function defaultStrategy(backendName: string = ENGINE.backendName): InspectStrategy {
  return backendName === 'cpu' || backendName === 'wasm' ? 'scan' : 'device';
}

interface WasmHeapAccess {
  typedArrayFromHeap(t: tf.Tensor): NumericArray;
  /** The Emscripten module: its heap, and the WebAssembly.Memory under it by one name or another. */
  wasm?: { HEAPU8?: Uint8Array; asm?: Record<string, unknown>; wasmMemory?: unknown; wasmExports?: Record<string, unknown> };
}

/**
 * The tensor's values, without a copy where the backend allows it (cpu: its own storage;
 * wasm: a view into the heap). Use the result at once and never write to it: a wasm view
 * becomes invalid as soon as the heap grows.
 */
export function readValuesSync(t: tf.Tensor): NumericArray {
  if (ENGINE.backendName === 'wasm') {
    const wasm = ENGINE.backend as unknown as Partial<WasmHeapAccess>;
    if (typeof wasm.typedArrayFromHeap === 'function') {
      try {
        return wasm.typedArrayFromHeap(t);
      } catch {
        // The tensor lives on another backend (e.g. created before setBackend): copy instead.
      }
    }
  }
  return t.dataSync() as NumericArray;
}

/**
 * The WebAssembly.Memory holding the wasm backend's tensors, so that the SIMD scan reads them
 * in place; undefined on other backends or where tfjs does not expose it. It is the one whose
 * buffer is the heap's: tfjs 4.22 (Emscripten) keeps it as `asm.memory` (`wasmMemory` in
 * other builds).
 */
export function wasmHeapMemory(): WasmMemory | undefined {
  if (ENGINE.backendName !== 'wasm') return undefined;
  const m = (ENGINE.backend as unknown as Partial<WasmHeapAccess>).wasm;
  const heap = m?.HEAPU8?.buffer;
  if (!heap) return undefined;
  for (const candidate of [m.asm?.['memory'], m.wasmMemory, m.wasmExports?.['memory']]) {
    if (typeof candidate === 'object' && candidate !== null && (candidate as WasmMemory).buffer === heap) {
      return candidate as WasmMemory;
    }
  }
  return undefined;
}

/**
 * The few WebAssembly JS API members the kernel uses. The project compiles without the DOM
 * lib, and @types/node 20 declares only part of them, so they are typed here.
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}

type WasmModule = object;

interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The host's WebAssembly, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof api === 'object' && api !== null ? api : undefined;
}

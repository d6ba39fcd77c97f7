import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { inspectTensor } from '../src/node/index.js';
import { readValuesSync, wasmHeapMemory } from '../src/inspect/read-values.js';
import { scanRange, scanValues, type ScanEngine } from '../src/inspect/scan.js';
import { CHUNK, simdAvailable } from '../src/inspect/simd/kernel.js';
import type { WasmMemory } from '../src/inspect/simd/wasm-api.js';
import { CHROMIUM, launchChromium } from './helpers/browser.js';
import { backend } from './helpers/models.js';

const run = promisify(execFile);

/** Every field as exact text, -0 apart from 0 and NaN apart from null, for exact comparison. */
const exact = (h: object) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : v]));

function expectIdentical(values: Float32Array, label: string, memory?: WasmMemory) {
  const js = { full: exact(scanValues(values, undefined, 'js')), range: exact(scanRange(values, undefined, 'js')) };
  for (const engine of ['simd', 'auto'] as ScanEngine[]) {
    expect(exact(scanValues(values, memory, engine)), `${label}, ${engine}, all statistics`).toEqual(js.full);
    expect(exact(scanRange(values, memory, engine)), `${label}, ${engine}, range`).toEqual(js.range);
  }
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const F32_MAX = 3.4028234663852886e38;
const SUBNORMAL = 1.401298464324817e-45;
const NEG_NAN = new Float32Array(new Uint32Array([0xffc00001]).buffer)[0]!;
const SIGNALLING_NAN = new Float32Array(new Uint32Array([0x7f800001]).buffer)[0]!;
const SPECIALS = [NaN, NEG_NAN, SIGNALLING_NAN, Infinity, -Infinity, 0, -0, SUBNORMAL, -SUBNORMAL, 1.1754943508222875e-38, F32_MAX, -F32_MAX];

const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 63, 64, 65, 255, 257, 1023, CHUNK - 1, CHUNK, CHUNK + 3, 3 * CHUNK + 5];

describe('the WebAssembly SIMD scan', () => {
  it('runs here (Node 20 has WebAssembly SIMD), so the comparisons below compare two engines', () => {
    expect(simdAvailable()).toBe(true);
  });

  it('gives bit-identical results to the JS scan on random data of every awkward length', () => {
    const next = random(1);
    for (const n of LENGTHS) {
      const values = Float32Array.from({ length: n }, () => (next() - 0.5) * 10 ** (next() * 8 - 4));
      expectIdentical(values, `random, n=${n}`);
    }
  });

  it('is identical on NaN (any payload), ±Infinity, -0, subnormals and float32 max, wherever they sit', () => {
    const next = random(2);
    for (const n of LENGTHS) {
      for (let trial = 0; trial < 4; trial++) {
        const values = Float32Array.from({ length: n }, () => next() * 2 - 1);
        const holes = Math.ceil(next() * Math.min(n, 40));
        for (let h = 0; h < holes; h++) values[Math.floor(next() * n)] = SPECIALS[Math.floor(next() * SPECIALS.length)]!;
        expectIdentical(values, `specials, n=${n}, trial ${trial}`);
      }
    }
    // Each special at each position of a vector and of the 1-3 values after the last one.
    for (const special of SPECIALS) {
      for (let at = 0; at < 23; at++) {
        const values = Float32Array.from({ length: 23 }, (_, i) => Math.sin(i + 1));
        values[at] = special;
        expectIdentical(values, `${special} at ${at} of 23`);
      }
    }
  });

  it('is identical when nothing, or only one kind of thing, is there', () => {
    for (const n of [0, 1, 3, 4, 9, 64, 1001]) {
      for (const fill of [NaN, Infinity, -Infinity, 0, -0, SUBNORMAL, -F32_MAX, F32_MAX]) {
        expectIdentical(new Float32Array(n).fill(fill), `all ${fill}, n=${n}`);
      }
    }
    const mixed = new Float32Array(999).map((_, i) => [NaN, Infinity, -Infinity][i % 3]!);
    expectIdentical(mixed, 'no finite value');
    expect(scanValues(mixed)).toMatchObject({ nanCount: 333, posInfCount: 333, negInfCount: 333, min: null, max: null, meanAbs: null });
  });

  it('orders -0 below 0, as Math.min does, whether or not a NaN is also there', () => {
    for (const extra of [[], [NaN], [Infinity]]) {
      for (const n of [2, 100]) {
        // [0, -0, …] and [-0, 0, …] both have min -0 and max 0, with and without NaN/Infinity.
        for (const [first, second] of [[0, -0], [-0, 0]]) {
          const values = new Float32Array(n).fill(first!);
          values[n - 1] = second!;
          const withExtra = Float32Array.from([...values, ...extra]);
          for (const engine of ['js', 'simd'] as ScanEngine[]) {
            const h = scanValues(withExtra, undefined, engine);
            expect(Object.is(h.min, -0) && Object.is(h.max, 0), `${engine}: [${first}, …, ${second}, ${extra}]`).toBe(true);
          }
        }
      }
      for (const engine of ['js', 'simd'] as ScanEngine[]) {
        const allNegativeZero = Float32Array.from([-0, -0, -0, -0, -0, ...extra]);
        expect(Object.is(scanValues(allNegativeZero, undefined, engine).max, -0)).toBe(true);
      }
    }
  });

  it('sums subnormals and float32 max without losing or overflowing them', () => {
    const tiny = new Float32Array(1000).fill(SUBNORMAL);
    expect(scanValues(tiny, undefined, 'simd').meanAbs).toBe(SUBNORMAL);
    const huge = new Float32Array(1000).fill(F32_MAX);
    const h = scanValues(huge, undefined, 'simd');
    expect([h.posInfCount, h.max, h.meanAbs]).toEqual([0, F32_MAX, F32_MAX]);
    expect(h.l2! / (F32_MAX * Math.sqrt(1000))).toBeCloseTo(1, 12);
  });

  it('reads a view of a WebAssembly memory in place, at any 4-byte offset, as it does tfjs\'s wasm heap', () => {
    const Memory = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => WasmMemory } }).WebAssembly.Memory;
    const memory = new Memory({ initial: 2 });
    const next = random(3);
    for (const [offset, n] of [[4, 37], [8, 1000], [12, 4097], [0, 16]] as const) {
      const values = new Float32Array(memory.buffer, offset, n).map(() => next() * 4 - 2);
      values[n >> 1] = NaN;
      expectIdentical(values, `in place at byte ${offset}`, memory);
    }
    // A shared memory can't be imported by the kernel: it falls back to copying, same answer.
    const shared = new Memory({ initial: 1, maximum: 1, shared: true });
    const values = new Float32Array(shared.buffer, 4, 999).map(() => next() - 0.5);
    expectIdentical(values, 'shared memory', shared);
  });

  it('is what inspectTensor uses, and on the wasm backend it finds tfjs\'s heap to read in place', async () => {
    const next = random(4);
    const values = Float32Array.from({ length: 10_001 }, () => next() - 0.5);
    values[77] = NaN;
    values[78] = -0;
    const t = tf.tensor1d(values);
    expect(exact(await inspectTensor(t))).toEqual(exact(scanValues(values, undefined, 'js')));
    const memory = wasmHeapMemory();
    if (backend() === 'wasm') {
      expect(memory, 'the WebAssembly.Memory under the wasm backend').toBeDefined();
      expect(readValuesSync(t).buffer).toBe(memory!.buffer);
    } else {
      expect(memory).toBeUndefined();
    }
    t.dispose();
  });
});

// Process-level checks: once, in the cpu project.
describe.skipIf(backend() !== 'cpu')('the scan kernel, built and shipped', () => {
  it('is the one scan.wat compiles to (npm run build regenerates it)', async () => {
    await expect(run('node', ['scripts/build-wasm.mjs', '--check'])).resolves.toBeDefined();
  });

  it('falls back to the JS scan, with the same answers, where there is no WebAssembly at all', async () => {
    const script = `
      const { scanValues } = await import('./dist/inspect/scan.js');
      const { simdAvailable } = await import('./dist/inspect/simd/kernel.js');
      const v = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3);
      v[5] = NaN; v[6] = -0;
      console.log(JSON.stringify({ wasm: typeof WebAssembly, simd: simdAvailable(), h: scanValues(v) }));`;
    const { stdout } = await run('node', ['--jitless', '--input-type=module', '-e', script]);
    const out = JSON.parse(stdout);
    expect([out.wasm, out.simd]).toEqual(['undefined', false]);
    const v = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3);
    v[5] = NaN;
    v[6] = -0;
    expect(out.h).toEqual(JSON.parse(JSON.stringify(scanValues(v, undefined, 'simd'))));
  });

  it.skipIf(!CHROMIUM)('runs in Chromium from dist as plain ES modules (no fs, no fetch of a .wasm), with the same answers', async () => {
    const arrays = [[1, -2, 0.5, NaN, -0, 3, Infinity], Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3)];
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(new URL(r.url()).pathname));
      // Serve dist/ from a made-up origin: module scripts don't load from file://.
      await page.route('http://tfjs-monitor.test/**', (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>scan</title>' });
        return route.fulfill({ contentType: 'text/javascript', body: readFileSync(`dist${path}`) });
      });
      await page.goto('http://tfjs-monitor.test/');
      // A string, so that vitest's transform leaves its dynamic import() alone.
      const out = (await page.evaluate(`(async () => {
        const { scanValues } = await import('/inspect/scan.js');
        const { simdAvailable } = await import('/inspect/simd/kernel.js');
        const arrays = ${JSON.stringify(arrays.map((a) => a.map((x) => (Object.is(x, -0) ? '-0' : String(x)))))}; // Float32Array.from reads 'NaN', '-0'
        const scan = (a, engine) => scanValues(Float32Array.from(a), undefined, engine);
        return { simd: simdAvailable(), results: arrays.map((a) => [scan(a, 'simd'), scan(a, 'js')]) };
      })()`)) as { simd: boolean; results: [object, object][] };
      expect(out.simd).toBe(true);
      expect(requests.filter((p) => !p.endsWith('.js') && p !== '/')).toEqual([]);
      out.results.forEach(([simd, js], i) => {
        const node = JSON.parse(JSON.stringify(scanValues(Float32Array.from(arrays[i]!), undefined, 'js')));
        expect(simd).toEqual(node);
        expect(js).toEqual(node);
      });
    } finally {
      await browser.close();
    }
  });
});

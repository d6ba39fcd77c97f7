/**
 * npm run bench:scan: the inspector's scan, WebAssembly SIMD kernel against plain JS, against
 * the naive per-weight tfjs checks and against a plain JS sum over the same floats, on cpu and
 * wasm at 1M and 10M parameters. Interleaved rounds; every figure is the median with the
 * spread (25th–75th percentile) over rounds, and ratios are taken within a round.
 * Writes benchmarks/scan-results.json and prints a markdown table.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { inspectModel } from '../src/index.js';
import { readValuesSync, wasmHeapMemory } from '../src/inspect/read-values.js';
import { scanRange, scanValues, type ScanEngine } from '../src/inspect/scan.js';
import { simdAvailable } from '../src/inspect/simd/kernel.js';
import { interleaved, machine, naiveChecks, plainSum } from './lib.js';

const REPS = Number(process.env['BENCH_REPS'] ?? 15);

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

/** "median [p25–p75]" of some numbers, with `digits` decimals. */
const spread = (values: number[], digits = 2) =>
  `${quantile(values, 0.5).toFixed(digits)} [${quantile(values, 0.25).toFixed(digits)}–${quantile(values, 0.75).toFixed(digits)}]`;

/** Per round: baseline time / variant time, i.e. how many times faster the variant is. */
const speedups = (variant: number[], baseline: number[]) => variant.map((t, i) => baseline[i]! / t);

interface Row {
  backend: string;
  size: string;
  variant: string;
  ms: string;
  vsNaive: string;
  vsSum: string;
  target?: string;
}
const rows: Row[] = [];
const results: Record<string, unknown> = { machine: machine(), reps: REPS, simd: simdAvailable() };

async function bench(backend: 'cpu' | 'wasm') {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not load`);
  await tf.ready();
  for (const [size, units] of [['1M params', 1000], ['10M params', 3162]] as const) {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [units], units })] });
    const weights = model.getWeights();
    const scan = (engine: ScanEngine, pass: typeof scanValues | typeof scanRange, inPlace = true) => () => {
      const memory = inPlace ? wasmHeapMemory() : undefined;
      return weights.map((w) => pass(readValuesSync(w), memory, engine));
    };
    const variants: Record<string, () => unknown> = {
      inspectModel: () => inspectModel(model),
      'full scan, SIMD': scan('simd', scanValues),
      'full scan, JS': scan('js', scanValues),
      'range scan (per batch), SIMD': scan('simd', scanRange),
      'range scan (per batch), JS': scan('js', scanRange),
      naive: () => naiveChecks(weights),
      'plain JS sum': () => plainSum(weights),
    };
    // On wasm the kernel reads tfjs's heap in place; this is what copying it in would cost.
    if (backend === 'wasm') {
      variants['full scan, SIMD, copied in chunks'] = scan('simd', scanValues, false);
      variants['range scan, SIMD, copied in chunks'] = scan('simd', scanRange, false);
    }
    for (const f of Object.values(variants)) await f(); // warm-up: JIT, and the kernel's tier-up
    const times = await interleaved(variants, REPS);
    const naive = times['naive']!;
    const sum = times['plain JS sum']!;
    const out: Record<string, unknown> = {};
    for (const [variant, t] of Object.entries(times)) {
      const vsNaive = speedups(t, naive);
      const vsSum = speedups(t, sum);
      const [xNaive, xSum] = [quantile(vsNaive, 0.5), quantile(vsSum, 0.5)];
      out[variant] = { ms: t, msMedian: quantile(t, 0.5), speedupVsNaive: xNaive, speedupVsPlainSum: xSum };
      // The targets: inspectModel ≥ 5× the naive checks on wasm, and faster than a plain sum.
      const targets: string[] = [];
      if (variant === 'inspectModel' && backend === 'wasm') targets.push(`≥ 5× naive ${xNaive >= 5 ? 'met' : '**missed**'}`);
      if (variant === 'inspectModel') targets.push(`> 1× plain sum ${xSum > 1 ? 'met' : '**missed**'}`);
      rows.push({
        backend, size, variant, ms: spread(t),
        vsNaive: variant === 'naive' ? '' : `${spread(vsNaive, 1)}×`,
        vsSum: variant === 'plain JS sum' ? '' : `${spread(vsSum, 2)}×`,
        ...(targets.length ? { target: targets.join(', ') } : {}),
      });
    }
    results[`${backend}, ${size}`] = out;
    model.dispose();
  }
}

await bench('cpu');
await bench('wasm');

results['rows'] = rows;
writeFileSync(new URL('./scan-results.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
const m = results['machine'] as ReturnType<typeof machine>;
console.log(
  `Measured ${m.date.slice(0, 10)} on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), Node ${m.node}, tfjs ${m.tfjs}, ` +
    `WebAssembly SIMD ${results['simd'] ? 'on' : 'OFF (JS fallback)'}; median [25th–75th percentile] of ${REPS} interleaved rounds.\n`,
);
console.log('| backend | size | variant | ms | × faster than naive tfjs | × faster than plain JS sum | target |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.backend} | ${r.size} | ${r.variant} | ${r.ms} | ${r.vsNaive} | ${r.vsSum} | ${r.target ?? ''} |`);
}
